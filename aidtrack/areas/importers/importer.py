"""The import of a table of areas: read and check every row, plan every area, then write all of it or nothing."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

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
from aidtrack.imports import tabular
from aidtrack.imports.report import ImportFailed, ImportReport
from aidtrack.imports.tabular import DONE, PLANNED, TableImport, headers_of
from aidtrack.orgs.models import Party


def import_areas(
    path_or_url: str,
    *,
    organization,
    by,
    dry_run: bool = False,
    mapping: dict | None = None,
    saved_mapping: dict | None = None,
    plan: dict | None = None,
    sheet: str | None = None,
    max_bytes: int | None = None,
    display: str | None = None,
    progress: Callable[[str, int], None] | None = None,
    chunk_rows: int = 20000,
) -> TableImport:
    """Check every row of a table of areas and their status periods and, unless ``dry_run``, write all or none.

    Raises ImportFailed (with the report) when the file cannot be read or any
    row has an error; the report lists every problem by row and column.
    """
    display = display or path_or_url
    report = ImportReport(source=display, dry_run=dry_run)
    try:
        check_may_update(by, organization)
    except PermissionDenied as error:
        raise ImportFailed(
            f"{by} may not import besieged areas for {organization.short_name}: only its reporters and reviewers may."
        ) from error
    result = TableImport(report=report)
    with tabular.table_rows(
        path_or_url,
        result,
        columns=COLUMNS,
        what="a table of besieged areas",
        require=_require_columns,
        display=display,
        mapping=mapping,
        saved_mapping=saved_mapping,
        plan=plan,
        sheet=sheet,
        max_bytes=max_bytes,
        chunk_rows=chunk_rows,
        progress=progress,
    ) as rows:
        register = Register()
        reader = RowReader(report=report, columns=result.columns, register=register)
        for row, cells in rows:
            reader.read(row, cells)
    planner = AreaPlanner(report=report, columns=result.columns, register=register)
    result.plans, writes = planner.plan(reader.groups, reader.duplicates)
    result.count(PLANNED)
    _count_writes(report, writes, created="areas to create", periods="status periods to record")
    result.refuse_if_errors(display)
    if not dry_run:
        _write(writes, report, organization=organization, by=by, progress=progress)
        report.counts.clear()
        result.count(DONE)
        _count_writes(report, writes, created="areas created", periods="status periods recorded")
    return result


def _count_writes(report: ImportReport, writes: list[AreaWrite], *, created: str, periods: str) -> None:
    report.counts[created] = sum(1 for write in writes if write.create is not None)
    report.counts[periods] = sum(len(write.periods) for write in writes)


def _require_columns(columns: dict, table, display: str) -> None:
    headers = headers_of(table)
    for field_name, looked_for, example in (
        ("status", "'status', 'access status' or the HXL tag #status", "status"),
        ("start_date", "'start', 'from', 'since' or #date+start", "start_date"),
        ("source", "'source' or #meta+source", "source"),
    ):
        if field_name not in columns:
            raise ImportFailed(
                f"{display}: no {FIELDS[field_name].label} column (looked for {looked_for}); every row is a status "
                f"period, which needs one. Its columns are: {headers}. Map it, e.g. --map {example}=YOUR_COLUMN."
            )
    if not set(AREA_FIELDS) & set(columns):
        raise ImportFailed(
            f"{display}: no column says which area a row is about (looked for 'name', 'key', 'area id', "
            f"'communities', #loc+name, #adm4+code). Its columns are: {headers}. "
            "Map one, e.g. --map name_en=YOUR_COLUMN."
        )


@transaction.atomic
def _write(writes: list[AreaWrite], report: ImportReport, *, organization, by, progress) -> None:
    """Write every area through the register's services, in one transaction: all of it, or nothing."""
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
            raise ImportFailed(f"{report.source}: {write.name}: {reason}; nothing was written.", report) from error
        rows_written += write.rows
        if progress and (rows_written // 500 != (rows_written - write.rows) // 500 or write is writes[-1]):
            progress("written", rows_written)
