"""URL routes of aidtrack."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "aidtrack administration"
admin.site.site_title = "aidtrack"
admin.site.index_title = "Records and reference data"

urlpatterns = [
    # The admin signs in and changes passwords through the staff pages, the one door with lockout, two-factor
    # sign-in and the sign-in log (README, "Sign-in and security").
    path("admin/login/", RedirectView.as_view(pattern_name="staff:login", query_string=True)),
    path("admin/password_change/", RedirectView.as_view(pattern_name="staff:password_change")),
    path("admin/", admin.site.urls),
    path("staff/", include("aidtrack.staff.urls")),
    path("geo/", include("aidtrack.geo.urls")),
    path("api/", include("aidtrack.api.urls")),
    path("alerts/", include("aidtrack.alerts.urls")),
    path("", include("aidtrack.web.urls")),
]
