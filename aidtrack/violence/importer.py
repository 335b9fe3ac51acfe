"""Importing ACLED-format conflict events (CSV or XLSX): checked row by row, all or nothing, matched by event id."""

import numpy as np
from django.db import transaction

from aidtrack.exchange.values import ValueProblem, clean, is_missing, parse_coordinate, parse_count, parse_date
from aidtrack.geo.importers.columns import normalise
from aidtrack.geo.importers.report import ImportFailed, ImportReport
from aidtrack.geo.importers.sources import open_source
from aidtrack.geo.importers.tables import iter_table
from aidtrack.geo.placement import NO_MATCH, placement_index
from aidtrack.violence.models import ConflictEvent

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
UPDATED_FIELDS = [*COLUMNS, "admin1", "admin2", "admin3"]


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
    _place(events)
    existing = ConflictEvent.objects.in_bulk(list(events), field_name="event_id")
    new = [ConflictEvent(**values) for key, values in events.items() if key not in existing]
    changed = []
    for key, values in events.items():
        event = existing.get(key)
        if event is not None and any(getattr(event, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(event, name, value)
            changed.append(event)
    report.counts.update(
        {
            ("to add" if dry_run else "added"): len(new),
            ("to update" if dry_run else "updated"): len(changed),
            "unchanged": len(events) - len(new) - len(changed),
        }
    )
    if not dry_run:
        with transaction.atomic():
            ConflictEvent.objects.bulk_create(new, batch_size=2000)
            ConflictEvent.objects.bulk_update(changed, UPDATED_FIELDS, batch_size=500)
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


def _place(events: dict[str, dict]) -> None:
    if not events:
        return
    rows = list(events.values())
    placed = placement_index().place_many(
        np.array([r["latitude"] for r in rows]), np.array([r["longitude"] for r in rows]), communities=False
    )
    for i, values in enumerate(rows):
        for name in ("admin1", "admin2", "admin3"):
            pk = int(getattr(placed, f"{name}_ids")[i])
            values[f"{name}_id"] = None if pk == NO_MATCH else pk
