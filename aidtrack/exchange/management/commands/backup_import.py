"""manage.py backup_import PATH.zip: restore a backup into a fresh, migrated installation."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aidtrack.exchange.backup import BackupError, backup_import


class Command(BaseCommand):
    help = "Import a backup written by backup_export into an empty database (after manage.py migrate)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup zip.")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            counts = backup_import(path)
        except BackupError as error:
            raise CommandError(f"{error} Nothing was imported.") from error
        self.stdout.write(self.style.SUCCESS(f"Imported {sum(counts.values())} records of {len(counts)} kinds."))
