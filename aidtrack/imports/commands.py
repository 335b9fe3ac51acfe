"""What the import commands share: the common options, running with a record, printing the report, table imports."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from aidtrack.imports.columns import parse_mapping
from aidtrack.imports.files import queue_file_import, runner
from aidtrack.imports.kinds import table_kind
from aidtrack.imports.report import ImportFailed
from aidtrack.imports.runs import record_run
from aidtrack.imports.table_runs import run_table_import
from aidtrack.imports.tabular import PREVIEW_ROWS
from aidtrack.orgs.models import Organization

SHOWN_PROBLEMS = 40
PLAN_FILE_BYTES = 1_000_000


def read_plan_file(path: str) -> dict:
    """A column plan from a JSON file: a mapping file exported from the staff screens, or a bare plan."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read(PLAN_FILE_BYTES + 1)
    except OSError as error:
        raise CommandError(f"--plan {path}: cannot read it ({error.strerror}).") from error
    if len(text) > PLAN_FILE_BYTES:
        raise CommandError(f"--plan {path}: a column plan is a small JSON file; this one is over 1 MB.")
    try:
        data = json.loads(text)
    except ValueError as error:
        raise CommandError(f"--plan {path}: not JSON ({error}).") from error
    if not isinstance(data, dict):
        raise CommandError(f"--plan {path}: expected a JSON object (columns, constants, recodings, rules ...).")
    return {key: value for key, value in data.items() if key not in ("aidtrack_column_mapping", "kind", "name")}


