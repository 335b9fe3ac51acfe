from django.contrib import admin

from aidtrack.exchange.models import ColumnMapping


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "kind", "updated_by", "updated_at"]
    list_filter = ["kind", "organization"]
    search_fields = ["name"]
