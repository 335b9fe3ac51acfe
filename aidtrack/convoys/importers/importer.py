"""Importing convoy requests from CSV, XLSX or HXL CSV: a dry run, a report by row and column, then all or nothing.

A convoy request may take several rows: the rows with one reference (the
request's stable id, e.g. CV-2016-09-014) describe one convoy, each row giving
one destination with its planned (and reached) beneficiaries and, optionally,
one cargo line. The convoy's own columns (title, lead organization, status,
dates ...) may be repeated on every row of the convoy or given once; rows that
disagree are an error naming both. ``reading`` reads each row, ``checking``
checks each convoy as a whole (with ``walk`` for its lifecycle steps) into a
``plans.ConvoyPlan``; this module reads the file and writes the plans.

A new convoy is created as a draft (``convoy_create``) and walked through the
lifecycle to the file's status with ``convoy_transition``, dated by the file's
dates. A convoy whose reference is already recorded is edited with
``convoy_update`` and moved on to a later status, or left unchanged. Every row
is checked first; then everything is written in one transaction, or nothing.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aidtrack.areas.models import Area
from aidtrack.convoys.importers.checking import ConvoyChecker
from aidtrack.convoys.importers.columns import COLUMNS
from aidtrack.convoys.importers.plans import ConvoyPlan
from aidtrack.convoys.models import ConvoyRequest
from aidtrack.convoys.services import (
    DELIVERED_STATUSES,
    CargoInput,
    DestinationInput,
    convoy_create,
    convoy_transition,
    convoy_update,
)
from aidtrack.geo.models import AdminArea
from aidtrack.imports.importer import TableImporter
from aidtrack.imports.report import ImportFailed
from aidtrack.imports.tabular import TableImport, headers_of
from aidtrack.orgs.permissions import can_write_for


class ConvoyImporter(TableImporter):
    """One row per destination (and cargo line) of a convoy; the rows with one reference make one convoy."""

    columns = COLUMNS
    what = "a convoy request table"
    noun = gettext_lazy("convoy requests")

    def may_import(self) -> bool:
        return can_write_for(self.by, self.organization)

    @staticmethod
    def require(columns: dict, table, display: str) -> None:
        _require_columns(columns, table, display)

    def start(self, columns: dict) -> None:
        self.checker = ConvoyChecker(organization=self.organization, by=self.by, report=self.report, columns=columns)

    def read(self, row: int, cells) -> None:
        self.checker.read(row, cells)

    def plan(self) -> None:
        # There is one plan per convoy, at its first row.
        self.result.plans = self.checker.plans()
        if self.checker.rows_read:
            self.report.notes.append(
                _("%(rows)s row(s) describe %(convoys)s convoy request(s).")
                % {"rows": self.checker.rows_read, "convoys": len(self.checker.groups)}
            )

    def write(self, progress) -> None:
        _write(self.result, by=self.by, progress=progress)


import_convoys = ConvoyImporter.run


def _require_columns(columns: dict, table, display: str) -> None:
    headers = headers_of(table)
    if "reference" not in columns:
        raise ImportFailed(
            _(
                "%(file)s: no reference column (looked for 'reference', 'convoy_id', 'ref' or the HXL tag "
                "#activity+code). Its columns are: %(headers)s. Every row needs its convoy's reference; map the "
                "column, e.g. --map reference=YOUR_COLUMN."
            )
            % {"file": display, "headers": headers}
        )
    if not ({"destination", "destination_pcode"} & set(columns)):
        raise ImportFailed(
            _(
                "%(file)s: no destination column (looked for 'destination', 'community', 'pcode' or the HXL tags "
                "#loc+name, #loc+code). Its columns are: %(headers)s. Map one, e.g. --map destination=YOUR_COLUMN."
            )
            % {"file": display, "headers": headers}
        )


def event_moment(day: datetime.date, *, after: datetime.datetime | None) -> datetime.datetime:
    """When a step dated ``day`` is recorded: midday (or now, today), never before the event ``after``."""
    moment = min(timezone.make_aware(datetime.datetime.combine(day, datetime.time(12))), timezone.now())
    return max(moment, after) if after is not None else moment


def _write(result: TableImport, *, by, progress) -> None:
    report = result.report
    plans = [plan for plan in result.plans if plan.action in ("create", "update")]
    areas = Area.objects.in_bulk({d.area_id for p in plans for d in p.destinations or () if d.area_id})
    places = AdminArea.objects.in_bulk(
        {d.community_id for p in plans for d in p.destinations or () if d.community_id}
        | {p.fields["origin_area_id"] for p in plans if p.fields.get("origin_area_id")}
    )
    if progress:
        progress("written", 0)
    rows_written = 0
    try:
        for plan in plans:
            _write_plan(plan, by=by, areas=areas, places=places, source=report.source)
            # Progress counts rows, like the estimate of the file's rows it is shown against.
            rows_written += len(plan.rows)
            if progress and rows_written // 500 != (rows_written - len(plan.rows)) // 500:
                progress("written", rows_written)
    except (ValidationError, PermissionDenied) as error:
        # The check ran the services' rules already; this is a change made meanwhile (or a rule it missed).
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        raise ImportFailed(
            _("%(source)s: row %(row)s (convoy %(reference)s): %(messages)s Nothing was written.")
            % {"source": report.source, "row": plan.row, "reference": plan.reference, "messages": " ".join(messages)},
            report,
        ) from error
    if progress:
        progress("written", rows_written)


def _write_plan(plan: ConvoyPlan, *, by, areas: dict, places: dict, source: str) -> None:
    fields = dict(plan.fields)
    if "origin_area_id" in fields:
        area_id = fields.pop("origin_area_id")
        fields["origin_area"] = places[area_id] if area_id else None
    destinations = cargo = None
    if plan.destinations is not None:
        destinations = [
            DestinationInput(
                area=areas.get(d.area_id),
                community=places.get(d.community_id),
                planned_beneficiaries=d.planned,
            )
            for d in plan.destinations
        ]
    if plan.cargo is not None:
        cargo = [CargoInput(line.sector, line.item, line.quantity, line.unit) for line in plan.cargo]
    if plan.action == "create":
        first = event_moment(plan.steps[0].on, after=None) if plan.steps else None
        convoy = convoy_create(
            by=by,
            reference=plan.reference,
            lead_organization=plan.lead,
            partner_organizations=plan.partners or (),
            destinations=destinations or (),
            cargo_lines=cargo or (),
            created_at=first,
            **fields,
        )
        version, last = convoy.version, first
    else:
        convoy = ConvoyRequest(pk=plan.convoy_id)
        version, last = plan.version, plan.last_event_at
        if fields or plan.partners is not None or destinations is not None or cargo is not None:
            convoy = convoy_update(
                convoy=convoy,
                by=by,
                expected_version=version,
                partner_organizations=plan.partners,
                destinations=destinations,
                cargo_lines=cargo,
                **fields,
            )
            version = convoy.version
    if not plan.steps:
        return
    reached = plan.reached_by_destination(convoy)
    for step in plan.steps:
        last = event_moment(step.on, after=last)
        if step is plan.steps[-1] and plan.note:
            note = plan.note
        elif step.borrowed:
            note = f"Imported from {source}; the file gives no date for this step, so it takes the next date known."
        else:
            note = f"Imported from {source}."
        convoy_transition(
            convoy=convoy,
            to_status=step.status,
            by=by,
            note=note,
            occurred_at=last,
            reached_beneficiaries=reached if step.status in DELIVERED_STATUSES else None,
            expected_version=version,
        )
        version += 1