class ImportCommand(BaseCommand):
    kind = ""

    def add_common_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument("--user", help="The account recorded as making the change (username).")
        parser.add_argument(
            "--max-bytes", type=int, help="Refuse larger files (default: the AIDTRACK_IMPORT_MAX_BYTES setting)."
        )

    def add_background_argument(self, parser):
        parser.add_argument(
            "--background",
            action="store_true",
            help="Queue the import for a job worker and return at once; its progress and result are kept on the "
            "run (staff: Import → the run's page). The workers must be able to read the file (or give a URL).",
        )

    def run_file(self, *, source: str, arguments: dict, by, dry_run: bool, background: bool = False):
        """A whole-file import (boundaries, communities, population) on the run machinery of ``imports.files``:
        its progress is printed and kept on the run, or it is queued for a job worker."""
        if background:
            try:
                record = queue_file_import(self.kind, source, by=by, dry_run=dry_run, options=arguments)
            except ImportFailed as failure:
                raise CommandError(str(failure)) from failure
            self.stdout.write(
                f"Queued as import run #{record.pk}; a job worker runs it (manage.py jobs_worker). Follow it at "
                f"{reverse('staff:import_run', args=[record.pk])} or in the admin."
            )
            return None
        return self.run_import(
            source=source,
            options={**arguments, "dry_run": dry_run},
            by=by,
            dry_run=dry_run,
            run=runner(self.kind, source, by=by, dry_run=dry_run, options=arguments, stdout=self.stdout),
        )

    def user(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"--user {username}: no such account.") from error

    def run_import(self, *, source: str, options: dict, by, dry_run: bool, run):
        try:
            record, report = record_run(kind=self.kind, source=source, options=options, by=by, dry_run=dry_run, run=run)
        except ImportFailed as failure:
            if failure.report is not None:
                self.print_problems(failure.report.problems)
            raise CommandError(f"{failure}\nNothing was written. See the import runs in the admin.") from failure
        for note in report.notes:
            self.stdout.write(note)
        self.print_problems(report.problems)
        style = self.style.WARNING if dry_run else self.style.SUCCESS
        self.stdout.write(style(("Dry run, nothing written. " if dry_run else "") + report.summary()))
        self.stdout.write(f"Recorded as import run #{record.pk} (admin: /admin/geo/importrun/{record.pk}/change/).")
        return report

    def print_problems(self, problems):
        for problem in problems[:SHOWN_PROBLEMS]:
            style = self.style.ERROR if problem.severity == "error" else self.style.WARNING
            self.stderr.write(style(str(problem)))
        if len(problems) > SHOWN_PROBLEMS:
            self.stderr.write(f"... and {len(problems) - SHOWN_PROBLEMS} more, all kept in the import run record.")


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
        parser.add_argument(
            "--plan",
            help="A column plan as JSON: a mapping file exported from the staff screens (Import → Saved column "
            "mappings), or an object with columns, ignored, constants, recodings, rules, date_order, refused_rows. "
            "It goes over --mapping.",
        )
        parser.add_argument(
            "--set",
            action="append",
            help="FIELD=VALUE, a value for every row that gives none, e.g. --set category=5 "
            "--set source_name='Insecurity Insight'.",
        )
        parser.add_argument(
            "--skip-refused",
            action="store_true",
            help="Import the rows without problems and leave the others out (listed, and kept on the run's staff "
            "page as a file to fix); by default one refused row refuses the file.",
        )
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
        plan = self.plan(options, set(kind.fields))
        keys = ("organization", "map", "mapping", "save_mapping", "sheet", "dry_run")
        show_rows = options["dry_run"] or options["verbosity"] > 1

        def run(record):
            try:
                return checked(record)
            except ImportFailed:
                # The plan is what a refused file most needs shown: its columns and the values to recode.
                if show_rows:
                    self.print_plan(record.column_plan or [])
                raise

        def checked(record):
            report = run_table_import(
                self.kind,
                options["source"],
                organization=organization,
                by=by,
                dry_run=options["dry_run"],
                mapping=mapping,
                plan=plan,
                mapping_name=options["mapping"],
                save_mapping=options["save_mapping"],
                sheet=options["sheet"],
                max_bytes=options["max_bytes"],
                stdout=self.stdout,
                record=record,
            )
            if show_rows:
                self.print_plan(record.column_plan or [])
                self.print_rows(record.preview or [])
            return report

        self.run_import(
            source=options["source"],
            options={**{k: options[k] for k in keys}, **({"plan": plan} if plan else {})},
            by=by,
            dry_run=options["dry_run"],
            run=run,
        )

    def plan(self, options: dict, fields: set) -> dict | None:
        """The plan given by --plan, --set and --skip-refused (None when none is)."""
        plan = {}
        if options.get("plan"):
            plan = read_plan_file(options["plan"])
        constants = dict(plan.get("constants") or {})
        for pair in options.get("set") or ():
            field_name, sep, value = pair.partition("=")
            if not sep or field_name.strip() not in fields:
                raise CommandError(
                    f"--set {pair!r}: write it as FIELD=VALUE with one of the fields: {', '.join(sorted(fields))}."
                )
            constants[field_name.strip()] = value.strip()
        if constants:
            plan["constants"] = constants
        if options.get("skip_refused"):
            plan["refused_rows"] = "skip"
        return plan or None

    def print_plan(self, column_plan: list[dict]) -> None:
        """The column plan, as the staff page shows it: each column, what it becomes, values not understood."""
        if not column_plan:
            return
        self.stdout.write("Column plan:")
        for entry in column_plan:
            becomes = entry.get("field") or entry.get("status") or ""
            self.stdout.write(f"  {entry['column']!r} -> {becomes}")
            for unknown in entry.get("unknown") or []:
                suggestion = f" (suggested: {unknown['suggestion']})" if unknown.get("suggestion") else ""
                self.stdout.write(f"      not understood: {unknown['value']!r}{suggestion}")

    def print_rows(self, rows: list[dict]) -> None:
        """What each row will do (or did), as the staff page's row-by-row table shows it."""
        for row in rows:
            if row["action"] and row["action"] != "error":
                self.stdout.write(f"  row {row['row']}: {row['action']}: {row['description']}")
        if len(rows) == PREVIEW_ROWS:
            self.stdout.write(f"  (the first {PREVIEW_ROWS} rows; the counts below cover them all)")
