"""API tokens in the admin: site admins see who has which token and may revoke one; nobody makes one here."""

from django.contrib import admin

from aidtrack.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        # A key is shown once, to its owner, when made through the API.
        return False

    def has_change_permission(self, request, obj=None):
        return False
