from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from aidtrack.geo.models import AdminArea, ImportRun


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


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Every import and bulk assignment, with its counts and problems; runs are records, not editable."""

    list_display = ("started_at", "kind", "source", "status", "started_by_name", "count_summary", "problem_summary")
    list_filter = ("kind", "status")
    search_fields = ("source", "summary", "started_by_name")
    date_hierarchy = "started_at"
    fields = (
        ("kind", "status"),
        "source",
        ("source_bytes", "source_sha256"),
        ("started_by", "started_by_name"),
        ("started_at", "finished_at"),
        ("rows_done", "rows_total"),
        "options",
        "count_summary",
        "summary",
        "problem_list",
    )
    readonly_fields = (
        "kind",
        "status",
        "source",
        "source_bytes",
        "source_sha256",
        "started_by",
        "started_by_name",
        "started_at",
        "finished_at",
        "rows_done",
        "rows_total",
        "options",
        "count_summary",
        "summary",
        "problem_list",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("counts"))
    def count_summary(self, run):
        return ", ".join(f"{value} {key}" for key, value in run.counts.items()) or "—"

    @admin.display(description=_("problems"))
    def problem_summary(self, run):
        return f"{run.error_count} error(s), {run.warning_count} warning(s)" if run.problems else "none"

    @admin.display(description=_("problems found"))
    def problem_list(self, run):
        if not run.problems:
            return "none"
        return format_html_join(
            mark_safe("<br>"),
            "<strong>{}</strong> {} {}: {}",
            (
                (
                    p.get("severity", "").upper(),
                    p.get("where", ""),
                    f"[{p['pcode']}]" if p.get("pcode") else "",
                    p.get("message", ""),
                )
                for p in run.problems
            ),
        )
