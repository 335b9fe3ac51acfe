"""Reading the register: status on a date, people by status, and per-area figures."""

import datetime
from dataclasses import dataclass

from django.db.models import BigIntegerField, DateField, Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aidtrack.areas.models import AccessStatus, Area, StatusPeriod
from aidtrack.convoys.models import ConvoyRequest
from aidtrack.ops.reused_sql import Slot, reused_rows
from aidtrack.orgs.audience import Audience


def periods_on(day: datetime.date):
    """Status periods in force on ``day`` (end dates are exclusive)."""
    return StatusPeriod.objects.filter(start_date__lte=day).filter(Q(end_date__isnull=True) | Q(end_date__gt=day))


def status_on(area: Area, day: datetime.date) -> str | None:
    """The area's status on ``day``, or None if the register says nothing for that day."""
    period = periods_on(day).filter(area=area).first()
    return period.status if period else None


@dataclass(frozen=True)
class RegisterEntry:
    area: Area
    period: StatusPeriod | None

    @property
    def status(self) -> str | None:
        return self.period.status if self.period else None


def register_on(day: datetime.date, statuses=None) -> list[RegisterEntry]:
    """Every area with its status period on ``day`` (None where the register has none)."""
    in_force = periods_on(day)
    areas = (
        Area.objects.prefetch_related(
            Prefetch("status_periods", queryset=in_force, to_attr="periods_on_day"),
            "besieging_parties",
        )
        .select_related("governorate")
        .defer("governorate__geometry")
    )
    entries = [RegisterEntry(area, area.periods_on_day[0] if area.periods_on_day else None) for area in areas]
    if statuses is not None:
        entries = [entry for entry in entries if entry.status in statuses]
    return entries


def people_by_status_on(day: datetime.date) -> dict[str, int]:
    """People living in areas of each status on ``day`` (current population estimates)."""
    return people_by_status_series(day, day)[0][1]


def people_by_status_series(start: datetime.date, end: datetime.date) -> list[tuple[datetime.date, dict[str, int]]]:
    """People living in areas of each status on every day from ``start`` to ``end`` (current population
    estimates), from the register's status periods: one query, whatever the number of days."""
    days = (end - start).days + 1
    changes = {status: [0] * (days + 1) for status in AccessStatus.values}
    overlapping = (
        StatusPeriod.objects.filter(start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=start))
        .values_list("status", "start_date", "end_date", "area__population")
    )
    for status, first, stop, population in overlapping:
        if not population or status not in changes:
            continue
        changes[status][max((first - start).days, 0)] += population
        changes[status][min((stop - start).days, days) if stop else days] -= population
    series = []
    running = dict.fromkeys(AccessStatus.values, 0)
    for offset in range(days):
        for status in AccessStatus.values:
            running[status] += changes[status][offset]
        series.append((start + datetime.timedelta(days=offset), dict(running)))
    return series


@dataclass(frozen=True)
class AreaFigures:
    current_status: str | None
    current_since: datetime.date | None
    days_under_siege: int | None
    last_delivery: datetime.date | None
    days_since_delivery: int | None
    planned_beneficiaries: int
    reached_beneficiaries: int

    @property
    def share_reached(self) -> float | None:
        if not self.planned_beneficiaries:
            return None
        return self.reached_beneficiaries / self.planned_beneficiaries


def siege_start(periods: list[StatusPeriod], day: datetime.date) -> datetime.date | None:
    """Start of the unbroken run of besieged periods covering ``day``, if it is covered."""
    ordered = sorted((p for p in periods if p.start_date <= day), key=lambda p: p.start_date)
    if not ordered or not ordered[-1].covers(day) or ordered[-1].status != AccessStatus.BESIEGED:
        return None
    run = ordered[-1]
    for period in reversed(ordered[:-1]):
        if period.status != AccessStatus.BESIEGED or period.end_date != run.start_date:
            break
        run = period
    return run.start_date


@dataclass(frozen=True)
class AreaRecords:
    """The records an area's figures and its list of deliveries are counted from, as one reader may see them."""

    # (convoy id, people planned, people reached, convoy status, convoy reference): one a destination in the area.
    destinations: list[tuple]
    # (convoy id, moment, status): every delivery event of those convoys.
    delivered: list[tuple]
    # (incident id, day, title, verification status): the access incidents at the area up to the day.
    access: list[tuple]


