"""URL routes of aidtrack."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from aidtrack.ops import views as ops
from aidtrack.staff.views.app import service_worker
from aidtrack.web.i18n import set_language

admin.site.site_header = _("aidtrack administration")
admin.site.site_title = "aidtrack"
admin.site.index_title = _("Records and reference data")

# An unreachable database answers 503 (page or JSON), and the API's other failures answer JSON.
handler500 = "aidtrack.ops.views.server_error"

urlpatterns = [
    # Liveness (the process answers) and readiness (database, cache and job queue answer) for load balancers.
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    # The admin signs in and changes passwords through the staff pages, the one door with lockout, two-factor
    # sign-in and the sign-in log (README, "Sign-in and security").
    path("admin/login/", RedirectView.as_view(pattern_name="staff:login", query_string=True)),
    path("admin/password_change/", RedirectView.as_view(pattern_name="staff:password_change")),
    path("admin/", admin.site.urls),
    # The language switch of every page, and the JavaScript strings of the map, the picker and the staff scripts
    # (gettext() in JS), for the request's language.
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # The staff app's service worker: at the root, so that its scope may cover /staff/.
    path("sw.js", service_worker, name="service-worker"),
    path("staff/", include("aidtrack.staff.urls")),
    path("geo/", include("aidtrack.geo.urls")),
    path("api/", include("aidtrack.api.urls")),
    path("", include("aidtrack.reports.urls")),
    path("alerts/", include("aidtrack.alerts.urls")),
    path("", include("aidtrack.web.urls")),
]
