from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from aidtrack.orgs.models import Membership, Organization, Party


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ("user",)


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "acronym", "kind", "member_count", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "acronym")
    inlines = [MembershipInline]

    @admin.display(description=_("members"))
    def member_count(self, organization):
        return organization.memberships.count()


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "organization", "role", "created_at")
    list_filter = ("role", "organization")
    search_fields = ("user__username", "user__email", "organization__name", "organization__acronym")
    autocomplete_fields = ("user", "organization")
    list_select_related = ("user", "organization")


@admin.register(Party)
class PartyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "short_name", "kind")
    list_filter = ("kind",)
    search_fields = ("name", "short_name")
