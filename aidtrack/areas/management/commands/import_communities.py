"""manage.py import_communities PATH: load community points and, when given, their access status."""

import datetime

from django.core.management.base import CommandError

from aidtrack.imports.commands import ImportCommand
from aidtrack.imports.models import ImportKind
from aidtrack.orgs.models import Organization


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--as-of {text}: give a date as YYYY-MM-DD, e.g. 2016-10-31.") from error


class Command(ImportCommand):
    help = (
        "Load communities (admin 4 points) from CSV, XLSX or HXL CSV. An access-status column opens or closes "
        "periods in the besieged-areas register, dated --as-of and cited as --source. All or nothing."
    )
    kind = ImportKind.COMMUNITIES

    def add_arguments(self, parser):
        parser.add_argument("source", help="A file path or an http(s) URL.")
        parser.add_argument(
            "--map",
            action="append",
            metavar="FIELD=COLUMN",
            help="Name a column: pcode, name_en, name_ar, latitude, longitude, population, parent_pcode, status.",
        )
        parser.add_argument("--sheet", help="The sheet of a workbook (default: the first).")
        parser.add_argument("--as-of", help="The date the statuses hold from (YYYY-MM-DD).")
        parser.add_argument("--source", dest="source_label", help='Whose list this is, e.g. "OCHA HNO 2017".')
        parser.add_argument("--population-year", type=int, help="The year of the population figures.")
        parser.add_argument("--organization", help="The organization recording the statuses (acronym).")
        parser.add_argument("--no-status", action="store_true", help="Ignore the access-status column.")
        self.add_common_arguments(parser)
        self.add_background_argument(parser)

    def handle(self, *args, **options):
        by = self.user(options["user"])
        if options["as_of"]:
            _date(options["as_of"])  # refused here, before anything is recorded or queued
        if options["organization"] and not Organization.objects.filter(acronym__iexact=options["organization"]):
            known = ", ".join(Organization.objects.values_list("acronym", flat=True))
            raise CommandError(f"--organization {options['organization']}: no such organization ({known}).")
        self.run_file(
            source=options["source"],
            arguments={
                "mapping": options["map"],
                "sheet": options["sheet"],
                "as_of": options["as_of"],
                "source_label": options["source_label"] or "",
                "population_year": options["population_year"],
                "organization": options["organization"],
                "ignore_status": options["no_status"],
                "max_bytes": options["max_bytes"],
            },
            by=by,
            dry_run=options["dry_run"],
            background=options["background"],
        )
