"""manage.py import_population PATH: join a population table to admin areas by P-code."""

from aidtrack.imports.commands import ImportCommand
from aidtrack.imports.models import ImportKind


class Command(ImportCommand):
    help = (
        "Set admin areas' population from a CSV, XLSX or HXL table, matched by P-code. "
        "Codes that match no area are reported. All or nothing."
    )
    kind = ImportKind.POPULATION

    def add_arguments(self, parser):
        parser.add_argument("source", help="A file path or an http(s) URL.")
        parser.add_argument("--pcode-column", help="The P-code column (default: the finest ADMn_PCODE found).")
        parser.add_argument("--column", help="The population column (default: the first whose name starts 'pop').")
        parser.add_argument("--year", type=int, help="The figures' year (default: read from the column name).")
        parser.add_argument("--source", dest="source_label", help='Cite the figures, e.g. "OCHA HNO 2017".')
        parser.add_argument("--sheet", help="The sheet of a workbook (default: the first).")
        self.add_common_arguments(parser)
        self.add_background_argument(parser)

    def handle(self, *args, **options):
        self.run_file(
            source=options["source"],
            arguments={
                "pcode_column": options["pcode_column"],
                "population_column": options["column"],
                "year": options["year"],
                "source_label": options["source_label"] or "",
                "sheet": options["sheet"],
                "max_bytes": options["max_bytes"],
            },
            by=self.user(options["user"]),
            dry_run=options["dry_run"],
            background=options["background"],
        )
