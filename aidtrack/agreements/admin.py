from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from aidtrack.agreements.models import Agreement, AgreementCondition


class ConditionInline(admin.StackedInline):
    model = AgreementCondition
    extra = 0
    autocomplete_fields = ("areas",)


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ("name", "starts_at", "ends_at", "brokers")
    search_fields = ("name", "brokers", "summary")
    autocomplete_fields = ("areas", "governorates", "excluded_parties")
    date_hierarchy = "starts_at"
    inlines = [ConditionInline]
