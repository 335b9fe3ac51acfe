"""Importing ACLED-format conflict events (CSV or XLSX): checked row by row, all or nothing, matched by event id.

An import on the framework of ``aidtrack.imports.importer``: the columns are
recognised (by ACLED's names, or a mapping), every row is checked, the run
reports its progress, a dry run writes nothing, and the events are written
in one transaction by ``conflict_events_save``.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aidtrack.imports.importer import TableImporter
from aidtrack.imports.report import ImportFailed
from aidtrack.imports.tabular import column
from aidtrack.imports.values import ValueProblem, clean, is_missing, parse_coordinate, parse_count, parse_date
from aidtrack.violence.models import ConflictEvent
from aidtrack.violence.services import conflict_events_check, conflict_events_save

# ACLED's column names (lower case in its exports), with the variants seen in re-shared files, best first.
COLUMNS = [
    column("event_id", ("eventidcnty", "eventid", "dataid")),
    column("event_date", ("eventdate",), parse=parse_date),
    column("event_type", ("eventtype",)),
    column("sub_event_type", ("subeventtype",)),
    column("actor1", ("actor1",)),
    column("actor2", ("actor2",)),
    column("admin1_name", ("admin1",)),
    column("admin2_name", ("admin2",)),
    column("admin3_name", ("admin3",)),
    column("location", ("location",)),
    column("latitude", ("latitude", "lat"), parse=lambda v: parse_coordinate(v, axis="latitude")),
    column("longitude", ("longitude", "lon", "long"), parse=lambda v: parse_coordinate(v, axis="longitude")),
    column("geo_precision", ("geoprecision",), parse=parse_count),
    column("fatalities", ("fatalities",), parse=parse_count),
    column("notes", ("notes",)),
    column("source", ("source",)),
]
FIELDS = {spec.field: spec for spec in COLUMNS}
REQUIRED = ("event_id", "event_date", "event_type", "latitude", "longitude")
TEXT_LIMITS = {f.name: f.max_length for f in ConflictEvent._meta.fields if getattr(f, "max_length", None)}


@dataclass
class EventPlan:
    """What one row does: add, update or leave unchanged the event with its id."""

    row: int
    action: str
    key: str
    record_id: int | None = None

    def describe(self) -> str:
        return self.key


class ConflictEventImporter(TableImporter):
    """One row per ACLED event; events are global (the violence layer belongs to no organization)."""

    columns = COLUMNS
    what = "an ACLED export"
    noun = gettext_lazy("conflict events")
    planned = {"create": "to add", "update": "to update", "unchanged": "unchanged"}
    done = {"create": "added", "update": "updated", "unchanged": "unchanged"}

    def may_import(self) -> bool:
        return True  # who may run it is settled by who may run the command

    @staticmethod
    def require(columns: dict, table, display: str) -> None:
        missing = [name for name in REQUIRED if name not in columns]
        if missing:
            raise ImportFailed(
                _(
                    "%(file)s: no %(missing)s column; an ACLED export has event_id_cnty, event_date, event_type, "
                    "latitude and longitude. Its columns are: %(columns)s."
                )
                % {
                    "file": display,
                    "missing": ", ".join(missing),
                    "columns": ", ".join(str(c) for c in table.frame.columns),
                }
            )

    def start(self, columns: dict) -> None:
        self.events: dict[str, dict] = {}
        self.rows: dict[str, int] = {}

    def read(self, row: int, cells) -> None:
        values = self._values(row, cells)
        if values is None:
            return
        if values["event_id"] in self.events:
            self.report.error(
                f"row {row}",
                _("event %(event)s appears twice in the file (row %(first)s too); keep one row.")
                % {"event": values["event_id"], "first": self.rows[values["event_id"]]},
            )
            return
        self.events[values["event_id"]] = values
        self.rows[values["event_id"]] = row

    def _values(self, row: int, cells) -> dict | None:
        values, failed = {}, False
        columns = self.result.columns
        for name, text in cells.items():
            where = f"row {row}, column {columns.get(name, name)!r}"
            if is_missing(text):
                if name in REQUIRED:
                    self.report.error(where, _("the %(field)s is missing.") % {"field": name.replace("_", " ")})
                    failed = True
                continue
            parse = self.result.parsers.get(name) or FIELDS[name].parse
            try:
                values[name] = parse(text) if parse else clean(text)[: TEXT_LIMITS.get(name, 10000)]
            except ValueProblem as problem:
                self.report.error(
                    where, _("found %(value)r: %(problem)s.") % {"value": clean(text), "problem": problem}
                )
                failed = True
        if values.get("geo_precision", 1) not in (1, 2, 3):
            self.report.error(
                f"row {row}, column {columns['geo_precision']!r}", _("geo_precision is 1, 2 or 3 in ACLED data.")
            )
            failed = True
        return None if failed else values

    def plan(self) -> None:
        self.checked = conflict_events_check(events=list(self.events.values()))
        plans = [EventPlan(self.rows[e.event_id], "create", e.event_id) for e in self.checked.new]
        plans += [EventPlan(self.rows[e.event_id], "update", e.event_id, e.pk) for e in self.checked.changed]
        plans += [EventPlan(self.rows[event_id], "unchanged", event_id) for event_id in self.checked.unchanged]
        self.result.plans = sorted(plans, key=lambda plan: plan.row)

    def write(self, progress) -> None:
        if progress:
            progress("written", 0)
        conflict_events_save(events=[], checked=self.checked)
        if progress:
            progress("written", len(self.result.plans))


def import_conflict_events(path_or_url: str, *, dry_run: bool = False, max_bytes: int | None = None, **options):
    """Add or update conflict events from an ACLED export; raises ImportFailed (nothing written) on any bad row.

    Returns the report; ``options`` are those of ``TableImporter.run`` (``mapping``, ``progress`` ...).
    """
    result = ConflictEventImporter.run(
        path_or_url, organization=None, by=None, dry_run=dry_run, max_bytes=max_bytes, **options
    )
    return result.report
