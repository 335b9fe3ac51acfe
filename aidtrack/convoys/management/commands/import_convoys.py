"""manage.py import_convoys PATH --organization ACRONYM: import a convoy request table (CSV, XLSX, HXL)."""

from aidtrack.imports.commands import TableImportCommand
from aidtrack.imports.models import ImportKind


class Command(TableImportCommand):
    help = (
        "Import convoy requests from a CSV, XLSX or HXL CSV for one organization: one row per destination (and "
        "cargo line), grouped by reference. New convoys are walked through the lifecycle to the file's status; "
        "recorded ones are updated or moved on. Every row is checked first; all convoys are written, or none."
    )
    kind = ImportKind.CONVOYS
