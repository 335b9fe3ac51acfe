"""Importing access incidents from partners' tables (CSV, XLSX, HXL CSV): see ``table``."""

from django.utils.translation import gettext_lazy

from aidtrack.imports.kinds import TableKind
from aidtrack.incidents.importers.presets import PRESETS
from aidtrack.incidents.importers.table import COLUMNS, import_incidents

KIND = TableKind(
    name="incidents",
    noun=gettext_lazy("incidents"),
    columns=tuple(COLUMNS),
    importer=import_incidents,
    command="import_incidents",
    example_mapping="occurred_on=Date of event\ncategory=Constraint",
    about=gettext_lazy("One row per incident; rows are matched to your earlier imports by their id column."),
    position=1,
    presets=PRESETS,
)

__all__ = ["COLUMNS", "KIND", "import_incidents"]
