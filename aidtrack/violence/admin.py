from django.contrib import admin

from aidtrack.violence.models import ConflictEvent


@admin.register(ConflictEvent)
class ConflictEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "event_date", "event_type", "sub_event_type", "actor1", "location", "fatalities"]
    list_filter = ["event_type", "admin1"]
    search_fields = ["event_id", "location", "actor1", "notes"]
    date_hierarchy = "event_date"
    readonly_fields = ["admin1", "admin2", "admin3", "imported_at"]
