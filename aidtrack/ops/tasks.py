"""Tasks of the operations app: precomputing the public lists after a change of the data."""

import logging

from django.conf import settings
from django_tasks import task

logger = logging.getLogger("aidtrack.versions")


def map_urls() -> list[tuple[str, str]]:
    """The lists (URL, Accept header) the public map opens with, as aidtrack/web/static/web/map/main.js asks."""
    from django.urls import reverse

    from aidtrack.geo.models import AdminArea, AdminLevel

    geojson = "application/geo+json"
    incidents = (
        reverse("api:incident-list") + "?format=geojson&fields=" + ",".join(settings.AIDTRACK_MAP_INCIDENT_FIELDS)
    )
    urls = [
        (reverse("api:area-list") + "?format=geojson", geojson),
        (reverse("api:convoy-list") + "?format=geojson", geojson),
        (incidents, geojson),
        (reverse("api:agreement-list") + "?page_size=100", "application/json"),
        (reverse("geo:layers"), "*/*"),
    ]
    levels = AdminArea.objects.filter(geometry__isnull=False, level__lte=AdminLevel.SUBDISTRICT)
    for level in sorted(set(levels.values_list("level", flat=True))):
        urls.append((reverse("geo:admin-layer", args=[level]), "*/*"))
    return urls


def own_host() -> str:
    """A host name this site answers to (the lists' links, e.g. a page's "next", name it)."""
    for host in settings.ALLOWED_HOSTS:
        if host and "*" not in host:
            return host.lstrip(".")
    return "localhost"


@task()
def precompute_public_lists(*, version: str) -> int:
    """Render the map's lists for data version ``version`` into the shared cache; returns how many were stored."""
    from django.test import Client

    from aidtrack.ops import versions
    from aidtrack.ops.public_cache import WARMING

    stored = 0
    client = Client(enforce_csrf_checks=True)
    host = own_host()
    for url, accept in map_urls():
        if versions.data_version() != version:
            return stored  # newer data: its own task renders it
        response = client.get(url, HTTP_ACCEPT=accept, HTTP_ACCEPT_ENCODING="gzip", HTTP_HOST=host, **{WARMING: True})
        stored += response.status_code == 200
    logger.info("Precomputed %s public lists for data version %s", stored, version)
    return stored
