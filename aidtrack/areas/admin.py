from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from aidtrack.admin_mixins import VersionedAdminForm, report_service_errors
from aidtrack.areas.models import AccessStatus, Area, StatusPeriod
from aidtrack.areas.services import area_assign_admin_areas, area_set_status
from aidtrack.orgs.models import Organization


class AreaForm(VersionedAdminForm):
    new_status = forms.ChoiceField(
        label=_("Record a status change"),
        required=False,
        choices=[("", "— no change —"), *AccessStatus.choices],
        help_text=_("Closes the current period on the start date and opens a new one."),
    )
    new_status_start = forms.DateField(label=_("from"), required=False)
    new_status_source = forms.CharField(label=_("source"), required=False)
    new_status_organization = forms.ModelChoiceField(
        Organization.objects.all(), label=_("recorded for"), required=False
    )

    class Meta:
        model = Area
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_status"):
            for name in ("new_status_start", "new_status_source"):
                if not cleaned.get(name):
                    self.add_error(name, _("Needed to record a status change."))
        return cleaned


class StatusPeriodInline(admin.TabularInline):
    """Periods are changed through the status service so that they never overlap."""

    model = StatusPeriod
    extra = 0
    can_delete = False
    fields = ("status", "start_date", "end_date", "source", "organization", "recorded_by", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    form = AreaForm
    list_display = ("name_en", "name_ar", "governorate", "current_status", "population", "population_date")
    list_filter = ("status_periods__status", "governorate", "besieging_parties")
    search_fields = ("name_en", "name_ar", "communities__pcode", "communities__name_en")
    autocomplete_fields = ("communities", "governorate", "besieging_parties")
    readonly_fields = ("admin2", "admin3", "placement_problem", "version", "created_at", "updated_at")
    inlines = [StatusPeriodInline]
    fieldsets = (
        (None, {"fields": ("name_en", "name_ar", "governorate", "communities", "besieging_parties")}),
        ("Location", {"fields": (("latitude", "longitude"), ("admin2", "admin3"), "placement_problem", "geometry")}),
        ("Population", {"fields": ("population", "population_date", "population_source")}),
        ("Status", {"fields": ("new_status", "new_status_start", "new_status_source", "new_status_organization")}),
        (None, {"fields": ("notes", "expected_version", "version", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("governorate").prefetch_related("status_periods")

    @admin.display(description=_("current status"))
    def current_status(self, area):
        current = next((p for p in area.status_periods.all() if p.end_date is None), None)
        return current.get_status_display() if current else "—"

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1
        area_assign_admin_areas(obj)
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        data = form.cleaned_data
        if data.get("new_status"):
            report_service_errors(
                self,
                request,
                lambda: area_set_status(
                    area=form.instance,
                    status=data["new_status"],
                    start_date=data["new_status_start"],
                    source=data["new_status_source"],
                    organization=data.get("new_status_organization"),
                    by=request.user,
                ),
                f"{form.instance} is {AccessStatus(data['new_status']).label.lower()} from {data['new_status_start']}.",
            )


@admin.register(StatusPeriod)
class StatusPeriodAdmin(SimpleHistoryAdmin):
    """For site admins correcting the history; model validation refuses overlapping periods."""

    list_display = ("area", "status", "start_date", "end_date", "source", "organization")
    list_filter = ("status", "organization")
    search_fields = ("area__name_en", "source", "note")
    autocomplete_fields = ("area",)
    list_select_related = ("area", "organization")
    date_hierarchy = "start_date"
