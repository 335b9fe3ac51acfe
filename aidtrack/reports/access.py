"""The monthly access report: the figures access officers publish each month, from the records a reader may see.

Every figure of the page, its CSV downloads and ``/api/v1/statistics/access-report/`` comes from
``access_report``; nothing else counts them.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, Exists, IntegerField, OuterRef, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aidtrack.convoys.models import ConvoyDestination, ConvoyEvent, ConvoyRequest, ConvoyStatus
from aidtrack.convoys.selectors import convoy_visibility_q, end_of_day
from aidtrack.geo.models import AdminArea
from aidtrack.incidents.models import Category, Incident, IncidentKind
from aidtrack.incidents.selectors import incident_visibility_q
from aidtrack.names import in_language
from aidtrack.orgs.audience import Audience
from aidtrack.orgs.models import PartyType
from aidtrack.reports.people import people_series, people_table
from aidtrack.reports.periods import Period
from aidtrack.reports.tables import Column, Table

DELIVERED = [ConvoyStatus.DELIVERED, ConvoyStatus.PARTIALLY_DELIVERED]

IMPACT_FIELDS = [
    ("aid_workers_killed", gettext_lazy("Aid workers killed"), "#affected+killed+aid"),
    ("aid_workers_injured", gettext_lazy("Aid workers injured"), "#affected+injured+aid"),
    ("aid_workers_abducted", gettext_lazy("Aid workers abducted"), "#affected+abducted+aid"),
    ("aid_workers_detained", gettext_lazy("Aid workers detained"), "#affected+detained+aid"),
    ("people_killed", gettext_lazy("People killed"), "#affected+killed"),
    ("people_injured", gettext_lazy("People injured"), "#affected+injured"),
    ("vehicles_damaged", gettext_lazy("Vehicles damaged"), "#indicator+vehicles"),
    ("beneficiaries_affected", gettext_lazy("People affected"), "#affected"),
]


class GovernorateError(ValueError):
    """A governorate filter that names no governorate; the message says what to give."""


def governorate_from(pcode: str) -> AdminArea | None:
    """The governorate a ``gov`` parameter names (None when it is empty)."""
    if not pcode:
        return None
    governorate = None
    if re.fullmatch(r"[A-Za-z0-9]{1,20}", pcode):
        governorate = AdminArea.objects.filter(level=1, pcode=pcode.upper()).defer("geometry").first()
    if governorate is None:
        raise GovernorateError(
            _("“%(pcode)s” is not a governorate's P-code: use one such as SY02 (Aleppo), or leave it empty.")
            % {"pcode": pcode[:20].replace("\x00", "")}
        )
    return governorate


def period_incidents(audience: Audience, governorate: AdminArea | None = None):
    """The incidents ``audience`` may see, without the place annotations of ``incidents_visible_to``: counts and
    the key events' governorate (which every reader may see) need none, and aggregates stay plain GROUP BYs."""
    incidents = Incident.objects.filter(incident_visibility_q(audience)).order_by()
    if governorate is not None:
        incidents = incidents.filter(admin1=governorate)
    return incidents


def period_convoys(audience: Audience, governorate: AdminArea | None = None):
    convoys = ConvoyRequest.objects.filter(convoy_visibility_q(audience))
    if governorate is not None:
        serves = ConvoyDestination.objects.filter(convoy_id=OuterRef("pk")).filter(
            Q(admin1=governorate) | Q(area__governorate=governorate)
        )
        convoys = convoys.filter(Exists(serves))
    return convoys


