"""The convoy funnel and the removals ledger, from the convoys a reader may see.

The funnel follows the requests submitted in a period (a cohort) through their recorded events, whatever their
status today: how many were approved (fully or partly), dispatched and delivered (fully or partly), and how many
branched off (denied, no response, cancelled, blocked, attacked). Days per stage are medians and 90th percentiles
(nearest rank) over the requests that went through the stage. Every figure of /reports/convoys/, its CSV
downloads and /api/v1/statistics/convoy-funnel/ comes from ``convoy_funnel``.
"""

import datetime
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import ExpressionWrapper, F, Field, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aidtrack.convoys.models import CheckpointRemoval, ConvoyDestination, ConvoyEvent, ConvoyStatus, Sector
from aidtrack.geo.models import AdminArea
from aidtrack.orgs.audience import Audience
from aidtrack.reports.access import _moments, of_convoys, period_convoys
from aidtrack.reports.periods import Period
from aidtrack.reports.tables import Column, Table

S = ConvoyStatus
ANSWERS = {S.APPROVED, S.PARTIALLY_APPROVED, S.DENIED, S.NO_RESPONSE}
OUTCOMES = {S.DELIVERED, S.PARTIALLY_DELIVERED, S.BLOCKED, S.ATTACKED}

# The funnel's steps: key, label, depth (0 the main line, 1 a branch off the step above).
STEPS = [
    ("requested", gettext_lazy("Requested"), 0),
    ("approved", gettext_lazy("Approved (fully or partly)"), 0),
    ("approved_fully", gettext_lazy("fully approved"), 1),
    ("approved_partly", gettext_lazy("partly approved"), 1),
    ("denied", gettext_lazy("Denied"), 1),
    ("no_response", gettext_lazy("No response"), 1),
    ("cancelled", gettext_lazy("Cancelled"), 1),
    ("on_hold", gettext_lazy("On hold"), 1),
    ("waiting", gettext_lazy("Still waiting for an answer"), 1),
    ("dispatched", gettext_lazy("Dispatched"), 0),
    ("delivered", gettext_lazy("Delivered (fully or partly)"), 0),
    ("delivered_fully", gettext_lazy("fully delivered"), 1),
    ("delivered_partly", gettext_lazy("partly delivered"), 1),
    ("blocked", gettext_lazy("Blocked (turned back)"), 1),
    ("attacked", gettext_lazy("Attacked"), 1),
]

STAGES = [
    ("answer", gettext_lazy("Submission to answer")),
    ("dispatch", gettext_lazy("Approval to dispatch")),
    ("outcome", gettext_lazy("Dispatch to outcome")),
]


# An event's moment as the database driver gives it: aware on PostgreSQL, naive UTC on SQLite (which stores UTC).
# The funnel only compares and subtracts the moments of one database, and places a submission in its month itself:
# Django's conversion of every value to an aware datetime took longer than the funnel's own arithmetic.
AS_READ_MOMENT = ExpressionWrapper(F("occurred_at"), output_field=Field())


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least ``share`` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class ConvoyFunnel:
    period: Period
    governorate: AdminArea | None
    steps: list[tuple[str, str, int, int]] = field(default_factory=list)  # key, label, depth, convoys
    planned: int = 0
    reached: int = 0
    stages: list[tuple[str, str, int, float | None, float | None]] = field(default_factory=list)
    months: list[dict] = field(default_factory=list)
    removals: dict[str, list[dict]] = field(default_factory=dict)  # by item, sector, party, place
    removals_count: int = 0

    @property
    def share_reached(self) -> float | None:
        return self.reached / self.planned if self.planned else None

    def count(self, key: str) -> int:
        return next((n for k, _label, _depth, n in self.steps if k == key), 0)

    def tables(self) -> dict[str, Table]:
        ledger_columns = [
            Column("group", _("Group"), "#indicator+group", text=True),
            Column("unit", _("Unit"), "#indicator+unit", text=True),
            Column("removed", _("Removed"), "#indicator+removed"),
            Column("loaded", _("Loaded"), "#indicator+loaded"),
            Column("share", _("Share removed (%)"), "#indicator+share"),
            Column("removals", _("Removals"), "#indicator+removals"),
        ]
        tables = {
            "funnel": Table(
                "funnel",
                _("Convoy funnel"),
                [
                    Column("step", _("Step"), "#indicator+step"),
                    Column("convoys", _("Convoy requests"), "#indicator+convoys"),
                    Column("share", _("Share of requested (%)"), "#indicator+share"),
                ],
                [
                    {"key": key, "step": str(label), "convoys": n, "share": self._share(n)}
                    for key, label, _depth, n in self.steps
                ]
                + [
                    {"key": "people_planned", "step": _("People planned"), "convoys": self.planned, "share": None},
                    {"key": "people_reached", "step": _("People reached"), "convoys": self.reached, "share": None},
                ],
            ),
            "stages": Table(
                "stages",
                _("Days spent in each stage"),
                [
                    Column("stage", _("Stage"), "#indicator+stage"),
                    Column("convoys", _("Convoy requests"), "#indicator+convoys"),
                    Column("median_days", _("Median days"), "#indicator+days+median"),
                    Column("p90_days", _("90th percentile, days"), "#indicator+days+p90"),
                ],
                [
                    {"key": key, "stage": str(label), "convoys": n, "median_days": median, "p90_days": p90}
                    for key, label, n, median, p90 in self.stages
                ],
            ),
            "months": Table(
                "months",
                _("Approval rate by month of request"),
                [
                    Column("month", _("Month"), "#date+month"),
                    Column("requested", _("Requested"), "#indicator+requested"),
                    Column("approved", _("Approved"), "#indicator+approved"),
                    Column("denied", _("Denied"), "#indicator+denied"),
                    Column("no_response", _("No response"), "#indicator+no_response"),
                    Column("rate", _("Approval rate (%)"), "#indicator+rate"),
                ],
                self.months,
            ),
        }
        for key, title in (
            ("item", _("Removed at checkpoints, by item")),
            ("sector", _("Removed at checkpoints, by sector")),
            ("party", _("Removed at checkpoints, by party")),
            ("place", _("Removed at checkpoints, by checkpoint")),
        ):
            tables[f"removals_by_{key}"] = Table(f"removals_by_{key}", title, ledger_columns, self.removals[key])
        return tables

    def _share(self, n: int) -> float | None:
        requested = self.count("requested")
        return round(100 * n / requested, 1) if requested else None


