"""Small JSON endpoints the staff forms use: admin areas of a point, and community search."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.utils.translation import gettext as _

from aidtrack.geo.models import AdminArea
from aidtrack.geo.services import place_point, placement_of_area
from aidtrack.staff.search import search_communities


def _area(area: AdminArea | None) -> dict | None:
    if area is None:
        return None
    return {"pcode": area.pcode, "name_en": area.name_en, "name_ar": area.name_ar, "level": area.level}


@login_required
def place(request):
    """The governorate, district, sub-district and nearest community of ``lat``/``lon`` (or of ``pcode``)."""
    pcode = request.GET.get("pcode", "").strip().upper()
    if pcode:
        area = AdminArea.objects.filter(pcode=pcode).first()
        if area is None:
            return JsonResponse({"error": _("No admin area has the P-code %(pcode)s.") % {"pcode": pcode}}, status=404)
        placement = placement_of_area(area)
    else:
        try:
            lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
        except (KeyError, ValueError):
            return JsonResponse(
                {"error": _("Give lat and lon as decimal degrees, e.g. lat=33.69&lon=36.10.")}, status=400
            )
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return JsonResponse(
                {"error": _("Latitude is between -90 and 90, longitude between -180 and 180.")}, status=400
            )
        placement = place_point(lat, lon)
    return JsonResponse(
        {
            "admin1": _area(placement.admin1),
            "admin2": _area(placement.admin2),
            "admin3": _area(placement.admin3),
            "community": _area(placement.community),
            # Why a point could not be placed, e.g. it lies outside every boundary.
            "problem": placement.problem,
        }
    )


@login_required
def communities(request):
    """Communities matching ``q`` (English or Arabic name, or P-code), best first."""
    matches = search_communities(request.GET.get("q", ""), limit=10)
    return JsonResponse(
        {
            "results": [
                {
                    **_area(m.area),
                    "label": f"{m.area.name_en} ({m.area.pcode})",
                    "parent": m.area.parent.name_en if m.area.parent else "",
                    "lat": m.area.centroid_lat,
                    "lon": m.area.centroid_lon,
                    "score": m.score,
                }
                for m in matches
            ]
        }
    )