def _moments(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    return end_of_day(period.start - datetime.timedelta(days=1)), end_of_day(period.end)


def _event_q(period: Period, statuses) -> Q:
    start, end = _moments(period)
    return Q(events__to_status__in=statuses, events__occurred_at__gte=start, events__occurred_at__lt=end)


@dataclass
class Change:
    value: int
    previous: int
    year_before: int

    @property
    def change(self) -> int:
        return self.value - self.previous

    @property
    def change_year(self) -> int:
        return self.value - self.year_before


@dataclass
class AccessReport:
    period: Period
    previous: Period
    year_before: Period
    governorate: AdminArea | None
    totals: list[tuple[str, str, Change]] = field(default_factory=list)  # key, label, figures
    categories: list[tuple[str, str, int]] = field(default_factory=list)  # code, label, incidents
    impact: list[tuple[str, str, int]] = field(default_factory=list)
    perpetrators: list[tuple[str, str, int, float]] = field(default_factory=list)  # type, label, n, share
    governorates: list[tuple[AdminArea, int]] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    people: list = field(default_factory=list)  # [(day, {status: people})], from the register

    def tables(self) -> dict[str, Table]:
        return {
            "totals": Table(
                "totals",
                _("Totals"),
                [
                    Column("figure", _("Figure"), "#indicator+name"),
                    Column("value", _("This period"), "#indicator+value"),
                    Column("previous", _("Previous period"), "#indicator+value+previous"),
                    Column("change", _("Change"), "#indicator+change"),
                    Column("year_before", _("A year before"), "#indicator+value+year_before"),
                    Column("change_year", _("Change on a year before"), "#indicator+change+year"),
                ],
                [
                    {
                        "figure": str(label),
                        "key": key,
                        "value": c.value,
                        "previous": c.previous,
                        "change": c.change,
                        "year_before": c.year_before,
                        "change_year": c.change_year,
                    }
                    for key, label, c in self.totals
                ],
            ),
            "categories": Table(
                "categories",
                _("Incidents by OCHA access category"),
                [
                    Column("category", _("Category"), "#event+category+code"),
                    Column("label", _("Name"), "#event+category+name"),
                    Column("incidents", _("Incidents"), "#indicator+incidents"),
                ],
                [{"category": c, "label": str(label), "incidents": n} for c, label, n in self.categories],
            ),
            "impact": Table(
                "impact",
                _("Impact"),
                [Column("figure", _("Figure"), "#indicator+name"), Column("value", _("Number"), "#indicator+value")],
                [{"figure": str(label), "key": key, "value": n} for key, label, n in self.impact],
            ),
            "perpetrators": Table(
                "perpetrators",
                _("Perpetrators by type of party"),
                [
                    Column("party_type", _("Type of party"), "#group+type"),
                    Column("incidents", _("Incidents"), "#indicator+incidents"),
                    Column("share", _("Share (%)"), "#indicator+share"),
                ],
                [
                    {"party_type": str(label), "key": key, "incidents": n, "share": round(share * 100, 1)}
                    for key, label, n, share in self.perpetrators
                ],
            ),
            "governorates": Table(
                "governorates",
                _("Incidents by governorate"),
                [
                    Column("pcode", _("P-code"), "#adm1+code"),
                    Column("governorate", _("Governorate"), "#adm1+name"),
                    Column("incidents", _("Incidents"), "#indicator+incidents"),
                ],
                [{"pcode": g.pcode, "governorate": g.name, "incidents": n} for g, n in self.governorates],
            ),
            "events": Table(
                "events",
                _("Key events"),
                [
                    Column("date", _("Date"), "#date"),
                    Column("what", _("What"), "#event+name", text=True),
                    Column("where", _("Where"), "#loc+name"),
                    Column("detail", _("Detail"), "#description", text=True),
                ],
                self.events,
            ),
            "people": people_table(self.people),
        }


def of_convoys(convoys) -> Exists:
    """Rows (events, removals) of one of ``convoys``: a correlated EXISTS, which SQLite plans as a lookup by key
    per row where ``convoy__in=convoys`` builds the list of every visible convoy first."""
    return Exists(convoys.filter(pk=OuterRef("convoy_id")))


def _disjoint(periods: list[Period]) -> bool:
    ordered = sorted(periods, key=lambda period: period.start)
    return all(a.end < b.start for a, b in zip(ordered, ordered[1:], strict=False))


def _by_period(rows, periods: list[Period], within, group: list[str], aggregates: dict) -> list[list[dict]]:
    """``rows`` grouped by ``group`` with ``aggregates``, for each of ``periods`` (``within(period)`` is the Q of its
    rows): one GROUP BY over all the periods, each row put in its period by a CASE, when no two periods overlap
    (a report's period, the one before and the same a year before); else one GROUP BY per period."""
    if not _disjoint(periods):
        return [
            list(rows.filter(within(period)).values(*group).annotate(**aggregates).order_by()) for period in periods
        ]
    any_period = Q()
    for period in periods:
        any_period |= within(period)
    bucket = Case(
        *(When(within(period), then=Value(index)) for index, period in enumerate(periods)),
        output_field=IntegerField(),
    )
    result = [[] for _period in periods]
    for row in (
        rows.filter(any_period)
        .annotate(period_index=bucket)
        .values("period_index", *group)
        .annotate(**aggregates)
        .order_by()
    ):
        result[row.pop("period_index")].append(row)
    return result


def _incident_totals(incidents, periods: list[Period]) -> list[dict]:
    """Per period: obstructions, access incidents and every impact counter (one GROUP BY kind)."""
    aggregates = {"n": Count("pk"), **{key: Sum(key) for key, _label, _hxl in IMPACT_FIELDS}}
    result = []
    for rows in _by_period(
        incidents, periods, lambda period: Q(occurred_on__range=(period.start, period.end)), ["kind"], aggregates
    ):
        figures = dict.fromkeys(["obstructions", "access", *(key for key, _label, _hxl in IMPACT_FIELDS)], 0)
        for row in rows:
            if row["kind"] == IncidentKind.OBSTRUCTION:
                figures["obstructions"] += row["n"]
            elif row["kind"] == IncidentKind.ACCESS:
                figures["access"] += row["n"]
            for key, _label, _hxl in IMPACT_FIELDS:
                figures[key] += row[key] or 0
        result.append(figures)
    return result


CONVOY_STEPS = {
    "requested": [ConvoyStatus.SUBMITTED],
    "delivered": DELIVERED,
    "attacked": [ConvoyStatus.ATTACKED],
    "denied": [ConvoyStatus.DENIED],
}


def _convoy_totals(convoys, periods: list[Period]) -> list[dict]:
    """Per period: requests submitted, deliveries, attacks, denials (convoys with such a step in the period: one
    GROUP BY over the steps of those periods); people reached by the deliveries."""

    def within(period):
        start, end = _moments(period)
        return Q(occurred_at__gte=start, occurred_at__lt=end)

    steps = ConvoyEvent.objects.filter(of_convoys(convoys)).order_by()
    counted = steps.filter(to_status__in=[status for statuses in CONVOY_STEPS.values() for status in statuses])
    counted = counted.annotate(
        step=Case(
            *(When(to_status__in=statuses, then=Value(key)) for key, statuses in CONVOY_STEPS.items()),
            output_field=CharField(),
        )
    )
    result = []
    for period, rows in zip(
        periods,
        _by_period(counted, periods, within, ["step"], {"n": Count("convoy_id", distinct=True)}),
        strict=True,
    ):
        figures = dict.fromkeys(CONVOY_STEPS, 0)
        for row in rows:
            figures[row["step"]] = row["n"]
        delivered = steps.filter(within(period), to_status__in=DELIVERED).values("convoy_id")
        figures["reached"] = (
            ConvoyDestination.objects.filter(convoy_id__in=delivered).aggregate(n=Sum("reached_beneficiaries"))["n"]
            or 0
        )
        result.append(figures)
    return result


def access_report(*, audience: Audience, period: Period, governorate: AdminArea | None = None) -> AccessReport:
    report = AccessReport(period, period.previous(), period.year_before(), governorate)
    incidents = period_incidents(audience, governorate)
    convoys = period_convoys(audience, governorate)
    periods = [report.period, report.previous, report.year_before]
    incident_figures = _incident_totals(incidents, periods)
    convoy_figures = _convoy_totals(convoys, periods)

    def change(source, key):
        return Change(*(figures[key] for figures in source))

    report.totals = [
        ("obstructions", _("Access incidents (obstructions)"), change(incident_figures, "obstructions")),
        ("access", _("Access achieved (deliveries, crossings, evacuations)"), change(incident_figures, "access")),
        ("convoys_requested", _("Convoy requests submitted"), change(convoy_figures, "requested")),
        ("convoys_delivered", _("Convoys delivered (fully or partly)"), change(convoy_figures, "delivered")),
        ("convoys_attacked", _("Convoys attacked"), change(convoy_figures, "attacked")),
        ("convoys_denied", _("Convoy requests denied"), change(convoy_figures, "denied")),
        ("people_reached", _("People reached by convoys delivered"), change(convoy_figures, "reached")),
        ("aid_workers_killed", _("Aid workers killed"), change(incident_figures, "aid_workers_killed")),
    ]
    current = incident_figures[0]
    report.impact = [(key, label, current[key]) for key, label, _hxl in IMPACT_FIELDS]

    # Categories, perpetrators' types and governorates of the period's obstructions: one GROUP BY, folded here.
    by_category, by_type, by_governorate = Counter(), Counter(), Counter()
    for category, kind, admin1_id, n in (
        incidents.filter(occurred_on__range=(period.start, period.end), kind=IncidentKind.OBSTRUCTION)
        .values_list("category", "perpetrator_kind", "admin1_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_category[category] += n
        by_type[kind] += n
        if admin1_id is not None:
            by_governorate[admin1_id] += n
    report.categories = [(c.value, c.label, by_category.get(c.value, 0)) for c in Category]

    total = sum(by_type.values()) or 1
    types = [(t.value, t.label) for t in PartyType] + [("", _("Not attributed"))]
    report.perpetrators = [(key, label, by_type.get(key, 0), by_type.get(key, 0) / total) for key, label in types]

    governorates = AdminArea.objects.filter(level=1).defer("geometry").order_by("pcode")
    if governorate is not None:
        governorates = governorates.filter(pk=governorate.pk)
    report.governorates = [(g, by_governorate.get(g.pk, 0)) for g in governorates]
    report.events = key_events(incidents, convoys, period)
    report.people = people_series(period)
    return report


def key_events(incidents, convoys, period: Period, limit: int = 30) -> list[dict]:
    """What an access officer's monthly note lists, in order: incidents that killed, injured or stopped aid
    workers or convoys, deliveries made, and convoys denied, blocked or attacked."""
    serious = Q(people_killed__gt=0) | Q(aid_workers_killed__gt=0) | Q(aid_workers_injured__gt=0)
    serious |= Q(aid_workers_abducted__gt=0) | Q(aid_workers_detained__gt=0) | Q(kind=IncidentKind.ACCESS)
    serious |= Q(category=Category.VIOLENCE_AGAINST_AID)
    rows = [
        {
            "date": occurred_on,
            "what": title,
            "where": in_language(governorate or "", governorate_ar or ""),
            "detail": summary,
            "incident_id": pk,
        }
        for pk, occurred_on, title, governorate, governorate_ar, summary in incidents.filter(
            serious, occurred_on__range=(period.start, period.end)
        )
        .order_by("occurred_on", "pk")
        .values_list("pk", "occurred_on", "title", "admin1__name_en", "admin1__name_ar", "public_summary")[:limit]
    ]
    start, end = _moments(period)
    outcomes = [ConvoyStatus.DENIED, ConvoyStatus.BLOCKED, ConvoyStatus.ATTACKED, *DELIVERED]
    statuses = dict(ConvoyStatus.choices)
    for occurred_at, status, convoy_id, reference, title in (
        ConvoyEvent.objects.filter(
            of_convoys(convoys), to_status__in=outcomes, occurred_at__gte=start, occurred_at__lt=end
        )
        .order_by("occurred_at", "pk")
        .values_list("occurred_at", "to_status", "convoy_id", "convoy__reference", "convoy__title")[:limit]
    ):
        rows.append(
            {
                "date": timezone.localdate(occurred_at),
                "what": _("Convoy %(reference)s: %(status)s")
                % {"reference": reference, "status": statuses.get(status, status)},
                "where": "",
                "detail": title,
                "convoy_id": convoy_id,
            }
        )
    rows.sort(key=lambda row: (row["date"], row["what"]))
    return rows[:limit]
