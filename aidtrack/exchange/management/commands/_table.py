"""What the table import commands (incidents, besieged areas, convoy requests) share."""

from django.core.management.base import CommandError

from aidtrack.exchange.kinds import table_kind
from aidtrack.exchange.runs import run_table_import
from aidtrack.exchange.tabular import PREVIEW_ROWS
from aidtrack.geo.importers.columns import parse_mapping
from aidtrack.geo.importers.report import ImportFailed
from aidtrack.geo.management.commands._importing import ImportCommand
from aidtrack.orgs.models import Organization


class TableImportCommand(ImportCommand):
    """``manage.py import_<kind> PATH --organization ACRONYM --user NAME [--dry-run] [--map F=C] ...``"""

    def add_arguments(self, parser):
        noun = table_kind(self.kind).noun
        parser.add_argument("source", help="A file path or an http(s) URL.")
        parser.add_argument("--organization", required=True, help=f"The organization recording these {noun}.")
        parser.add_argument("--map", action="append", help="FIELD=COLUMN, e.g. --map occurred_on='Date of event'.")
        parser.add_argument("--mapping", help="Use the saved column mapping of this name.")
        parser.add_argument("--save-mapping", help="Save the columns used under this name for the next file.")
        parser.add_argument("--sheet", help="The sheet of a workbook (default: the first).")
        self.add_common_arguments(parser)

    def handle(self, *args, **options):
        kind = table_kind(self.kind)
        by = self.user(options["user"])
        if by is None:
            raise CommandError(f"--user is required: the {kind.noun} are recorded in that account's name.")
        organization = (
            Organization.objects.filter(acronym__iexact=options["organization"]).first()
            or Organization.objects.filter(name__iexact=options["organization"]).first()
        )
        if organization is None:
            raise CommandError(f"--organization {options['organization']}: no organization has this acronym or name.")
        try:
            mapping = parse_mapping(options["map"], set(kind.fields))
        except ImportFailed as error:
            raise CommandError(str(error)) from error
        keys = ("organization", "map", "mapping", "save_mapping", "sheet", "dry_run")
        show_rows = options["dry_run"] or options["verbosity"] > 1

        def run(record):
            report = run_table_import(
                self.kind,
                options["source"],
                organization=organization,
                by=by,
                dry_run=options["dry_run"],
                mapping=mapping,
                mapping_name=options["mapping"],
                save_mapping=options["save_mapping"],
                sheet=options["sheet"],
                max_bytes=options["max_bytes"],
                stdout=self.stdout,
                record=record,
            )
            if show_rows:
                self.print_rows(record.preview or [])
            return report

        self.run_import(
            source=options["source"],
            options={k: options[k] for k in keys},
            by=by,
            dry_run=options["dry_run"],
            run=run,
        )

    def print_rows(self, rows: list[dict]) -> None:
        """What each row will do (or did), as the staff page's row-by-row table shows it."""
        for row in rows:
            if row["action"] and row["action"] != "error":
                self.stdout.write(f"  row {row['row']}: {row['action']}: {row['description']}")
        if len(rows) == PREVIEW_ROWS:
            self.stdout.write(f"  (the first {PREVIEW_ROWS} rows; the counts below cover them all)")
