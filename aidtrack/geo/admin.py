from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from aidtrack.geo.models import AdminArea


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
