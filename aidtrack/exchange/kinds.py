"""The kinds of table aidtrack imports, each with its columns and import function, found by name.

The command line, the staff import page and the API look a kind up here, so
adding a kind adds it to all three.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext_lazy as _

from aidtrack.exchange.tabular import Column
from aidtrack.geo.importers.report import ImportFailed


@dataclass(frozen=True)
class TableKind:
    """One importable kind of table."""

    name: str  # also the ImportRun kind and the ColumnMapping kind
    noun: str  # "incidents", "besieged areas"
    columns: tuple[Column, ...]
    importer: Callable  # (path_or_url, *, organization, by, dry_run, mapping, saved_mapping, ...) -> TableImport
    command: str
    example_mapping: str
    about: str

    @property
    def fields(self) -> dict[str, Column]:
        return {column.field: column for column in self.columns}


@cache
def table_kinds() -> dict[str, TableKind]:
    from aidtrack.exchange import areas, convoys, incidents

    kinds = [
        TableKind(
            name="incidents",
            noun=_("incidents"),
            columns=tuple(incidents.COLUMNS),
            importer=incidents.import_incidents,
            command="import_incidents",
            example_mapping="occurred_on=Date of event\ncategory=Constraint",
            about=_("One row per incident; rows are matched to your earlier imports by their id column."),
        ),
        TableKind(
            name="areas",
            noun=_("besieged areas"),
            columns=tuple(areas.COLUMNS),
            importer=areas.import_areas,
            command="import_areas",
            example_mapping="name_en=Location\nstart_date=Besieged since\nsource=Reference",
            about=_(
                "One row per status period of an area (several rows give its history); areas are matched by id, "
                "key, name or community P-code. Periods already recorded are skipped, a later status ends the current "
                "one, an older one fills a gap; a row that would change a stored period is refused."
            ),
        ),
        TableKind(
            name="convoys",
            noun=_("convoy requests"),
            columns=tuple(convoys.COLUMNS),
            importer=convoys.import_convoys,
            command="import_convoys",
            example_mapping="reference=Convoy no\ndestination=Location\nstatus=Current status",
            about=_(
                "One row per destination (and cargo line) of a convoy; the rows with one reference make one "
                "convoy request, created or moved on through its lifecycle to the status the file gives."
            ),
        ),
    ]
    return {kind.name: kind for kind in kinds}


def table_kind(name: str) -> TableKind:
    kinds = table_kinds()
    if name not in kinds:
        raise ImportFailed(f"{name!r} is not a kind of table aidtrack imports; use one of {', '.join(kinds)}.")
    return kinds[name]
