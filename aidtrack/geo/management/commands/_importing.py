"""What the import commands share: the common options, running with a record, printing the report."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from aidtrack.geo.importers.report import ImportFailed
from aidtrack.geo.importers.runs import record_run

SHOWN_PROBLEMS = 40


class ImportCommand(BaseCommand):
    kind = ""

    def add_common_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument("--user", help="The account recorded as making the change (username).")
        parser.add_argument(
            "--max-bytes", type=int, help="Refuse larger files (default: the AIDTRACK_IMPORT_MAX_BYTES setting)."
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
