"""Public pages: what anyone may see without signing in."""

import datetime

from django.conf import settings
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aidtrack.areas.models import AccessStatus
from aidtrack.convoys.models import ConvoyStatus
from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.incidents.models import AccessEffect, Category
from aidtrack.orgs.models import Organization, PartyType
from aidtrack.web.selectors import public_overview


def map_config(day: datetime.date) -> dict:
    """What the map's script needs to start: where to read, the words for every code, and the optional tiles."""
    return {
        "api": {
            "areas": reverse("api:area-list"),
            "convoys": reverse("api:convoy-list"),
            "incidents": reverse("api:incident-list"),
            "agreements": reverse("api:agreement-list"),
            "conflict": reverse("api:conflict-event-list"),
        },
        "layers": reverse("geo:layers"),
        "reports": {
            "chartUrl": reverse("reports:people_svg"),
            "reportUrl": reverse("reports:access_report"),
            "areaPages": reverse("reports:area_list"),
        },
        "tileUrl": settings.AIDTRACK_MAP_TILE_URL,
        "tileAttribution": settings.AIDTRACK_MAP_TILE_ATTRIBUTION,
        "today": timezone.localdate().isoformat(),
        "asOf": day.isoformat(),
        "labels": {
            "areaStatuses": dict(AccessStatus.choices),
            "convoyStatuses": dict(ConvoyStatus.choices),
            "categories": dict(Category.choices),
            "partyTypes": dict(PartyType.choices),
            "accessEffects": dict(AccessEffect.choices),
        },
    }


def home(request):
    day = timezone.localdate()
    requested = request.GET.get("as_of", "")
    error = ""
    if requested:
        try:
            day = datetime.date.fromisoformat(requested)
        except ValueError:
            error = _("“%(value)s” is not a date: use YYYY-MM-DD, e.g. 2016-09-19.") % {"value": requested}
    context = {
        "overview": public_overview(day),
        "as_of": day,
        "error": error,
        "convoy_attack_day": datetime.date(2016, 9, 19),
        "map_config": map_config(day),
        "area_statuses": AccessStatus.choices,
        "convoy_statuses": ConvoyStatus.choices,
        "categories": Category.choices,
        "governorates": AdminArea.objects.filter(level=AdminLevel.GOVERNORATE).order_by("name_en"),
        "organizations": Organization.objects.order_by("name"),
    }
    return render(request, "web/home.html", context)


def favicon(request):
    """Browsers ask for /favicon.ico on every page, the admin's included."""
    return redirect(static("web/favicon.svg"), permanent=True)
