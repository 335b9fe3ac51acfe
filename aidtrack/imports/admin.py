"""The admin of import runs (records, not editable) and of saved column mappings."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from aidtrack.imports.models import ColumnMapping, ImportRun


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

    @admin.display(description="counts")
    def count_summary(self, run):
        return ", ".join(f"{value} {key}" for key, value in run.counts.items()) or "—"

    @admin.display(description="problems")
    def problem_summary(self, run):
        return f"{run.error_count} error(s), {run.warning_count} warning(s)" if run.problems else "none"

    @admin.display(description="problems found")
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


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "kind", "updated_by", "updated_at"]
    list_filter = ["kind", "organization"]
    search_fields = ["name"]
