"""Unlock signing in for an account (from every address), or for one address, after a lockout."""

from django.core.management.base import BaseCommand, CommandError

from aidtrack.accounts.lockout import signin_unlock
from aidtrack.accounts.log import record_account_event
from aidtrack.accounts.models import AccountEventKind


class Command(BaseCommand):
    help = "Forget the wrong passwords counted against a username and/or an address, ending their lockout."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", help="The account to unlock (from every address).")
        parser.add_argument("--address", help="Unlock this client address (with a username: only that pair).")

    def handle(self, *args, username=None, address=None, **options):
        if not username and not address:
            raise CommandError("Name the username to unlock, or give --address (or both).")
        removed = signin_unlock(username=username, ip_address=address)
        if username:
            record_account_event(kind=AccountEventKind.UNLOCKED, username=username, detail="manage.py unlock_signin")
        what = " from ".join(part for part in (username, address) if part)
        self.stdout.write(f"Unlocked {what}: {removed} record(s) of failed sign-ins forgotten.")