def area_records(area: Area, day: datetime.date, *, audience: Audience) -> AreaRecords:
    """The convoys and access incidents that reached ``area`` up to ``day``, of those ``audience`` may see (the
    same rules as every other reader): read once for its figures and for its page's list of deliveries."""
    from aidtrack.convoys.models import ConvoyDestination, ConvoyEvent
    from aidtrack.convoys.selectors import convoy_visibility_q
    from aidtrack.convoys.services import DELIVERED_STATUSES
    from aidtrack.incidents.models import Incident, IncidentKind
    from aidtrack.incidents.selectors import incident_visibility_q

    # The SQL of each is compiled once per process and reader class; the area and the day are bound when it runs.
    reader = audience.cache_key

    def visible_destinations():
        visible = ConvoyRequest.objects.filter(convoy_visibility_q(audience), pk=OuterRef("convoy_id"))
        return ConvoyDestination.objects.filter(Exists(visible), area_id=Slot("area", BigIntegerField())).order_by()

    destinations = reused_rows(
        ("area destinations", reader),
        lambda: visible_destinations().values_list(
            "convoy_id", "planned_beneficiaries", "reached_beneficiaries", "convoy__status", "convoy__reference"
        ),
        area=area.pk,
    )
    delivered = []
    if destinations:  # none visible: no query, as for an empty list of convoys
        delivered = reused_rows(
            ("area delivery events", reader),
            lambda: (
                ConvoyEvent.objects.filter(
                    convoy_id__in=visible_destinations().values("convoy_id"), to_status__in=DELIVERED_STATUSES
                )
                .order_by()
                .values_list("convoy_id", "occurred_at", "to_status")
            ),
            area=area.pk,
        )
    access = reused_rows(
        ("area access incidents", reader),
        lambda: (
            Incident.objects.filter(
                incident_visibility_q(audience),
                area_id=Slot("area", BigIntegerField()),
                kind=IncidentKind.ACCESS,
                occurred_on__lte=Slot("day", DateField()),
            )
            .order_by()
            .values_list("pk", "occurred_on", "title", "verification_status")
        ),
        area=area.pk,
        day=day,
    )
    return AreaRecords(destinations, delivered, access)


def area_figures(
    area: Area,
    day: datetime.date | None = None,
    *,
    audience: Audience,
    periods: list | None = None,
    records: AreaRecords | None = None,
) -> AreaFigures:
    """What users ask of one area: status, days under siege, last delivery, people reached.

    Deliveries and people reached count only the convoys and access incidents ``audience`` may see (the
    same rules as every other reader), so that a figure never reveals a record the reader cannot open.
    ``periods``: the area's status periods in order of start, and ``records``: its ``area_records`` for the
    same day and reader, when the caller has read them already.
    """
    from aidtrack.convoys.services import DELIVERED_STATUSES

    day = day or timezone.localdate()
    periods = list(area.status_periods.all()) if periods is None else periods
    records = area_records(area, day, audience=audience) if records is None else records
    current = next((p for p in periods if p.covers(day)), None)
    besieged_since = siege_start(periods, day)

    planned = sum(planned for _convoy, planned, _reached, _status, _ref in records.destinations)
    # People reached, and the last delivery, count the convoys delivered as they stand today.
    delivered_ids = {
        convoy for convoy, _planned, _reached, status, _ref in records.destinations if status in DELIVERED_STATUSES
    }
    reached = sum(
        reached or 0 for convoy, _planned, reached, _status, _ref in records.destinations if convoy in delivered_ids
    )
    deliveries = [
        d
        for d in (
            timezone.localdate(moment) for convoy, moment, _status in records.delivered if convoy in delivered_ids
        )
        if d <= day
    ]
    deliveries += [occurred_on for _pk, occurred_on, _title, _status in records.access]
    last = max(deliveries) if deliveries else None
    return AreaFigures(
        current_status=current.status if current else None,
        current_since=current.start_date if current else None,
        days_under_siege=(day - besieged_since).days if besieged_since else None,
        last_delivery=last,
        days_since_delivery=(day - last).days if last else None,
        planned_beneficiaries=planned,
        reached_beneficiaries=reached,
    )


def area_change_author(row, audience: Audience) -> str:
    """Who saved a row of an area's history, as ``audience`` may know it.

    The register is shared by every organization, but who works for which
    organization is not: the user name is shown to members of the
    organization the change was recorded for (and to site admins); others
    read which organization it was, or that a site administrator made it.
    """
    user = row.history_user
    if user is None:
        return _("system")
    organization = row.history_organization
    if audience.is_site_admin or (organization is not None and organization.pk in audience.organization_ids):
        return user.get_username()
    if organization is not None:
        return _("a member of %(organization)s") % {"organization": organization.short_name}
    if user.is_superuser:
        return _("a site administrator")
    return _("a member of staff")
