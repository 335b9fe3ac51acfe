"""URL routes of aidtrack."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "aidtrack administration"
admin.site.site_title = "aidtrack"
admin.site.index_title = "Records and reference data"

urlpatterns = [
    path("admin/", admin.site.urls),
    # A sign-in page for API users who are not staff (the admin's sign-in is for staff only).
    path("api/v1/auth/", include("rest_framework.urls")),
    path("api/", include("aidtrack.api.urls")),
    path("", include("aidtrack.web.urls")),
]
