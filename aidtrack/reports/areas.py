"""An area of the register as a page: its history, people, deliveries and the incidents around it.

Deliveries and incidents count only what the reader may see (the same rules as every other reader); incidents
"nearby" are those in the same sub-district (else district, else governorate), the level at which the public
sees a generalised incident, so the list places no incident more precisely than the reader may know.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import BigIntegerField, DateField, Q
from django.utils.translation import gettext_lazy as _

from aidtrack.agreements.selectors import Delivery, deliveries_from
from aidtrack.areas.models import Area, StatusPeriod
from aidtrack.areas.selectors import AreaFigures, area_figures, area_records
from aidtrack.geo.models import AdminArea
from aidtrack.incidents.models import Incident
from aidtrack.incidents.selectors import incident_exact_location_q, incident_lines_reused, incident_visibility_q
from aidtrack.names import in_language
from aidtrack.ops.reused_sql import Slot, reused_records, reused_rows
from aidtrack.orgs.audience import Audience
from aidtrack.orgs.models import Party

NEARBY_LIMIT = 50


@dataclass(frozen=True)
class TimelineSegment:
    status: str
    label: str
    start: datetime.date
    end: datetime.date | None
    x: float
    width: float


@dataclass
class AreaPage:
    day: datetime.date
    figures: AreaFigures
    periods: list = field(default_factory=list)
    besieging_parties: list[str] = field(default_factory=list)  # as the reader's language names them
    communities: list[tuple[str, str]] = field(default_factory=list)  # name, P-code
    timeline: list[TimelineSegment] = field(default_factory=list)
    timeline_start: datetime.date | None = None
    deliveries: list[tuple[Delivery, int | None]] = field(default_factory=list)  # with days since the one before
    nearby: list = field(default_factory=list)  # IncidentLine
    nearby_level: str = ""


def areas_for_pages():
    """Areas with what their pages show of them: not their outline, nor the outlines of the places they lie in."""
    return Area.objects.select_related("governorate", "admin2", "admin3").only(
        "name_en",
        "name_ar",
        "latitude",
        "longitude",
        "population",
        "population_date",
        "population_source",
        *(f"{place}__{name}" for place in ("governorate", "admin2", "admin3") for name in ("name_en", "name_ar")),
    )


def area_for_page(pk: int) -> Area | None:
    """The area ``areas_for_pages`` reads, or None: its SQL compiled once per process (every area is public)."""
    found = reused_records(
        ("area for its page",), lambda: areas_for_pages().filter(pk=Slot("area", BigIntegerField())), area=pk
    )
    return found[0] if found else None


def area_page(area: Area, *, audience: Audience, day: datetime.date, width: int = 600) -> AreaPage:
    periods = reused_records(
        ("area status periods",),
        lambda: (
            StatusPeriod.objects.filter(area_id=Slot("area", BigIntegerField()))
            .select_related("organization")
            .order_by("start_date")
        ),
        area=area.pk,
    )
    records = area_records(area, day, audience=audience)
    page = AreaPage(day, area_figures(area, day, audience=audience, periods=periods, records=records), periods)
    # Fixed-shape queries: their SQL is compiled once per process, the area bound when they run.
    page.besieging_parties = [
        in_language(name, name_ar)
        for name, name_ar in reused_rows(
            ("area besieging parties",),
            lambda: (
                Party.objects.filter(besieged_areas=Slot("area", BigIntegerField()))
                .order_by("name")
                .values_list("name", "name_ar")
            ),
            area=area.pk,
        )
    ]
    page.communities = [
        (in_language(name_en, name_ar), pcode)
        for pcode, name_en, name_ar in reused_rows(
            ("area communities",),
            lambda: (
                AdminArea.objects.filter(register_areas=Slot("area", BigIntegerField()))
                .order_by("level", "pcode")
                .values_list("pcode", "name_en", "name_ar")
            ),
            area=area.pk,
        )
    ]
    if periods:
        first = periods[0].start_date
        span = max((day - first).days, 1)
        page.timeline_start = first
        for period in periods:
            if period.start_date > day:
                continue
            end = min(period.end_date or day, day)
            page.timeline.append(
                TimelineSegment(
                    period.status,
                    period.get_status_display(),
                    period.start_date,
                    period.end_date,
                    round(width * (period.start_date - first).days / span, 1),
                    max(round(width * (end - period.start_date).days / span, 1), 1),
                )
            )
    # Each delivery event once per destination of its convoy in the area, as ``area_deliveries`` lists them.
    events: dict[int, list] = {}
    for convoy_id, moment, status in records.delivered:
        events.setdefault(convoy_id, []).append((moment, status))
    delivered = [
        (area.pk, moment, convoy_id, reference, status)
        for convoy_id, _planned, _reached, _status, reference in records.destinations
        for moment, status in events.get(convoy_id, ())
    ]
    access = [(pk, area.pk, occurred_on, title, status) for pk, occurred_on, title, status in records.access]
    previous = None
    for delivery in deliveries_from(access, delivered, day, audience.is_public):
        page.deliveries.append((delivery, (delivery.day - previous).days if previous else None))
        previous = delivery.day
    page.deliveries.reverse()
    for level, column in ((_("sub-district"), "admin3"), (_("district"), "admin2"), (_("governorate"), "governorate")):
        place = getattr(area, column)
        if place is not None:
            field_name = "admin1" if column == "governorate" else column
            # The list shows no point and no convoy: its rows are read as ``incident_lines``, not as records.
            page.nearby = incident_lines_reused(
                ("area nearby", field_name),
                lambda field_name=field_name: Incident.objects.filter(
                    incident_visibility_q(audience),
                    Q(**{f"{field_name}_id": Slot("place", BigIntegerField())})
                    | (Q(area_id=Slot("area", BigIntegerField())) & incident_exact_location_q(audience)),
                    occurred_on__lte=Slot("day", DateField()),
                ).order_by("-occurred_on", "-pk")[:NEARBY_LIMIT],
                audience,
                place=place.pk,
                area=area.pk,
                day=day,
            )
            page.nearby_level = _("%(level)s: %(place)s") % {"level": level, "place": place.name}
            break
    return page
