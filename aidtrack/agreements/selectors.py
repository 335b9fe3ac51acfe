"""Day-by-day compliance of an agreement's conditions, computed from incidents and deliveries."""

import bisect
import datetime
import functools
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aidtrack.agreements.models import Agreement, AgreementCondition, ConditionKind
from aidtrack.incidents.models import Category, Incident, IncidentKind, VerificationStatus

DEFAULT_VIOLENCE_CATEGORIES = [Category.HOSTILITIES.value, Category.VIOLENCE_AGAINST_AID.value]


BASELINE_DAYS = 30


@dataclass(frozen=True, slots=True)
class AreaReach:
    """Whether one listed area had been reached recently enough on a day."""

    area_id: int
    name: str
    last_reached: datetime.date | None
    days_since: int | None
    within: bool


@dataclass(frozen=True, slots=True)
class DayResult:
    day: datetime.date
    met: bool
    detail: str
    # Reduced violence: what was counted that day and the most allowed.
    incidents: int | None = None
    conflict_events: int | None = None
    limit: int | None = None
    # Sustained access: each listed area's last delivery up to that day.
    areas: tuple[AreaReach, ...] = ()

    @property
    def counted(self) -> int | None:
        if self.incidents is None:
            return None
        return self.incidents + (self.conflict_events or 0)

    @property
    def areas_missing(self) -> list[AreaReach]:
        return [reach for reach in self.areas if not reach.within]


@dataclass
class ConditionCompliance:
    condition: AgreementCondition
    days: list[DayResult] = field(default_factory=list)
    # Reduced violence: the mean daily count over the BASELINE_DAYS before the agreement, counted the same way.
    baseline: float | None = None

    @property
    def longest_run(self) -> tuple[int, datetime.date | None, datetime.date | None]:
        """The longest run of consecutive days met: its length, first and last day."""
        best = (0, None, None)
        run, start = 0, None
        for result in self.days:
            if result.met:
                run, start = run + 1, start if run else result.day
                if run > best[0]:
                    best = (run, start, result.day)
            else:
                run, start = 0, None
        return best

    @property
    def days_met(self) -> int:
        return sum(result.met for result in self.days)

    def first_days(self) -> list[DayResult]:
        """The first ``required_consecutive_days`` days: the window in which the condition could first be met."""
        return self.days[: self.condition.required_consecutive_days]

    @property
    def current_run(self) -> int:
        """Consecutive days met up to the last day computed."""
        run = 0
        for result in reversed(self.days):
            if not result.met:
                break
            run += 1
        return run

    @property
    def first_fulfilled_on(self) -> datetime.date | None:
        """The day the required run of consecutive days was first completed."""
        run = 0
        for result in self.days:
            run = run + 1 if result.met else 0
            if run >= self.condition.required_consecutive_days:
                return result.day
        return None


def agreements_with_terms():
    """Agreements with their terms read ahead (named areas, governorates, excluded parties, conditions and their
    areas), as every page and the API show them and count from them: places by name, key and level, never their
    outlines or the register's other columns, which the figures kept in the cache would otherwise carry along."""
    from django.db.models import Prefetch

    from aidtrack.areas.models import Area
    from aidtrack.geo.models import AdminArea

    areas = Area.objects.only("name_en", "name_ar")
    return Agreement.objects.prefetch_related(
        Prefetch("areas", queryset=areas),
        Prefetch("governorates", queryset=AdminArea.objects.only("pcode", "level", "name_en", "name_ar")),
        "excluded_parties",
        Prefetch("conditions", queryset=AgreementCondition.objects.prefetch_related(Prefetch("areas", queryset=areas))),
    )


def agreement_days(agreement: Agreement, until: datetime.date | None = None) -> list[datetime.date]:
    first = timezone.localdate(agreement.starts_at)
    last = min(
        until or timezone.localdate(), timezone.localdate(agreement.ends_at) if agreement.ends_at else datetime.date.max
    )
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]


def _counted_incidents(agreement: Agreement, verified_only: bool, incidents=None):
    incidents = (Incident.objects.all() if incidents is None else incidents).exclude(
        verification_status=VerificationStatus.REJECTED
    )
    if verified_only:
        incidents = incidents.filter(verification_status=VerificationStatus.VERIFIED)
    governorates = list(agreement.governorates.all())
    if governorates and all(area.level == 1 for area in governorates):
        incidents = incidents.filter(admin1__in=governorates)
    excluded = list(agreement.excluded_parties.all())
    if excluded:
        incidents = incidents.exclude(perpetrator__in=excluded)
    return incidents


