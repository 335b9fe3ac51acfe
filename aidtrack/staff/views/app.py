"""The staff screens as an installable app: its manifest, its service worker, and a sign-out that clears the device.

The service worker keeps the offline shell (the pages a reporter needs, scripts, styles, boundaries and the
community gazetteer) so that the incident form and its picker open with no connection; reports typed
offline wait in the device's outbox (staff/outbox.js) and are sent through the usual form and service.
"""

import hashlib
import json

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

# Static files the offline pages need (the picker's Leaflet, our scripts and styles, the app's icons).
SHELL_STATIC = [
    "web/site.css",
    "web/favicon.svg",
    "staff/staff.css",
    "staff/app.js",
    "staff/outbox.js",
    "staff/map-picker.js",
    "staff/map-context.js",
    "staff/place-search.js",
    "staff/gazetteer.js",
    "web/i18n.js",
    "staff/icons/icon-192.png",
    "leaflet/leaflet.css",
    "leaflet/leaflet.js",
]


def shell_pages() -> list[str]:
    """Pages kept for offline use: the dashboard (with the outbox) and the incident form."""
    return [reverse("staff:dashboard"), reverse("staff:incident_create")]


def shell_data() -> list[str]:
    """Data the offline pages read: boundaries, gazetteer, towns, rivers, roads, and the scripts' translations."""
    layers = [reverse("geo:admin-layer", args=[level]) for level in (1, 2, 3)]
    context = [reverse("geo:communities"), reverse("geo:towns"), reverse("geo:rivers"), reverse("geo:roads")]
    return [*layers, *context, reverse("javascript-catalog")]


@require_GET
def service_worker(request):
    """The service worker, served from the site's root so that its scope may cover /staff/."""
    assets = [static(name) for name in SHELL_STATIC]
    # STATIC_URL, not static(""): the manifest storage has no entry for the folder itself.
    shell = {"static": assets, "pages": shell_pages(), "data": shell_data(), "staticPrefix": settings.STATIC_URL}
    # The worker's bytes change when a static file's hashed name does, so browsers install the new shell.
    version = hashlib.sha256(json.dumps(shell, sort_keys=True).encode()).hexdigest()[:12]
    script = f"const SHELL = {json.dumps(shell)};\nconst VERSION = {json.dumps(version)};\n" + (
        _service_worker_source()
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("staff:dashboard")
    return response


def _service_worker_source() -> str:
    from django.contrib.staticfiles import finders

    with open(finders.find("staff/service-worker.js"), encoding="utf-8") as source:
        return source.read()


@require_GET
def manifest(request):
    """The web app manifest: installs the staff screens with their own icon, opening on the dashboard."""
    icons = [
        {"src": static("staff/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("staff/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("staff/icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": static("web/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]
    data = {
        "name": _("aidtrack staff"),
        "short_name": "aidtrack",
        "description": _("Report incidents and convoy steps, with or without a connection."),
        "lang": get_language(),
        "dir": "rtl" if get_language_bidi() else "ltr",
        "start_url": reverse("staff:dashboard"),
        "scope": reverse("staff:dashboard"),
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#1d2330",
        "icons": icons,
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


class LogoutView(auth_views.LogoutView):
    """Signing out clears what this site stored on the device: cached pages, the outbox, the service worker.

    On a shared device the next person must not read the previous one's pages or unsent reports. The
    page's script clears them too (and warns first when reports are still waiting); this header is for
    browsers that ran no script.
    """

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
