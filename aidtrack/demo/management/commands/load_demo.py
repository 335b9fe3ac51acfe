"""Load the September 2016 demo scenario (once) and print the demo accounts."""

from django.core.management.base import BaseCommand

from aidtrack.demo.accounts import print_accounts
from aidtrack.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the September 2016 demonstration scenario unless it is already loaded."

    def handle(self, *args, **options):
        result = load_demo()
        if not result.loaded:
            if result.new_passwords:
                added = ", ".join(result.new_passwords)
                self.stdout.write(f"Demo data already present; added the demo account(s) it lacked: {added}.")
            else:
                self.stdout.write("Demo data already present: nothing changed.")
            print_accounts(self.stdout, result.new_passwords)
            return
        counts = ", ".join(f"{n} {what}" for what, n in result.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Loaded the demo scenario: {counts}."))
        print_accounts(self.stdout, result.new_passwords)