def _violence_counts(condition, agreement, first, last, verified_only, incidents=None) -> Counter:
    """Incidents the condition counts, per day from ``first`` to ``last``: one GROUP BY."""
    return Counter(
        {
            row["occurred_on"]: row["n"]
            for row in counted_violence(condition, agreement, verified_only, incidents)
            .filter(occurred_on__range=(first, last))
            .values("occurred_on")
            .annotate(n=Count("pk"))
            .order_by()
        }
    )


def _reduced_violence(
    condition, agreement, days, verified_only, incidents=None, counts=None, events=None
) -> list[DayResult]:
    """Each day met or not; ``counts`` (and ``events``, of conflict events) per day when already counted."""
    if counts is None:
        counts = _violence_counts(condition, agreement, days[0], days[-1], verified_only, incidents)
    limit = condition.max_incidents_per_day
    if not condition.counted_conflict_event_types:
        counted = _("%(incidents)s incident(s) counted; at most %(limit)s allowed")  # translated once, not daily
        return [
            DayResult(
                day,
                counts[day] <= limit,
                counted % {"incidents": counts[day], "limit": limit},
                incidents=counts[day],
                limit=limit,
            )
            for day in days
        ]
    if events is None:
        events = _counted_conflict_events(condition, agreement, days)
    counted = _("%(incidents)s incident(s) and %(events)s conflict event(s) counted; at most %(limit)s allowed")
    return [
        DayResult(
            day,
            counts[day] + events[day] <= limit,
            counted % {"incidents": counts[day], "events": events[day], "limit": limit},
            incidents=counts[day],
            conflict_events=events[day],
            limit=limit,
        )
        for day in days
    ]


def counted_violence(condition, agreement, verified_only: bool, incidents=None):
    """The incidents the reduced-violence condition counts (any day): the one rule the page's evidence shares."""
    categories = condition.counted_categories or DEFAULT_VIOLENCE_CATEGORIES
    return _counted_incidents(agreement, verified_only, incidents).filter(
        kind=IncidentKind.OBSTRUCTION, category__in=categories
    )


def _baseline_days(first_day: datetime.date) -> list[datetime.date]:
    return [first_day - datetime.timedelta(days=n) for n in range(BASELINE_DAYS, 0, -1)]


def _violence_baseline(
    condition, agreement, first_day, verified_only, incidents=None, counts=None, events=None
) -> float:
    """Mean incidents (and conflict events) a day over the BASELINE_DAYS before the agreement took effect."""
    before = _baseline_days(first_day)
    counted = [
        r.counted for r in _reduced_violence(condition, agreement, before, verified_only, incidents, counts, events)
    ]
    return sum(counted) / len(counted)


def _counted_conflict_events(condition, agreement, days) -> Counter:
    """Conflict events (the ACLED layer) of the condition's types per day, in the covered governorates,
    leaving out those whose first actor is an excluded party (matched by name or short name)."""
    from django.db.models import Q

    from aidtrack.violence.models import ConflictEvent

    events = ConflictEvent.objects.filter(
        event_type__in=condition.counted_conflict_event_types, event_date__range=(days[0], days[-1])
    )
    governorates = list(agreement.governorates.all())
    if governorates and all(area.level == 1 for area in governorates):
        events = events.filter(admin1__in=governorates)
    excluded = Q()
    for party in agreement.excluded_parties.all():
        for name in filter(None, (party.name, party.short_name)):
            excluded |= Q(actor1__icontains=name)
    if excluded:
        events = events.exclude(excluded)
    return Counter({row["event_date"]: row["n"] for row in events.values("event_date").annotate(n=Count("pk"))})


@dataclass(frozen=True, slots=True)
class Delivery:
    """One time an area was reached: a convoy's delivery event or an access incident."""

    area_id: int
    day: datetime.date
    convoy_id: int | None = None
    convoy_reference: str = ""
    partial: bool = False
    incident_id: int | None = None
    incident_title: str = ""


