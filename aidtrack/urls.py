"""URL routes of aidtrack."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from aidtrack.ops import views as ops

admin.site.site_header = "aidtrack administration"
admin.site.site_title = "aidtrack"
admin.site.index_title = "Records and reference data"

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
    path("staff/", include("aidtrack.staff.urls")),
    path("geo/", include("aidtrack.geo.urls")),
    path("api/", include("aidtrack.api.urls")),
    path("", include("aidtrack.web.urls")),
]
