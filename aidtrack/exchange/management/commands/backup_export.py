"""manage.py backup_export PATH.zip: the whole database as JSON in a zip, for a fresh installation to import."""

from pathlib import Path

from django.core.management.base import BaseCommand

from aidtrack.exchange.backup import backup_export


class Command(BaseCommand):
    help = "Write a full backup (every record and its history) to a zip. Passwords are left out unless asked for."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The zip file to write, e.g. aidtrack-2016-09-30.zip.")
        parser.add_argument(
            "--include-passwords", action="store_true", help="Keep the users' password hashes (keep the file safe)."
        )

    def handle(self, *args, **options):
        manifest = backup_export(Path(options["path"]), include_passwords=options["include_passwords"])
        total = sum(entry["records"] for entry in manifest["files"])
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {total} records of {len(manifest['files'])} kinds to {options['path']}.")
        )
        if not options["include_passwords"]:
            self.stdout.write("Passwords were left out: set new ones after restoring (manage.py changepassword USER).")
