"""manage.py import_boundaries PATH_OR_URL: load or update OCHA COD administrative boundaries."""

from aidtrack.imports.commands import ImportCommand
from aidtrack.imports.models import ImportKind


class Command(ImportCommand):
    help = (
        "Load an OCHA COD-AB layer (shapefile, zipped shapefile, GeoPackage or GeoJSON, any CRS) as admin areas. "
        "Re-importing a newer edition updates areas in place. All or nothing."
    )
    kind = ImportKind.BOUNDARIES

    def add_arguments(self, parser):
        parser.add_argument("source", help="A file path or an http(s) URL.")
        parser.add_argument("--level", type=int, choices=[0, 1, 2, 3], help="The admin level (default: detected).")
        parser.add_argument("--layer", help="Only this layer of a GeoPackage (default: every layer).")
        parser.add_argument(
            "--map",
            action="append",
            metavar="FIELD=COLUMN",
            help="Name a column: pcode, name_en, name_ar or parent_pcode (repeatable).",
        )
        parser.add_argument("--crs", help="The CRS of a file that does not say (e.g. EPSG:4326).")
        parser.add_argument("--source-label", help="How records cite this edition (default: the file name).")
        self.add_common_arguments(parser)
        self.add_background_argument(parser)

    def handle(self, *args, **options):
        by = self.user(options["user"])
        report = self.run_file(
            source=options["source"],
            arguments={
                "level": options["level"],
                "layer": options["layer"],
                "mapping": options["map"],
                "crs": options["crs"],
                "source_label": options["source_label"] or "",
                "max_bytes": options["max_bytes"],
            },
            by=by,
            dry_run=options["dry_run"],
            background=options["background"],
        )
        if report is not None and not options["dry_run"] and (report.counts["added"] or report.counts["updated"]):
            self.stdout.write(
                "Boundaries changed: run `manage.py assign_admin_areas` to place existing records in them."
            )
