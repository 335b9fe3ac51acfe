"""The sign-in and download log in the admin, read-only: it records what happened and is never edited.

Lockouts are in django-axes' "Access attempts": deleting one unlocks that username and address.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from aidtrack.accounts.models import AccountEvent, ExportEvent, Profile


class ReadOnlyLogAdmin(admin.ModelAdmin):
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyLogAdmin):
    list_display = ["at", "kind", "username", "ip_address", "user_agent", "detail", "by"]
    list_filter = ["kind"]
    search_fields = ["username", "ip_address", "detail"]
    list_select_related = ["by"]


@admin.register(ExportEvent)
class ExportEventAdmin(ReadOnlyLogAdmin):
    list_display = ["at", "username", "path", "format", "rows", "ip_address"]
    list_filter = ["format"]
    search_fields = ["username", "path", "ip_address"]


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


# Django's own user admin, with the account's language under it.
admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class AccountAdmin(UserAdmin):
    inlines = [ProfileInline]
