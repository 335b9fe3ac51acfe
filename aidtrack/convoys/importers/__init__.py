"""Importing convoy request tables (CSV, XLSX, HXL CSV): see ``importer``."""

from django.utils.translation import gettext_lazy

from aidtrack.convoys.importers.columns import COLUMNS
from aidtrack.convoys.importers.importer import import_convoys
from aidtrack.imports.kinds import TableKind

KIND = TableKind(
    name="convoys",
    noun=gettext_lazy("convoy requests"),
    columns=tuple(COLUMNS),
    importer=import_convoys,
    command="import_convoys",
    example_mapping="reference=Convoy no\ndestination=Location\nstatus=Current status",
    about=gettext_lazy(
        "One row per destination (and cargo line) of a convoy; the rows with one reference make one "
        "convoy request, created or moved on through its lifecycle to the status the file gives."
    ),
    position=3,
)

__all__ = ["COLUMNS", "KIND", "import_convoys"]