def area_deliveries(
    areas, until: datetime.date | None, verified_only: bool, incidents=None, convoys=None
) -> list[Delivery]:
    """Every time the areas were reached up to ``until``: access incidents and convoy deliveries, by day.

    ``incidents`` and ``convoys`` limit what is counted (e.g. to what a reader may see); default: all.
    """
    from aidtrack.convoys.models import ConvoyEvent, ConvoyStatus

    incidents = (Incident.objects.all() if incidents is None else incidents).filter(
        kind=IncidentKind.ACCESS, area__in=areas
    )
    if until is not None:
        incidents = incidents.filter(occurred_on__lte=until)
    events = ConvoyEvent.objects.all()
    if convoys is not None:
        # A lookup by key per delivery (SQLite lists every visible convoy first for ``convoy__in``).
        events = events.filter(Exists(convoys.filter(pk=OuterRef("convoy_id"))))
    deliveries = events.filter(
        to_status__in=[ConvoyStatus.DELIVERED, ConvoyStatus.PARTIALLY_DELIVERED],
        convoy__destinations__area__in=areas,
    ).values_list("convoy__destinations__area_id", "occurred_at", "convoy_id", "convoy__reference", "to_status")
    return deliveries_from(
        incidents.values_list("pk", "area_id", "occurred_on", "title", "verification_status").order_by(),
        deliveries.order_by(),  # sorted below, with the access incidents
        until,
        verified_only,
    )


def deliveries_from(access, delivered, until: datetime.date | None, verified_only: bool) -> list[Delivery]:
    """The deliveries of ``area_deliveries`` from the rows it reads, for a caller that has read them already.

    ``access``: (id, area id, day, title, verification status) of access incidents up to ``until``;
    ``delivered``: (area id, moment, convoy id, convoy reference, status) of each delivery event, once per
    destination of its convoy in the area. Rejected incidents never count, and only verified ones do when
    ``verified_only``.
    """
    from aidtrack.convoys.models import ConvoyStatus

    found: list[Delivery] = []
    for pk, area_id, day, title, status in access:
        if status == VerificationStatus.REJECTED or (verified_only and status != VerificationStatus.VERIFIED):
            continue
        found.append(Delivery(area_id, day, incident_id=pk, incident_title=title))
    for area_id, moment, convoy_id, reference, status in delivered:
        day = timezone.localdate(moment)
        if until is None or day <= until:
            partial = status == ConvoyStatus.PARTIALLY_DELIVERED
            found.append(Delivery(area_id, day, convoy_id=convoy_id, convoy_reference=reference, partial=partial))
    return sorted(found, key=lambda d: (d.day, d.area_id, d.convoy_reference, d.incident_id or 0))


def access_dates_by_area(
    areas, until: datetime.date, verified_only: bool, incidents=None, convoys=None
) -> dict[int, list[datetime.date]]:
    """Dates on which each area was reached: access incidents and convoy deliveries (see ``area_deliveries``)."""
    dates: dict[int, list[datetime.date]] = defaultdict(list)
    for delivery in area_deliveries(areas, until, verified_only, incidents, convoys):
        dates[delivery.area_id].append(delivery.day)
    return dates


def _sustained_access(condition, days, verified_only, incidents=None, convoys=None) -> list[DayResult]:
    areas = list(condition.areas.all())
    if not areas:
        return [DayResult(day, False, _("no areas listed in the condition")) for day in days]
    reached = access_dates_by_area(areas, days[-1], verified_only, incidents, convoys)
    gap_allowed = condition.max_days_without_access
    # Each area's name, its days reached (sorted) and each sentence's translation are looked up once, not once per
    # day and area: a few months of days made these lookups the page's largest cost (bench/reports_bench.py).
    names = {area.pk: area.name for area in areas}
    reached_days = {area.pk: sorted(set(reached.get(area.pk, ()))) for area in areas}
    never = {area.pk: _("%(area)s (never reached)") % {"area": names[area.pk]} for area in areas}
    days_ago = functools.cache(lambda since: ngettext("%(area)s (%(days)s day)", "%(area)s (%(days)s days)", since))
    not_reached, all_reached, separator = _("not reached: %(areas)s"), _("all listed areas reached"), _(", ")
    results = []
    for day in days:
        missing, reaches = [], []
        for area_id, name in names.items():
            found = reached_days[area_id]
            index = bisect.bisect_right(found, day)
            last = found[index - 1] if index else None
            since = None if last is None else (day - last).days
            within = since is not None and since <= gap_allowed
            reaches.append(AreaReach(area_id, name, last, since, within))
            if not within:
                if last is None:
                    missing.append(never[area_id])
                else:
                    missing.append(days_ago(since) % {"area": name, "days": since})
        detail = not_reached % {"areas": separator.join(missing)} if missing else all_reached
        results.append(DayResult(day, not missing, detail, areas=tuple(reaches)))
    return results


