from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from aidtrack.admin_mixins import VersionedAdminForm, report_service_errors
from aidtrack.incidents.models import Incident, IncidentSource, VerificationStatus
from aidtrack.incidents.services import (
    REVIEW_OUTCOMES,
    SERVICE_FIELDS,
    incident_create,
    incident_review,
    incident_update,
)


class IncidentForm(VersionedAdminForm):
    review_outcome = forms.ChoiceField(
        label=_("Review"),
        required=False,
        choices=[("", "— no review —")] + [(o.value, o.label) for o in REVIEW_OUTCOMES],
        help_text=_("Only a reviewer of the reporting organization who did not report the incident may review it."),
    )
    review_note = forms.CharField(
        label=_("Review note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to dispute or reject."),
    )

    class Meta:
        model = Incident
        fields = "__all__"


class SourceInline(admin.TabularInline):
    model = IncidentSource
    extra = 0


class PlacementProblemFilter(admin.SimpleListFilter):
    title = "placement"
    parameter_name = "placement"

    def lookups(self, request, model_admin):
        return [("problem", "Outside every boundary or unplaced"), ("placed", "Placed")]

    def queryset(self, request, queryset):
        if self.value() == "problem":
            return queryset.exclude(placement_problem="")
        if self.value() == "placed":
            return queryset.filter(placement_problem="")
        return queryset


@admin.register(Incident)
class IncidentAdmin(SimpleHistoryAdmin):
    form = IncidentForm
    list_display = (
        "reference",
        "occurred_on",
        "title",
        "category",
        "kind",
        "admin1",
        "organization",
        "verification_status",
        "visibility",
    )
    list_filter = (
        "verification_status",
        "visibility",
        "kind",
        "category",
        "organization",
        ("admin1", admin.RelatedOnlyFieldListFilter),
        "perpetrator",
        "access_effect",
        PlacementProblemFilter,
    )
    search_fields = (
        "reference",
        "title",
        "public_summary",
        "location_name",
        "external_id",
        "admin3__name_en",
        "community__name_en",
        "convoy__reference",
    )
    autocomplete_fields = ("organization", "stated_area", "area", "convoy", "perpetrator")
    # What the services assign is shown, never edited; the organization is chosen once, on creation.
    readonly_fields = tuple(sorted(SERVICE_FIELDS - {"organization"}))
    list_select_related = ("organization", "admin1")
    date_hierarchy = "occurred_on"
    inlines = [SourceInline]
    actions = ["verify_selected"]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "reference",
                    "organization",
                    "reported_by",
                    "reported_at",
                    "external_id",
                    "kind",
                    "category",
                    "title",
                )
            },
        ),
        ("When", {"fields": (("occurred_on", "occurred_time", "date_precision"),)}),
        (
            "Where",
            {
                "fields": (
                    "location_name",
                    ("latitude", "longitude", "geo_precision"),
                    "stated_area",
                    "publish_exact_location",
                    ("admin1", "admin2", "admin3", "community"),
                    "placement_problem",
                    "area",
                    "convoy",
                )
            },
        ),
        ("Who and what", {"fields": ("perpetrator", "perpetrator_kind", "public_summary", "internal_description")}),
        (
            "Impact",
            {
                "fields": (
                    ("people_killed", "people_injured"),
                    ("aid_workers_killed", "aid_workers_injured", "aid_workers_abducted", "aid_workers_detained"),
                    ("vehicles_damaged", "beneficiaries_affected"),
                    "supplies_lost",
                    "access_effect",
                )
            },
        ),
        (
            "Review",
            {
                "fields": (
                    "visibility",
                    ("verification_status", "verified_by", "verified_at"),
                    "verification_note",
                    "review_outcome",
                    "review_note",
                )
            },
        ),
        (None, {"fields": ("expected_version", "version", "created_at", "updated_at")}),
    )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("organization")
        return fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        model_fields = {f.name for f in Incident._meta.fields}
        editable = [name for name in form.changed_data if name in model_fields]
        if not change:
            values = {name: data[name] for name in form.fields if name in model_fields and name != "organization"}
            created = incident_create(by=request.user, organization=data["organization"], **values)
            obj.pk = created.pk
            obj.refresh_from_db()
        elif editable:
            incident_update(
                incident=obj,
                by=request.user,
                expected_version=data.get("expected_version"),
                **{name: data[name] for name in editable},
            )
            obj.refresh_from_db()
        if data.get("review_outcome"):
            report_service_errors(
                self,
                request,
                lambda: incident_review(
                    incident=obj, by=request.user, outcome=data["review_outcome"], note=data.get("review_note", "")
                ),
                f"Incident {obj.reference} marked {data['review_outcome']}.",
            )
            obj.refresh_from_db()

    @admin.action(description=_("Verify selected incidents"))
    def verify_selected(self, request, queryset):
        for incident in queryset:
            report_service_errors(
                self,
                request,
                lambda incident=incident: incident_review(
                    incident=incident, by=request.user, outcome=VerificationStatus.VERIFIED
                ),
                f"Incident {incident.reference} verified.",
            )
