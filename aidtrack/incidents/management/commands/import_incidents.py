"""manage.py import_incidents PATH --organization ACRONYM: import an incident table (CSV, XLSX, HXL)."""

from aidtrack.imports.commands import TableImportCommand
from aidtrack.imports.models import ImportKind


class Command(TableImportCommand):
    help = (
        "Import incidents from a CSV, XLSX or HXL CSV for one organization. Rows are matched to existing "
        "incidents by their external id. Every row is checked first; all rows are written, or none."
    )
    kind = ImportKind.INCIDENTS
