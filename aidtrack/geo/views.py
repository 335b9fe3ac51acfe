"""Map layers over HTTP, revalidated by ETag and Last-Modified instead of downloaded again."""

from django.db.models import Count
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import condition, require_GET

from aidtrack.geo.layers import layer
from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.geo.state import current_edition

LEVELS = [level.value for level in AdminLevel]


def _etag(request, level):
    return f'"adm{level}-{current_edition().version}"'


def _last_modified(request, level):
    return current_edition().changed_at


@require_GET
@gzip_page
@condition(etag_func=_etag, last_modified_func=_last_modified)
def admin_layer(request, level: int):
    if level not in LEVELS:
        raise Http404(f"There is no admin level {level}; levels are {LEVELS[0]} to {LEVELS[-1]}.")
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
