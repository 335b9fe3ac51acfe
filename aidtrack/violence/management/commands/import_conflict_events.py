"""manage.py import_conflict_events PATH: load an ACLED export as the violence layer."""

from aidtrack.imports.commands import ImportCommand
from aidtrack.imports.models import ImportKind
from aidtrack.imports.runs import run_progress
from aidtrack.violence.importer import import_conflict_events


class Command(ImportCommand):
    help = (
        "Add or update conflict events from an ACLED export (CSV or XLSX), matched by event_id_cnty. "
        "They are kept apart from access incidents; agreements may count them as violence. All or nothing."
    )
    kind = ImportKind.CONFLICT_EVENTS

    def add_arguments(self, parser):
        parser.add_argument("source", help="A file path or an http(s) URL.")
        self.add_common_arguments(parser)

    def handle(self, *args, **options):
        self.run_import(
            source=options["source"],
            options={"dry_run": options["dry_run"]},
            by=self.user(options["user"]),
            dry_run=options["dry_run"],
            run=lambda record: import_conflict_events(
                options["source"],
                dry_run=options["dry_run"],
                max_bytes=options["max_bytes"],
                progress=run_progress(record, self.stdout),
            ),
        )
