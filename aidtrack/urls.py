"""URL routes of aidtrack."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "aidtrack administration"
admin.site.site_title = "aidtrack"
admin.site.index_title = "Records and reference data"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("staff/", include("aidtrack.staff.urls")),
    path("geo/", include("aidtrack.geo.urls")),
    path("api/", include("aidtrack.api.urls")),
    path("", include("aidtrack.web.urls")),
]
