"""Importing ACLED-format conflict events (CSV or XLSX): checked row by row, all or nothing, matched by event id."""

from aidtrack.imports.columns import normalise
from aidtrack.imports.report import ImportFailed, ImportReport
from aidtrack.imports.sources import open_source
from aidtrack.imports.tables import iter_table
from aidtrack.imports.values import ValueProblem, clean, is_missing, parse_coordinate, parse_count, parse_date
from aidtrack.violence.models import ConflictEvent
from aidtrack.violence.services import conflict_events_save

# ACLED's column names (lower case in its exports), with the variants seen in re-shared files, best first.
COLUMNS = {
    "event_id": ("eventidcnty", "eventid", "dataid"),
    "event_date": ("eventdate",),
    "event_type": ("eventtype",),
    "sub_event_type": ("subeventtype",),
    "actor1": ("actor1",),
    "actor2": ("actor2",),
    "admin1_name": ("admin1",),
    "admin2_name": ("admin2",),
    "admin3_name": ("admin3",),
    "location": ("location",),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "long"),
    "geo_precision": ("geoprecision",),
    "fatalities": ("fatalities",),
    "notes": ("notes",),
    "source": ("source",),
}
REQUIRED = ("event_id", "event_date", "event_type", "latitude", "longitude")
PARSERS = {
    "event_date": parse_date,
    "latitude": lambda v: parse_coordinate(v, axis="latitude"),
    "longitude": lambda v: parse_coordinate(v, axis="longitude"),
    "fatalities": parse_count,
    "geo_precision": parse_count,
}
TEXT_LIMITS = {f.name: f.max_length for f in ConflictEvent._meta.fields if getattr(f, "max_length", None)}


def _columns(headers, display: str) -> dict[str, str]:
    by_normal = {normalise(h): h for h in headers}
    found = {field: next((by_normal[n] for n in names if n in by_normal), None) for field, names in COLUMNS.items()}
    missing = [field for field in REQUIRED if not found[field]]
    if missing:
        raise ImportFailed(
            f"{display}: no {', '.join(missing)} column; an ACLED export has event_id_cnty, event_date, event_type, "
            f"latitude and longitude. Its columns are: {', '.join(headers)}."
        )
    return {field: column for field, column in found.items() if column}


def import_conflict_events(path_or_url: str, *, dry_run: bool = False, max_bytes: int | None = None) -> ImportReport:
    """Add or update conflict events from an ACLED export; raises ImportFailed (nothing written) on any bad row."""
    report = ImportReport(source=path_or_url, dry_run=dry_run)
    events: dict[str, dict] = {}
    with open_source(path_or_url, max_bytes=max_bytes) as source:
        columns = None
        for table in iter_table(source.path, path_or_url):
            columns = columns or _columns(list(table.frame.columns), path_or_url)
            frame = table.frame[list(columns.values())]
            for index, cells in enumerate(frame.itertuples(index=False, name=None)):
                row = table.row_number(index)
                values = _read_row(row, dict(zip(columns, cells, strict=True)), columns, report)
                if values is None:
                    continue
                if values["event_id"] in events:
                    report.error(f"row {row}", f"event {values['event_id']} appears twice in the file; keep one row.")
                    continue
                events[values["event_id"]] = values
    if report.errors:
        raise ImportFailed(f"{path_or_url}: {len(report.errors)} problem(s); nothing was written.", report)
    counts = conflict_events_save(events=list(events.values()), dry_run=dry_run)
    report.counts.update(
        {
            ("to add" if dry_run else "added"): counts.added,
            ("to update" if dry_run else "updated"): counts.updated,
            "unchanged": counts.unchanged,
        }
    )
    return report


def _read_row(row: int, cells: dict, columns: dict, report: ImportReport) -> dict | None:
    values, failed = {}, False
    for field, text in cells.items():
        if is_missing(text):
            if field in REQUIRED:
                report.error(f"row {row}, column {columns[field]!r}", f"the {field.replace('_', ' ')} is missing.")
                failed = True
            continue
        try:
            values[field] = PARSERS[field](text) if field in PARSERS else clean(text)[: TEXT_LIMITS.get(field, 10000)]
        except ValueProblem as problem:
            report.error(f"row {row}, column {columns[field]!r}", f"found {clean(text)!r}: {problem}.")
            failed = True
    if values.get("geo_precision", 1) not in (1, 2, 3):
        report.error(f"row {row}, column {columns['geo_precision']!r}", "geo_precision is 1, 2 or 3 in ACLED data.")
        failed = True
    return None if failed else values
