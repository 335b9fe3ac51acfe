"""manage.py import_areas PATH --organization ACRONYM: import besieged areas and their status history."""

from aidtrack.imports.commands import TableImportCommand
from aidtrack.imports.models import ImportKind


class Command(TableImportCommand):
    help = (
        "Import besieged and hard-to-reach areas with their status history from a CSV, XLSX or HXL CSV, one row "
        "per status period, recorded for one organization. Areas are matched by id, key, English name or community "
        "P-code; periods already recorded are skipped. Every row is checked first; all rows are written, or none."
    )
    kind = ImportKind.AREAS
