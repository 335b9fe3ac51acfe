"""manage.py import_context_layer roads FILE --source ... --licence ... --attribution ...: roads for the maps."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from aidtrack.geo.context_layers import MAIN_ROADS, load_context_layer_recorded
from aidtrack.geo.models import ContextLayerKind
from aidtrack.imports.report import ImportFailed


class Command(BaseCommand):
    help = (
        "Load a roads layer (shapefile, zipped shapefile, GeoPackage or GeoJSON, any CRS), e.g. HDX's "
        "'Syria - Roads' OpenStreetMap export, for the picker and the public map. It is clipped to Syria and a "
        "margin, simplified, and replaces the roads loaded before. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ContextLayerKind.values)
        parser.add_argument("source_file", metavar="FILE", help="A file path or an http(s) URL.")
        parser.add_argument("--source", required=True, help="Where the file came from (shown in the admin).")
        parser.add_argument("--licence", required=True, help="The data's licence, e.g. 'ODbL 1.0'.")
        parser.add_argument(
            "--attribution", required=True, help="The maps' credit, e.g. '© OpenStreetMap contributors (ODbL)'."
        )
        parser.add_argument("--layer", help="The layer of a GeoPackage with several.")
        parser.add_argument(
            "--classes",
            default=",".join(MAIN_ROADS),
            help="Road classes kept when the file has a highway or fclass column (default: %(default)s).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Read and check the file; write nothing.")
        parser.add_argument("--user", help="The account recorded as loading it (username).")
        parser.add_argument("--max-bytes", type=int, help="Refuse larger files (default: AIDTRACK_IMPORT_MAX_BYTES).")

    def handle(self, *args, **options):
        by = None
        if options["user"]:
            by = get_user_model().objects.filter(username=options["user"]).first()
            if by is None:
                raise CommandError(f"--user {options['user']}: no such account.")
        try:
            record, loaded = load_context_layer_recorded(
                options["source_file"],
                kind=options["kind"],
                source=options["source"],
                licence=options["licence"],
                attribution=options["attribution"],
                by=by,
                layer=options["layer"],
                classes=tuple(options["classes"].split(",")),
                dry_run=options["dry_run"],
                max_bytes=options["max_bytes"],
            )
        except ImportFailed as failure:
            raise CommandError(f"{failure}\nNothing was written. See the import runs in the admin.") from failure
        prefix = "Dry run, nothing written. " if loaded.dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + loaded.summary()))
        self.stdout.write(f"Recorded as import run #{record.pk} (admin: /admin/imports/importrun/{record.pk}/change/).")
