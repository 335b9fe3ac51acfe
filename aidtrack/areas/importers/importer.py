"""The import of a table of areas: read and check every row, plan every area, then write all of it or nothing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aidtrack.areas.importers import history
from aidtrack.areas.importers.columns import AREA_FIELDS, COLUMNS, FIELDS
from aidtrack.areas.importers.plans import AreaPlanner, AreaWrite
from aidtrack.areas.importers.register import Register
from aidtrack.areas.importers.rows import RowReader
from aidtrack.areas.models import Area
from aidtrack.areas.services import (
    area_create,
    area_set_status,
    area_update_details,
    area_update_population,
    check_may_update,
    status_period_add,
)
from aidtrack.geo.models import AdminArea
from aidtrack.imports.importer import TableImporter
from aidtrack.imports.report import ImportFailed, ImportReport
from aidtrack.imports.tabular import headers_of
from aidtrack.orgs.models import Party


class AreaImporter(TableImporter):
    """One row per status period of an area; the rows of an area give its history."""

    columns = COLUMNS
    what = "a table of besieged areas"
    noun = gettext_lazy("besieged areas")

    def may_import(self) -> bool:
        try:
            check_may_update(self.by, self.organization)
        except PermissionDenied:
            return False
        return True

    @staticmethod
    def require(columns: dict, table, display: str) -> None:
        _require_columns(columns, table, display)

    def start(self, columns: dict) -> None:
        self.register = Register()
        self.reader = RowReader(report=self.report, columns=columns, register=self.register)

    def read(self, row: int, cells) -> None:
        self.reader.read(row, cells)

    def plan(self) -> None:
        planner = AreaPlanner(report=self.report, columns=self.result.columns, register=self.register)
        self.result.plans, self.writes = planner.plan(self.reader.groups, self.reader.duplicates)

    def count(self, *, done: bool) -> None:
        if done:
            _count_writes(self.report, self.writes, created="areas created", periods="status periods recorded")
        else:
            _count_writes(self.report, self.writes, created="areas to create", periods="status periods to record")

    def write(self, progress) -> None:
        _write(self.writes, self.report, organization=self.organization, by=self.by, progress=progress)


import_areas = AreaImporter.run


def _count_writes(report: ImportReport, writes: list[AreaWrite], *, created: str, periods: str) -> None:
    report.counts[created] = sum(1 for write in writes if write.create is not None)
    report.counts[periods] = sum(len(write.periods) for write in writes)


def _require_columns(columns: dict, table, display: str) -> None:
    headers = headers_of(table)
    for field_name, looked_for, example in (
        ("status", _("'status', 'access status' or the HXL tag #status"), "status"),
        ("start_date", _("'start', 'from', 'since' or #date+start"), "start_date"),
        ("source", _("'source' or #meta+source"), "source"),
    ):
        if field_name not in columns:
            raise ImportFailed(
                _(
                    "%(file)s: no %(field)s column (looked for %(looked_for)s); every row is a status period, which "
                    "needs one. Its columns are: %(headers)s. Map it, e.g. --map %(example)s=YOUR_COLUMN."
                )
                % {
                    "file": display,
                    "field": FIELDS[field_name].label,
                    "looked_for": looked_for,
                    "headers": headers,
                    "example": example,
                }
            )
    if not set(AREA_FIELDS) & set(columns):
        raise ImportFailed(
            _(
                "%(file)s: no column says which area a row is about (looked for 'name', 'key', 'area id', "
                "'communities', #loc+name, #adm4+code). Its columns are: %(headers)s. "
                "Map one, e.g. --map name_en=YOUR_COLUMN."
            )
            % {"file": display, "headers": headers}
        )


def _write(writes: list[AreaWrite], report: ImportReport, *, organization, by, progress) -> None:
    """Write every area through the register's services (inside the import's one transaction)."""
    who = {"by": by, "organization": organization}
    if progress:
        progress("written", 0)
    rows_written = 0
    for write in writes:
        try:
            if write.create is not None:
                fields = dict(write.create)
                communities = AdminArea.objects.filter(pk__in=fields.pop("communities"))
                parties = Party.objects.filter(pk__in=fields.pop("besieging_parties"))
                area = area_create(**who, communities=list(communities), besieging_parties=list(parties), **fields)
            else:
                area = Area.objects.get(pk=write.area_id)
                if write.details:
                    details = dict(write.details)
                    if "communities" in details:
                        details["communities"] = list(AdminArea.objects.filter(pk__in=details["communities"]))
                    if "besieging_parties" in details:
                        details["besieging_parties"] = list(Party.objects.filter(pk__in=details["besieging_parties"]))
                    area = area_update_details(area=area, **who, **details)
            for period, operation in write.periods:
                if operation == history.ADD:
                    status_period_add(
                        area=area,
                        status=period.status,
                        start_date=period.start,
                        end_date=period.until,
                        source=period.source,
                        note=period.note,
                        **who,
                    )
                else:
                    area_set_status(
                        area=area,
                        status=period.status,
                        start_date=period.start,
                        source=period.source,
                        note=period.note,
                        **who,
                    )
            if write.population is not None:
                value, day, source = write.population
                area_update_population(
                    area=area, population=value, population_date=day, population_source=source, **who
                )
        except (ValidationError, PermissionDenied) as error:
            reason = " ".join(error.messages if isinstance(error, ValidationError) else [str(error)]).rstrip(".")
            raise ImportFailed(
                _("%(source)s: %(area)s: %(reason)s; nothing was written.")
                % {"source": report.source, "area": write.name, "reason": reason},
                report,
            ) from error
        rows_written += write.rows
        if progress and (rows_written // 500 != (rows_written - write.rows) // 500 or write is writes[-1]):
            progress("written", rows_written)
