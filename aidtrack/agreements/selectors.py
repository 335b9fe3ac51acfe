"""Day-by-day compliance of an agreement's conditions, computed from incidents and deliveries."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from aidtrack.agreements.models import Agreement, AgreementCondition, ConditionKind
from aidtrack.incidents.models import Category, Incident, IncidentKind, VerificationStatus

DEFAULT_VIOLENCE_CATEGORIES = [Category.HOSTILITIES.value, Category.VIOLENCE_AGAINST_AID.value]


@dataclass(frozen=True)
class DayResult:
    day: datetime.date
    met: bool
    detail: str


@dataclass
class ConditionCompliance:
    condition: AgreementCondition
    days: list[DayResult] = field(default_factory=list)

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


def _reduced_violence(condition, agreement, days, verified_only, incidents=None) -> list[DayResult]:
    categories = condition.counted_categories or DEFAULT_VIOLENCE_CATEGORIES
    counts = Counter(
        {
            row["occurred_on"]: row["n"]
            for row in _counted_incidents(agreement, verified_only, incidents)
            .filter(kind=IncidentKind.OBSTRUCTION, category__in=categories, occurred_on__range=(days[0], days[-1]))
            .values("occurred_on")
            .annotate(n=Count("pk"))
        }
    )
    limit = condition.max_incidents_per_day
    if not condition.counted_conflict_event_types:
        return [
            DayResult(day, counts[day] <= limit, f"{counts[day]} incident(s) counted; at most {limit} allowed")
            for day in days
        ]
    events = _counted_conflict_events(condition, agreement, days)
    return [
        DayResult(
            day,
            counts[day] + events[day] <= limit,
            f"{counts[day]} incident(s) and {events[day]} conflict event(s) counted; at most {limit} allowed",
        )
        for day in days
    ]


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


def access_dates_by_area(
    areas, until: datetime.date, verified_only: bool, incidents=None, convoys=None
) -> dict[int, list[datetime.date]]:
    """Dates on which each area was reached: access incidents and convoy deliveries.

    ``incidents`` and ``convoys`` limit what is counted (e.g. to what a reader may see); default: all.
    """
    from aidtrack.convoys.models import ConvoyEvent, ConvoyStatus

    dates: dict[int, list[datetime.date]] = defaultdict(list)
    incidents = (Incident.objects.all() if incidents is None else incidents).filter(
        kind=IncidentKind.ACCESS, area__in=areas, occurred_on__lte=until
    )
    incidents = incidents.exclude(verification_status=VerificationStatus.REJECTED)
    if verified_only:
        incidents = incidents.filter(verification_status=VerificationStatus.VERIFIED)
    for area_id, day in incidents.values_list("area_id", "occurred_on"):
        dates[area_id].append(day)
    events = ConvoyEvent.objects.all() if convoys is None else ConvoyEvent.objects.filter(convoy__in=convoys)
    deliveries = events.filter(
        to_status__in=[ConvoyStatus.DELIVERED, ConvoyStatus.PARTIALLY_DELIVERED],
        convoy__destinations__area__in=areas,
    ).values_list("convoy__destinations__area_id", "occurred_at")
    for area_id, moment in deliveries:
        day = timezone.localdate(moment)
        if day <= until:
            dates[area_id].append(day)
    return dates


def _sustained_access(condition, days, verified_only, incidents=None, convoys=None) -> list[DayResult]:
    areas = list(condition.areas.all())
    if not areas:
        return [DayResult(day, False, "no areas listed in the condition") for day in days]
    reached = access_dates_by_area(areas, days[-1], verified_only, incidents, convoys)
    gap_allowed = condition.max_days_without_access
    results = []
    for day in days:
        missing = []
        for area in areas:
            last = max((d for d in reached.get(area.pk, []) if d <= day), default=None)
            if last is None or (day - last).days > gap_allowed:
                missing.append(f"{area.name_en} ({'never reached' if last is None else f'{(day - last).days} days'})")
        detail = "all listed areas reached" if not missing else "not reached: " + ", ".join(missing)
        results.append(DayResult(day, not missing, detail))
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
    for condition in agreement.conditions.prefetch_related("areas"):
        compliance = ConditionCompliance(condition)
        if days:
            if condition.kind == ConditionKind.REDUCED_VIOLENCE:
                compliance.days = _reduced_violence(condition, agreement, days, verified_only, incidents)
            else:
                compliance.days = _sustained_access(condition, days, verified_only, incidents, convoys)
        results.append(compliance)
    return results
