"""Remove sign-in and download log entries older than the kept number of days."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aidtrack.accounts.log import prune_account_log


class Command(BaseCommand):
    help = "Remove sign-in and download log entries older than AIDTRACK_ACCOUNT_LOG_DAYS (or --days). Run it daily."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, help=f"Keep this many days (default {settings.AIDTRACK_ACCOUNT_LOG_DAYS})."
        )

    def handle(self, *args, days=None, **options):
        try:
            removed = prune_account_log(days=days)
        except ValueError as error:
            raise CommandError(f"{error} Give --days 1 or more.") from error
        kept = days or settings.AIDTRACK_ACCOUNT_LOG_DAYS
        self.stdout.write(
            f"Removed {removed['sign_in']} sign-in and {removed['downloads']} download entries older than {kept} days."
        )
