"""Tasks of the operations app: rendering the public lists after a change of the data.

All three are idempotent (they only put rendered lists in the shared cache, each entry written whole), so they are
retried: after the database comes back (``aidtrack.jobs.retry``), and when their worker was killed
(``aidtrack.jobs.runs.sweep_stale_runs``).
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import validate_host
from django.utils import translation
from django_tasks import task

from aidtrack.jobs.retry import retried

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
        (incidents, geojson),
        (reverse("api:area-list") + "?format=geojson", geojson),
        (reverse("api:convoy-list") + "?format=geojson", geojson),
        (reverse("api:agreement-list") + "?page_size=100", "application/json"),
        (reverse("geo:layers"), "*/*"),
    ]
    levels = AdminArea.objects.filter(geometry__isnull=False, level__lte=AdminLevel.SUBDISTRICT)
    for level in sorted(set(levels.values_list("level", flat=True))):
        urls.append((reverse("geo:admin-layer", args=[level]), "*/*"))
    return urls


def public_address() -> tuple[str, bool]:
    """The host and scheme readers use (``AIDTRACK_SITE_URL``), which the lists' links (a page's "next") name and
    their cache keys hold; the first host this site answers to where that address is not one of them."""
    site = urlsplit(settings.AIDTRACK_SITE_URL)
    if site.netloc and validate_host(site.hostname or "", settings.ALLOWED_HOSTS):
        return site.netloc, site.scheme == "https"
    for host in settings.ALLOWED_HOSTS:
        if host and "*" not in host:
            return host.lstrip("."), False
    return "localhost", False


def render(client, url: str, accept: str, language: str, warming: str, address: str = "") -> int:
    """Ask for one public list as an anonymous reader would; the cache middleware keeps what it renders."""
    headers = {"HTTP_ACCEPT": accept} if accept else {}  # a reader that sent none (an empty one is refused)
    if address:  # the reader's own, e.g. "https://access.example.org"
        host, secure = urlsplit(address).netloc, address.startswith("https:")
    else:
        host, secure = public_address()
    # The request activates the reader's language in this thread; the worker's next task must not inherit it.
    with translation.override(translation.get_language()):
        return client.get(
            url,
            HTTP_ACCEPT_ENCODING="gzip",
            HTTP_ACCEPT_LANGUAGE=language,
            HTTP_HOST=host,
            secure=secure,
            **headers,
            **{"aidtrack.warming": warming},
        ).status_code


@task()
@retried
def precompute_public_lists(*, version: str, attempt: int = 1) -> int:
    """Render the map's lists for data version ``version``, in every language, into the shared cache; returns how
    many were stored. A list a reader's refresh is rendering already is left to it."""
    from django.test import Client

    from aidtrack.ops import versions
    from aidtrack.ops.public_cache import WARM_IF_UNCLAIMED

    stored = 0
    client = Client(enforce_csrf_checks=True)
    versions.forget_memo()  # this worker's memo may hold the version before the one it was queued for
    for language, _ in settings.LANGUAGES:
        for url, accept in map_urls():
            if versions.data_version() != version:
                return stored  # newer data: its own task renders it
            stored += render(client, url, accept, language, WARM_IF_UNCLAIMED) == 200
    logger.info("Precomputed %s public lists for data version %s", stored, version)
    return stored


# A reader is waiting on this one (with the list as it was): before any precomputation of lists nobody asked for.
@task(priority=50)
@retried
def refresh_public_list(
    *, url: str, accept: str, language: str, version: str, address: str = "", attempt: int = 1
) -> bool:
    """Render one public list that a reader asked for after a change (and was given the list as it was)."""
    from django.test import Client

    from aidtrack.ops import versions
    from aidtrack.ops.public_cache import WARM_CLAIMED

    versions.forget_memo()
    if versions.data_version() != version:
        return False  # newer data: the next reader asks for that
    return render(Client(enforce_csrf_checks=True), url, accept, language, WARM_CLAIMED, address) == 200


@task(priority=40)
@retried
def check_data_version(*, attempt: int = 1) -> str:
    """Read the data version from the database (queued a moment after a write): a new one queues
    ``precompute_public_lists``."""
    from aidtrack.ops import versions

    return versions.refresh_version()
