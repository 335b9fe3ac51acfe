"""What the public home page shows: only published (verified, public) records."""

import datetime
from dataclasses import dataclass

from django.db.models import Count

from aidtrack.areas.models import AccessStatus
from aidtrack.areas.selectors import people_by_status_on, register_on
from aidtrack.convoys.models import ConvoyRequest, ConvoyStatus
from aidtrack.convoys.selectors import convoy_visibility_q
from aidtrack.incidents.models import Category, Incident
from aidtrack.incidents.selectors import incident_visibility_q
from aidtrack.orgs.audience import PUBLIC


@dataclass
class Overview:
    day: datetime.date
    register: list
    people: dict
    convoys_by_status: list
    incidents_by_category: list
    latest_incidents: list


def public_incidents():
    return Incident.objects.filter(incident_visibility_q(PUBLIC))


def public_overview(day: datetime.date) -> Overview:
    people = people_by_status_on(day)
    register = [e for e in register_on(day) if e.status and e.status != AccessStatus.ACCESSIBLE]
    register.sort(key=lambda e: (list(AccessStatus.values).index(e.status), -(e.area.population or 0)))
    convoy_counts = dict(
        ConvoyRequest.objects.filter(convoy_visibility_q(PUBLIC)).values_list("status").annotate(n=Count("pk"))
    )
    incidents = public_incidents().filter(occurred_on__lte=day)
    category_counts = dict(incidents.values_list("category").annotate(n=Count("pk")))
    return Overview(
        day=day,
        register=register,
        people=[(AccessStatus(s).label, people[s]) for s in AccessStatus.values if s != AccessStatus.ACCESSIBLE],
        convoys_by_status=[
            (ConvoyStatus(s).label, convoy_counts[s]) for s in ConvoyStatus.values if s in convoy_counts
        ],
        incidents_by_category=[(c.label, category_counts[c.value]) for c in Category if c.value in category_counts],
        latest_incidents=list(incidents.select_related("admin1").order_by("-occurred_on", "-pk")[:10]),
    )
