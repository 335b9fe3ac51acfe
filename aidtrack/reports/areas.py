"""An area of the register as a page: its history, people, deliveries and the incidents around it.

Deliveries and incidents count only what the reader may see (the same rules as every other reader); incidents
"nearby" are those in the same sub-district (else district, else governorate), the level at which the public
sees a generalised incident, so the list places no incident more precisely than the reader may know.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aidtrack.agreements.selectors import Delivery, area_deliveries
from aidtrack.areas.models import Area
from aidtrack.areas.selectors import AreaFigures, area_figures
from aidtrack.convoys.models import ConvoyRequest
from aidtrack.convoys.selectors import convoy_visibility_q
from aidtrack.incidents.models import Incident
from aidtrack.incidents.selectors import (
    incident_as_read,
    incident_exact_location_q,
    incident_generalised_to,
    incident_visibility_q,
)
from aidtrack.orgs.audience import Audience

NEARBY_LIMIT = 50
# What a row of the nearby list shows (``incident_rows``) and what ``incident_as_read`` decides it by.
NEARBY_COLUMNS = (
    "reference",
    "occurred_on",
    "title",
    "kind",
    "category",
    "public_summary",
    "location_name",
    "publish_exact_location",
    "organization_id",
    "perpetrator__name",
    "perpetrator__name_ar",
    *(f"{level}__{name}" for level in ("admin1", "admin2", "admin3") for name in ("name_en", "name_ar")),
)


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
    area: Area
    day: datetime.date
    figures: AreaFigures
    periods: list = field(default_factory=list)
    timeline: list[TimelineSegment] = field(default_factory=list)
    timeline_start: datetime.date | None = None
    deliveries: list[tuple[Delivery, int | None]] = field(default_factory=list)  # with days since the one before
    nearby: list = field(default_factory=list)
    nearby_level: str = ""


def areas_for_pages():
    return Area.objects.select_related("governorate", "admin2", "admin3").defer(
        "governorate__geometry", "admin2__geometry", "admin3__geometry"
    )


def area_page(area: Area, *, audience: Audience, day: datetime.date, width: int = 600) -> AreaPage:
    periods = list(area.status_periods.select_related("organization").order_by("start_date"))
    page = AreaPage(area, day, area_figures(area, day, audience=audience, periods=periods), periods)
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
    incidents = Incident.objects.filter(incident_visibility_q(audience))
    convoys = ConvoyRequest.objects.filter(convoy_visibility_q(audience))
    previous = None
    for delivery in area_deliveries([area], day, audience.is_public, incidents, convoys):
        page.deliveries.append((delivery, (delivery.day - previous).days if previous else None))
        previous = delivery.day
    page.deliveries.reverse()
    for level, column in ((_("sub-district"), "admin3"), (_("district"), "admin2"), (_("governorate"), "governorate")):
        place = getattr(area, column)
        if place is not None:
            field_name = "admin1" if column == "governorate" else column
            near = Q(**{field_name: place}) | (Q(area=area) & incident_exact_location_q(audience))
            # The list shows no point and no convoy: of ``incidents_visible_to``'s annotations it needs only the
            # level a place is generalised to (the others are a subquery and joins for every matching incident).
            rows = (
                Incident.objects.filter(incident_visibility_q(audience), near, occurred_on__lte=day)
                .annotate(generalised_to=incident_generalised_to(audience))
                .select_related("admin1", "admin2", "admin3", "perpetrator")
                .only(*NEARBY_COLUMNS)
                .order_by("-occurred_on", "-pk")[:NEARBY_LIMIT]
            )
            page.nearby = [incident_as_read(incident, audience) for incident in rows]
            page.nearby_level = _("%(level)s: %(place)s") % {"level": level, "place": place.name}
            break
    return page