def convoy_funnel(*, audience: Audience, period: Period, governorate: AdminArea | None = None) -> ConvoyFunnel:
    funnel = ConvoyFunnel(period, governorate)
    visible = period_convoys(audience, governorate)
    start, end = _moments(period)
    cohort = ConvoyEvent.objects.filter(
        of_convoys(visible), to_status=S.SUBMITTED, occurred_at__gte=start, occurred_at__lt=end
    ).values("convoy_id")
    history: dict[int, list[tuple[str, datetime.datetime]]] = {}
    for convoy_id, status, moment in (
        ConvoyEvent.objects.filter(convoy_id__in=cohort)
        .order_by("occurred_at", "pk")
        .values_list("convoy_id", "to_status", AS_READ_MOMENT)
    ):
        events = history.get(convoy_id)
        if events is None:
            history[convoy_id] = [(status, moment)]
        else:
            events.append((status, moment))

    counts: dict[str, int] = dict.fromkeys((key for key, _label, _depth in STEPS), 0)
    waits: dict[str, list[float]] = {key: [] for key, _label in STAGES}
    answer_waits, dispatch_waits, outcome_waits = waits["answer"], waits["dispatch"], waits["outcome"]
    by_month: dict[datetime.date, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(("requested", "approved", "denied", "no_response"), 0)
    )
    delivered_ids = set()
    site_zone = timezone.get_current_timezone()
    months: dict[datetime.date, datetime.date] = {}  # the month of each day of submission, computed once a day
    outcome_keys = {
        S.DELIVERED: "delivered_fully",
        S.PARTIALLY_DELIVERED: "delivered_partly",
        S.BLOCKED: "blocked",
        S.ATTACKED: "attacked",
    }
    delivered_statuses = (S.DELIVERED, S.PARTIALLY_DELIVERED)
    approvals = (S.APPROVED, S.PARTIALLY_APPROVED)
    day_seconds = 86400
    for convoy_id, events in history.items():
        # The first moment of each status, in event order (a convoy has a handful of events).
        first: dict[str, datetime.datetime] = {}
        first_approval = None
        for status, moment in events:
            if status not in first:
                first[status] = moment
                if first_approval is None and status in approvals:
                    first_approval = status
        last_status = events[-1][0]
        submitted = first[S.SUBMITTED]
        day = (submitted if submitted.tzinfo else submitted.replace(tzinfo=datetime.UTC)).astimezone(site_zone).date()
        month_start = months.get(day)
        if month_start is None:
            month_start = months[day] = day.replace(day=1)
        month = by_month[month_start]
        counts["requested"] += 1
        month["requested"] += 1
        first_answer = next((m for s, m in events if s in ANSWERS and m >= submitted), None)
        if first_approval is not None:
            counts["approved"] += 1
            month["approved"] += 1
            counts["approved_fully" if first_approval == S.APPROVED else "approved_partly"] += 1
        else:
            if S.DENIED in first:
                counts["denied"] += 1
                month["denied"] += 1
            if S.NO_RESPONSE in first:
                counts["no_response"] += 1
                month["no_response"] += 1
        if S.CANCELLED in first:
            counts["cancelled"] += 1
        if last_status == S.ON_HOLD:
            counts["on_hold"] += 1
        if first_answer is None:
            if last_status == S.SUBMITTED:
                counts["waiting"] += 1
        else:
            answer_waits.append(round((first_answer - submitted).total_seconds() / day_seconds, 1))
        dispatched = first.get(S.DISPATCHED)
        if dispatched is not None:
            counts["dispatched"] += 1
            if first_approval is not None:
                dispatch_waits.append(round((dispatched - first[first_approval]).total_seconds() / day_seconds, 1))
            outcome = next(((s, m) for s, m in events if s in OUTCOMES and m >= dispatched), None)
            if outcome is not None:
                outcome_waits.append(round((outcome[1] - dispatched).total_seconds() / day_seconds, 1))
                counts[outcome_keys[outcome[0]]] += 1
                if outcome[0] in delivered_statuses:
                    counts["delivered"] += 1
                    delivered_ids.add(convoy_id)
    funnel.steps = [(key, str(label), depth, counts[key]) for key, label, depth in STEPS]
    # People per request of the cohort, summed here: the requests delivered are known from their events above
    # (naming them back to the database would send it thousands of ids).
    planned = reached = 0
    for convoy_id, convoy_planned, convoy_reached in (
        ConvoyDestination.objects.filter(convoy_id__in=cohort)
        .values_list("convoy_id")
        .annotate(planned=Sum("planned_beneficiaries"), reached=Sum("reached_beneficiaries"))
        .order_by()
    ):
        planned += convoy_planned or 0
        if convoy_id in delivered_ids:
            reached += convoy_reached or 0
    funnel.planned = planned
    funnel.reached = reached
    funnel.stages = [
        (key, str(label), len(waits[key]), _median(waits[key]), percentile(waits[key], 0.9)) for key, label in STAGES
    ]
    funnel.months = [
        {
            "month": month.strftime("%Y-%m"),
            **figures,
            "rate": round(100 * figures["approved"] / figures["requested"], 1) if figures["requested"] else None,
        }
        for month, figures in sorted(by_month.items())
    ]
    funnel.removals, funnel.removals_count = _removals_ledger(visible, period)
    return funnel


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _removals_ledger(visible, period: Period) -> tuple[dict[str, list[dict]], int]:
    """Cargo removed at checkpoints in the period, grouped four ways; the share is of the quantity loaded on the
    cargo lines items were taken from (summed per unit, since kits and tonnes do not add up)."""
    removals = list(
        CheckpointRemoval.objects.filter(of_convoys(visible), removed_on__range=(period.start, period.end))
        .order_by("removed_on", "pk")
        .values_list(
            "quantity_removed",
            "place_name",
            "party__name",
            "cargo_line_id",
            "cargo_line__item",
            "cargo_line__sector",
            "cargo_line__unit",
            "cargo_line__quantity",
        )
    )
    sectors = {value: str(label) for value, label in Sector.choices}
    not_named = _("not named")
    groups = {
        "item": lambda r: r[4],
        "sector": lambda r: sectors.get(r[5], r[5]),
        "party": lambda r: r[2] if r[2] is not None else not_named,
        "place": lambda r: r[1],
    }
    ledger = {}
    for key, group_of in groups.items():
        totals: dict[tuple[str, str], dict] = {}
        for removal in removals:
            removed, _place, _party, line_id, _item, _sector, unit, loaded = removal
            row = totals.setdefault((group_of(removal), unit), {"removed": Decimal(0), "lines": {}, "removals": 0})
            row["removed"] += removed
            row["lines"][line_id] = loaded
            row["removals"] += 1
        rows = []
        for (group, unit), row in sorted(totals.items(), key=lambda item: (-item[1]["removed"], item[0])):
            loaded = sum(row["lines"].values(), Decimal(0))
            rows.append(
                {
                    "group": group,
                    "unit": unit,
                    "removed": _number(row["removed"]),
                    "loaded": _number(loaded),
                    "share": round(float(100 * row["removed"] / loaded), 1) if loaded else None,
                    "removals": row["removals"],
                }
            )
        ledger[key] = rows
    return ledger, len(removals)


def _number(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)
