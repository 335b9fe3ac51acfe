"""Show the demo accounts, or give them new passwords."""

from django.core.management.base import BaseCommand, CommandError

from aidtrack.demo.accounts import DEMO_USERNAMES, print_accounts, reset_passwords


class Command(BaseCommand):
    help = "List the demo accounts; with --reset-passwords, set and print new random passwords."

    def add_arguments(self, parser):
        parser.add_argument("--reset-passwords", action="store_true", help="Set new random passwords.")

    def handle(self, *args, **options):
        passwords = {}
        if options["reset_passwords"]:
            passwords = reset_passwords()
            if not passwords:
                raise CommandError(
                    f"None of the demo accounts ({', '.join(DEMO_USERNAMES)}) exists: run `python manage.py load_demo`."
                )
        print_accounts(self.stdout, passwords)
