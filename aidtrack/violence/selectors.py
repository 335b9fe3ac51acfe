"""Reading conflict events. They are public source data (ACLED publishes them), so every reader sees all of them."""

from django.db.models import Q, QuerySet

from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.violence.models import ConflictEvent

# The admin areas an event is placed in (the importer places points down to the sub-district, not in communities).
PLACED_LEVELS = {AdminLevel.GOVERNORATE: "admin1", AdminLevel.DISTRICT: "admin2", AdminLevel.SUBDISTRICT: "admin3"}


def conflict_events() -> QuerySet:
    return ConflictEvent.objects.all()


def conflict_events_in_area(queryset: QuerySet, area: AdminArea) -> QuerySet:
    """Events placed in this admin area, at any level down to the sub-district (a country matches all inside it)."""
    if area.level == AdminLevel.COUNTRY:
        return queryset.filter(admin1__parent=area)
    if area.level not in PLACED_LEVELS:
        raise ValueError(f"conflict events are placed in admin levels 0-3, not in level {area.level}")
    return queryset.filter(**{PLACED_LEVELS[area.level]: area})


def conflict_events_matching_text(queryset: QuerySet, text: str) -> QuerySet:
    """Words in either actor, the place name or the notes."""
    return queryset.filter(
        Q(actor1__icontains=text) | Q(actor2__icontains=text) | Q(location__icontains=text) | Q(notes__icontains=text)
    )