def agreement_compliance(
    agreement: Agreement,
    until: datetime.date | None = None,
    verified_only: bool = False,
    incidents=None,
    convoys=None,
) -> list[ConditionCompliance]:
    """For each condition, whether it held on each day since the agreement took effect.

    ``incidents`` and ``convoys`` (querysets) limit the records counted, so that a public
    reader's figures come from public records only; by default every record counts.
    """
    days = agreement_days(agreement, until)
    results = []
    # The conditions (and their areas) as the caller prefetched them, as the pages do; else read here, afresh.
    if "conditions" in getattr(agreement, "_prefetched_objects_cache", {}):
        conditions = agreement.conditions.all()
    else:
        conditions = agreement.conditions.prefetch_related("areas")
    for condition in conditions:
        compliance = ConditionCompliance(condition)
        if days:
            if condition.kind == ConditionKind.REDUCED_VIOLENCE:
                # The baseline's days and the agreement's, counted in one statement.
                span = [*_baseline_days(days[0]), *days]
                counts = _violence_counts(condition, agreement, span[0], span[-1], verified_only, incidents)
                events = (
                    _counted_conflict_events(condition, agreement, span)
                    if condition.counted_conflict_event_types
                    else None
                )
                compliance.days = _reduced_violence(
                    condition, agreement, days, verified_only, incidents, counts, events
                )
                compliance.baseline = _violence_baseline(
                    condition, agreement, days[0], verified_only, incidents, counts, events
                )
            else:
                compliance.days = _sustained_access(condition, days, verified_only, incidents, convoys)
        results.append(compliance)
    return results


def agreement_compliance_for(agreement: Agreement, audience, until: datetime.date | None = None):
    """``agreement_compliance`` counted from the records ``audience`` may see: what every page, download and
    the API show (the public counts verified, public records only)."""
    from aidtrack.convoys.models import ConvoyRequest
    from aidtrack.convoys.selectors import convoy_visibility_q
    from aidtrack.incidents.selectors import incident_visibility_q

    return agreement_compliance(
        agreement,
        until=until,
        verified_only=audience.is_public,
        incidents=Incident.objects.filter(incident_visibility_q(audience)),
        convoys=ConvoyRequest.objects.filter(convoy_visibility_q(audience)),
    )


@dataclass
class ConditionEvidence:
    """One condition on one day, with the records behind the verdict."""

    compliance: ConditionCompliance
    result: DayResult
    counted: list = field(default_factory=list)  # incidents counted (as the reader may read them)
    excluded: list = field(default_factory=list)  # of the counted categories, left out for an excluded party
    deliveries: dict[int, list[Delivery]] = field(default_factory=dict)  # area id -> deliveries up to the day


def agreement_day_evidence(agreement: Agreement, day: datetime.date, audience) -> list[ConditionEvidence] | None:
    """Why each condition held or not on ``day``: its counts and the records ``audience`` may see behind them.

    None when ``day`` is outside the days computed for the agreement.
    """
    from aidtrack.convoys.models import ConvoyRequest
    from aidtrack.convoys.selectors import convoy_visibility_q
    from aidtrack.incidents.selectors import incident_as_read, incident_visibility_q, incidents_visible_to

    if day > timezone.localdate() or day not in agreement_days(agreement, day):
        return None
    visible = Incident.objects.filter(incident_visibility_q(audience))
    convoys = ConvoyRequest.objects.filter(convoy_visibility_q(audience))
    evidence = []
    for compliance in agreement_compliance_for(agreement, audience, until=day):
        result = next(r for r in compliance.days if r.day == day)
        item = ConditionEvidence(compliance, result)
        condition = compliance.condition
        if condition.kind == ConditionKind.REDUCED_VIOLENCE:
            counted = counted_violence(condition, agreement, audience.is_public, visible).filter(occurred_on=day)
            readable = (
                incidents_visible_to(audience)
                .select_related("admin1", "admin2", "admin3", "perpetrator")
                .defer("admin1__geometry", "admin2__geometry", "admin3__geometry")
            )
            item.counted = [incident_as_read(i, audience) for i in readable.filter(pk__in=counted.values("pk"))]
            categories = condition.counted_categories or DEFAULT_VIOLENCE_CATEGORIES
            same_kind = readable.filter(
                kind=IncidentKind.OBSTRUCTION, category__in=categories, occurred_on=day
            ).exclude(pk__in=counted.values("pk"))
            item.excluded = [incident_as_read(i, audience) for i in same_kind]
        else:
            for delivery in area_deliveries(list(condition.areas.all()), day, audience.is_public, visible, convoys):
                item.deliveries.setdefault(delivery.area_id, []).append(delivery)
        evidence.append(item)
    return evidence
