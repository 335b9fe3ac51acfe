from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from aidtrack.geo.models import AdminArea, ContextLayer


@admin.register(AdminArea)
class AdminAreaAdmin(SimpleHistoryAdmin):
    list_display = ("pcode", "name_en", "name_ar", "level", "parent", "population", "population_year", "has_geometry")
    list_filter = ("level", "population_year")
    search_fields = ("pcode", "name_en", "name_ar")
    autocomplete_fields = ("parent",)
    readonly_fields = ("centroid_lat", "centroid_lon", "min_lon", "min_lat", "max_lon", "max_lat", "updated_at")
    list_select_related = ("parent",)
    fieldsets = (
        (None, {"fields": ("pcode", "level", "name_en", "name_ar", "parent", "source")}),
        ("Population", {"fields": ("population", "population_year", "population_source")}),
        (
            "Geometry",
            {
                "fields": ("geometry", ("centroid_lat", "centroid_lon"), ("min_lon", "min_lat", "max_lon", "max_lat")),
                "classes": ("collapse",),
            },
        ),
        (None, {"fields": ("updated_at",)}),
    )

    @admin.display(boolean=True, description=_("geometry"))
    def has_geometry(self, area):
        return area.min_lon is not None

    def get_queryset(self, request):
        # The list never shows geometry; don't read megabytes of GeoJSON for it.
        return super().get_queryset(request).defer("geometry", "parent__geometry")


@admin.register(ContextLayer)
class ContextLayerAdmin(admin.ModelAdmin):
    """Roads loaded for the maps: listed and deleted here; loaded on the staff import page's roads tab (checked,
    then imported), which the list's "Load a roads file" button opens."""

    list_display = ("kind", "source", "licence", "features", "loaded_at", "loaded_by")
    fields = ("kind", "source", "licence", "attribution", "features", "kept", "version", "loaded_at", "loaded_by")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # a layer is added by loading a file (the staff page's roads tab, or the command)

    def has_change_permission(self, request, obj=None):
        return False  # its credits are written into the layer: load the file again to change them

    def get_urls(self):
        upload = path("upload/", self.admin_site.admin_view(self.upload_view), name="geo_contextlayer_upload")
        return [upload, *super().get_urls()]

    def upload_view(self, request):
        """Roads are loaded on the staff import page's roads tab, where the file is checked before anything is
        written and "Import this file" writes exactly the file checked; the admin's old address leads there."""
        return redirect(reverse("staff:import") + "?kind=roads")
