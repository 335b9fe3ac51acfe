"""Incident report and edit forms; saving goes through aidtrack.incidents.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aidtrack.incidents.models import IMPACT_FIELDS, Incident, Reliability, SourceType, VerificationStatus
from aidtrack.incidents.services import SourceInput
from aidtrack.orgs.models import Party
from aidtrack.staff.forms import DateInput, PlaceField
from aidtrack.staff.selectors import areas_for_staff, convoys_visible_to, writable_organizations

INCIDENT_FIELDS = [
    "kind",
    "category",
    "title",
    "occurred_on",
    "occurred_time",
    "date_precision",
    "location_name",
    "latitude",
    "longitude",
    "geo_precision",
    "stated_area",
    "publish_exact_location",
    "area",
    "convoy",
    "perpetrator",
    "perpetrator_text",
    "weapon",
    "public_summary",
    "internal_description",
    *IMPACT_FIELDS,
    "supplies_lost",
    "access_effect",
    "visibility",
    "external_id",
]


class IncidentForm(forms.ModelForm):
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=None, empty_label=None, help_text=_("Who reports it.")
    )
    stated_area = PlaceField(
        label=_("Community"),
        required=False,
        help_text=_("Search by English or Arabic name or P-code. Needed when there are no coordinates."),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Filled in on the device (staff/outbox.js), so that a report or an edit sent twice is applied once.
    client_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Incident
        fields = INCIDENT_FIELDS
        widgets = {
            "occurred_on": DateInput(),
            "occurred_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "latitude": forms.NumberInput(attrs={"step": "any", "placeholder": _("e.g. 33.6901")}),
            "longitude": forms.NumberInput(attrs={"step": "any", "placeholder": _("e.g. 36.0963")}),
            "public_summary": forms.Textarea(attrs={"rows": 3}),
            "internal_description": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"latitude": _("Latitude (N)"), "longitude": _("Longitude (E)"), "area": _("Register area")}
        help_texts = {
            "location_name": _(
                "Published only with the exact point (when it is marked safe to publish); otherwise the public "
                "reads the sub-district."
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            del self.fields["organization"]
            self.fields["expected_version"].initial = self.instance.version
        else:
            organizations = writable_organizations(user)
            self.fields["organization"].queryset = organizations
            del self.fields["expected_version"]
        self.fields["convoy"].queryset = convoys_visible_to(user).order_by("-plan_month", "reference")
        self.fields["area"].queryset = areas_for_staff()
        self.fields["perpetrator"].queryset = Party.objects.all()
        for name in IMPACT_FIELDS:
            self.fields[name].widget.attrs.update({"min": "0", "class": "narrow"})
            self.fields[name].required = False  # a figure left blank is none (0)

    def clean(self):
        cleaned = super().clean()
        for name in IMPACT_FIELDS:
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = 0
        no_point = cleaned.get("latitude") is None and cleaned.get("longitude") is None
        if no_point and not cleaned.get("stated_area") and "stated_area" not in self.errors:
            self.add_error(
                "stated_area", _("Say where it happened: click the map, type the coordinates, or search a community.")
            )
        return cleaned

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in INCIDENT_FIELDS}

    def group(self, *names):
        return [self[name] for name in names if name in self.fields]

    @property
    def what_fields(self):
        return self.group("organization", "kind", "category", "title", "occurred_on", "occurred_time", "date_precision")

    @property
    def where_fields(self):
        return self.group("location_name", "geo_precision", "publish_exact_location")

    @property
    def link_fields(self):
        return self.group("perpetrator", "perpetrator_text", "weapon", "area", "convoy", "visibility", "external_id")

    @property
    def text_fields(self):
        return self.group("public_summary", "internal_description")

    @property
    def impact_fields(self):
        return self.group(*IMPACT_FIELDS, "supplies_lost", "access_effect")


class SourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=[("", "—"), *SourceType.choices], required=False)
    name = forms.CharField(
        label=_("Name"), max_length=200, required=False, help_text=_("e.g. SARC field team, Reuters.")
    )
    reference = forms.CharField(
        label=_("Reference"), max_length=500, required=False, help_text=_("URL or document reference.")
    )
    reliability = forms.ChoiceField(label=_("Reliability"), choices=Reliability.choices, initial=Reliability.UNKNOWN)
    contact = forms.CharField(
        label=_("Contact"), max_length=300, required=False, help_text=_("Never shown to the public.")
    )

    def clean(self):
        cleaned = super().clean()
        filled = cleaned.get("name") or cleaned.get("reference") or cleaned.get("contact")
        if filled and not cleaned.get("kind"):
            self.add_error("kind", _("Say what kind of source this is."))
        if filled and not cleaned.get("name"):
            self.add_error("name", _("Name the source (e.g. SARC field team)."))
        return cleaned

    def as_input(self) -> SourceInput | None:
        if not self.cleaned_data.get("name"):
            return None
        return SourceInput(**{k: self.cleaned_data[k] for k in ("kind", "name", "reference", "reliability", "contact")})


SourceFormSet = forms.formset_factory(SourceForm, extra=2, max_num=10)


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(s.value, s.label) for s in VerificationStatus if s != VerificationStatus.REPORTED],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to dispute or reject."),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
