"""manage.py assign_admin_areas: place every record with a point in the current admin boundaries."""

from aidtrack.areas.services import area_placement_target
from aidtrack.convoys.services import destination_placement_target
from aidtrack.geo.bulk import reassign
from aidtrack.imports.commands import ImportCommand
from aidtrack.imports.models import ImportKind
from aidtrack.imports.report import ImportReport
from aidtrack.incidents.services import incident_placement_target

TARGETS = {
    "incidents": incident_placement_target,
    "areas": area_placement_target,
    "destinations": destination_placement_target,
}


class Command(ImportCommand):
    help = (
        "Assign governorate, district, sub-district and nearest community to every incident, register area and "
        "convoy destination with a point (run after a boundary import). Points outside every boundary are reported."
    )
    kind = ImportKind.ASSIGNMENT

    def add_arguments(self, parser):
        parser.add_argument("--only", choices=sorted(TARGETS), action="append", help="Only these records.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument("--user", help="The account recorded as making the change (username).")

    def handle(self, *args, **options):
        by = self.user(options["user"])
        names = options["only"] or list(TARGETS)

        def run():
            report = ImportReport(source="records with a point", dry_run=options["dry_run"])
            for name in names:
                result = reassign(
                    TARGETS[name](),
                    dry_run=options["dry_run"],
                    by=by,
                    reason="Admin areas reassigned after a boundary update",
                )
                for key, value in result.as_counts().items():
                    report.counts[f"{result.name} {key}"] = value
                for item in result.unplaced:
                    report.warning(f"{result.name}: {item.label}", item.problem)
            return report

        self.run_import(
            source="records with a point",
            options={"only": names, "dry_run": options["dry_run"]},
            by=by,
            dry_run=options["dry_run"],
            run=run,
        )
