from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from aidtrack.admin_mixins import VersionedAdminForm, report_service_errors
from aidtrack.convoys.models import (
    CargoLine,
    CheckpointRemoval,
    ConvoyDestination,
    ConvoyEvent,
    ConvoyRequest,
    ConvoyStatus,
)
from aidtrack.convoys.services import allowed_transitions, convoy_register_new, convoy_transition


class ConvoyRequestForm(VersionedAdminForm):
    transition_to = forms.ChoiceField(
        label=_("Change status to"),
        required=False,
        help_text=_("Only the transitions the convoy lifecycle allows from its current status are offered."),
    )
    transition_note = forms.CharField(
        label=_("Note for the status change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when a convoy is denied, put on hold, cancelled, blocked or attacked."),
    )

    class Meta:
        model = ConvoyRequest
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "— no change —")]
        if self.instance.pk:
            choices += [(s, ConvoyStatus(s).label) for s in allowed_transitions(self.instance)]
        self.fields["transition_to"].choices = choices


class DestinationInline(admin.TabularInline):
    model = ConvoyDestination
    extra = 0
    autocomplete_fields = ("area", "community")


class CargoLineInline(admin.TabularInline):
    model = CargoLine
    extra = 0


class EventInline(admin.TabularInline):
    """Events are written by the status service only; the admin shows them."""

    model = ConvoyEvent
    extra = 0
    can_delete = False
    fields = ("occurred_at", "from_status", "to_status", "recorded_by", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class RemovalInline(admin.TabularInline):
    model = CheckpointRemoval
    extra = 0
    can_delete = False
    fields = ("removed_on", "cargo_line", "quantity_removed", "place_name", "party", "reason", "incident")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ConvoyRequest)
class ConvoyRequestAdmin(SimpleHistoryAdmin):
    form = ConvoyRequestForm
    list_display = ("reference", "lead_organization", "modality", "status", "plan_month", "trucks", "requested_date")
    list_filter = ("status", "modality", "lead_organization", "plan_month", "visibility")
    search_fields = (
        "reference",
        "title",
        "origin_name",
        "notes",
        "destinations__area__name_en",
        "destinations__community__name_en",
    )
    autocomplete_fields = ("lead_organization", "partner_organizations", "origin_area")
    readonly_fields = ("status", "version", "created_by", "created_at", "updated_at")
    list_select_related = ("lead_organization",)
    date_hierarchy = "plan_month"
    inlines = [DestinationInline, CargoLineInline, EventInline, RemovalInline]
    fieldsets = (
        (
            None,
            {"fields": ("reference", "title", "lead_organization", "partner_organizations", "modality", "visibility")},
        ),
        ("Status", {"fields": ("status", "transition_to", "transition_note")}),
        (
            "Route and plan",
            {
                "fields": (
                    "origin_name",
                    "origin_area",
                    ("origin_latitude", "origin_longitude"),
                    "plan_month",
                    "requested_date",
                    "planned_date",
                    "trucks",
                )
            },
        ),
        (None, {"fields": ("notes", "expected_version", "version", "created_by", "created_at", "updated_at")}),
    )

    def save_model(self, request, obj, form, change):
        if not change:
            convoy_register_new(convoy=obj, by=request.user)
            return
        obj._history_user = request.user
        obj.version += 1
        obj.save()
        target = form.cleaned_data.get("transition_to")
        if target:
            report_service_errors(
                self,
                request,
                lambda: convoy_transition(
                    convoy=obj, to_status=target, by=request.user, note=form.cleaned_data.get("transition_note", "")
                ),
                f"Convoy {obj} is now {ConvoyStatus(target).label.lower()}.",
            )
            obj.refresh_from_db()


@admin.register(ConvoyEvent)
class ConvoyEventAdmin(admin.ModelAdmin):
    list_display = ("convoy", "from_status", "to_status", "occurred_at", "recorded_by")
    list_filter = ("to_status",)
    search_fields = ("convoy__reference", "note")
    list_select_related = ("convoy", "recorded_by")
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CheckpointRemoval)
class CheckpointRemovalAdmin(SimpleHistoryAdmin):
    list_display = ("convoy", "cargo_line", "quantity_removed", "place_name", "party", "removed_on", "incident")
    list_filter = ("party", "removed_on")
    search_fields = ("convoy__reference", "place_name", "cargo_line__item", "reason")
    list_select_related = ("convoy", "cargo_line", "party", "incident")
    readonly_fields = ("convoy", "cargo_line", "quantity_removed", "removed_on", "incident", "recorded_by")

    def has_add_permission(self, request):
        # A removal must also create its obstruction incident: record it through the service.
        return False
