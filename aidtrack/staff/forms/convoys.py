"""Convoy request forms: the request with destinations and cargo, status changes, checkpoint removals."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aidtrack.convoys.models import ConvoyRequest, ConvoyStatus, Sector
from aidtrack.convoys.services import DELIVERED_STATUSES, NOTE_REQUIRED, CargoInput, DestinationInput
from aidtrack.geo.models import AdminLevel
from aidtrack.orgs.models import Organization, Party
from aidtrack.staff.forms import DateInput, DateTimeInput, MonthField, PlaceField
from aidtrack.staff.selectors import areas_for_staff, writable_organizations

CONVOY_FIELDS = [
    "reference",
    "title",
    "lead_organization",
    "partner_organizations",
    "modality",
    "origin_name",
    "origin_area",
    "origin_latitude",
    "origin_longitude",
    "plan_month",
    "trucks",
    "planned_date",
    "visibility",
    "notes",
]


ORIGIN_LEVELS = (AdminLevel.DISTRICT, AdminLevel.SUBDISTRICT, AdminLevel.COMMUNITY)
ORIGIN_FIELDS = ["origin_name", "origin_area", "origin_latitude", "origin_longitude"]


class ConvoyForm(forms.ModelForm):
    plan_month = MonthField(
        label=_("Plan month"), required=False, help_text=_("The monthly inter-agency plan (YYYY-MM).")
    )
    origin_area = PlaceField(
        label=_("Origin community or district"),
        required=False,
        levels=ORIGIN_LEVELS,
        help_text=_(
            "Name or P-code of the community, sub-district or district it leaves from; its centre is used when "
            "no point is given."
        ),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ConvoyRequest
        fields = CONVOY_FIELDS
        help_texts = {
            "origin_name": _("Published with a public convoy: e.g. Damascus warehouse."),
            "origin_latitude": _("Published with a public convoy: the hub or town, never a confidential place."),
            "notes": _("Never published: seen by your organization and the partners."),
            "visibility": _(
                "Public: everyone sees the request once submitted (never while a draft). Partners only: your "
                "organization and the partners. Restricted: your organization only."
            ),
        }
        widgets = {
            "partner_organizations": forms.CheckboxSelectMultiple,
            "planned_date": DateInput(),
            "origin_latitude": forms.NumberInput(attrs={"step": "any"}),
            "origin_longitude": forms.NumberInput(attrs={"step": "any"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_organization"].queryset = writable_organizations(user)
        self.fields["lead_organization"].empty_label = None
        self.fields["partner_organizations"].queryset = Organization.objects.filter(is_active=True)
        # The name may come from the community or area chosen instead.
        self.fields["origin_name"].required = False
        self.fields["origin_name"].help_text = _(
            "Published with a public convoy: e.g. Damascus warehouse, or a crossing. Left blank, the community's "
            "or district's name."
        )
        if self.instance.pk:
            # The lead organization decides who may write; it is fixed once the request exists.
            self.fields["lead_organization"].disabled = True
            self.fields["lead_organization"].queryset = Organization.objects.filter(
                pk=self.instance.lead_organization_id
            )
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        lead, partners = cleaned.get("lead_organization"), cleaned.get("partner_organizations")
        if lead and partners and lead in partners:
            self.add_error(
                "partner_organizations",
                _("%(organization)s leads the convoy; do not list it as a partner.")
                % {"organization": lead.short_name},
            )
        no_origin = not (cleaned.get("origin_name") or cleaned.get("origin_area"))
        if no_origin and "origin_area" not in self.errors:
            self.add_error(
                "origin_name", _("Say where the convoy leaves from: a name, a community or district, or a point.")
            )
        return cleaned

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in CONVOY_FIELDS}

    def update_fields(self) -> dict:
        """What convoy_update takes: everything but the lead organization and the partners."""
        skipped = {"lead_organization", "partner_organizations"}
        return {name: self.cleaned_data[name] for name in CONVOY_FIELDS if name not in skipped}

    @property
    def grid_fields(self):
        skipped = {"partner_organizations", "notes", *ORIGIN_FIELDS}
        return [self[name] for name in CONVOY_FIELDS if name not in skipped]

    @property
    def origin_fields(self):
        return [self[name] for name in ORIGIN_FIELDS if name not in {"origin_latitude", "origin_longitude"}]


class DestinationForm(forms.Form):
    area = forms.ModelChoiceField(queryset=None, required=False, label=_("Register area"))
    community = PlaceField(label=_("Community"), required=False, help_text=_("Or a community: name or P-code."))
    planned_beneficiaries = forms.IntegerField(min_value=0, required=False, label=_("Planned beneficiaries"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_for_staff()

    def clean(self):
        cleaned = super().clean()
        missing = not cleaned.get("area") and not cleaned.get("community") and "community" not in self.errors
        if self.has_changed() and missing:
            self.add_error("area", _("Choose a register area or type a community for this destination."))
        return cleaned

    def as_input(self) -> DestinationInput | None:
        if not (self.cleaned_data.get("area") or self.cleaned_data.get("community")):
            return None
        return DestinationInput(
            area=self.cleaned_data.get("area"),
            community=self.cleaned_data.get("community"),
            planned_beneficiaries=self.cleaned_data.get("planned_beneficiaries") or 0,
        )


class CargoForm(forms.Form):
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", "—"), *Sector.choices], required=False)
    item = forms.CharField(label=_("Item"), max_length=200, required=False, help_text=_("e.g. Surgical kits."))
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0, max_digits=14, decimal_places=2, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False, help_text=_("e.g. kits, parcels, tonnes."))

    def clean(self):
        cleaned = super().clean()
        if self.has_changed() and not self.errors:
            for name, message in (
                ("sector", "Choose the sector."),
                ("item", "Name the item."),
                ("quantity", "Give the quantity (0 or more)."),
                ("unit", "Give the unit, e.g. kits."),
            ):
                if cleaned.get(name) in (None, ""):
                    self.add_error(name, message)
        return cleaned

    def as_input(self) -> CargoInput | None:
        if not self.cleaned_data.get("item"):
            return None
        return CargoInput(**{k: self.cleaned_data[k] for k in ("sector", "item", "quantity", "unit")})


DestinationFormSet = forms.formset_factory(DestinationForm, extra=3, max_num=30)
CargoFormSet = forms.formset_factory(CargoForm, extra=4, max_num=60)


class TransitionForm(forms.Form):
    """One form with a button per allowed status; the pressed button gives ``to_status``."""

    to_status = forms.ChoiceField(label=_("To status"), choices=ConvoyStatus.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when a convoy is denied, put on hold, cancelled, blocked or attacked."),
    )
    occurred_at = forms.DateTimeField(
        label=_("When it happened"),
        required=False,
        widget=DateTimeInput(),
        help_text=_(
            "Leave blank for now. Entering it later? Give the day it really happened: not before the previous "
            "step, not in the future (the timeline also shows when it was recorded)."
        ),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Filled in on the device (staff/outbox.js), so that a step sent twice is recorded once.
    client_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, convoy, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.convoy = convoy
        self.allowed = allowed
        self.fields["to_status"].choices = [(s, ConvoyStatus(s).label) for s in allowed]
        self.fields["expected_version"].initial = convoy.version
        self.destinations = list(convoy.destinations.select_related("area", "community"))
        if any(s in DELIVERED_STATUSES for s in allowed):
            for destination in self.destinations:
                self.fields[f"reached_{destination.pk}"] = forms.IntegerField(
                    label=f"People reached at {destination.place_name}",
                    min_value=0,
                    required=False,
                    help_text=f"Planned: {destination.planned_beneficiaries:,}. With a delivery only.",
                )

    @property
    def reached_fields(self):
        return [self[name] for name in self.fields if name.startswith("reached_")]

    def reached(self) -> dict[int, int]:
        return {
            int(name.removeprefix("reached_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("reached_") and value is not None
        }

    def buttons(self):
        return [(s, ConvoyStatus(s).label, s in NOTE_REQUIRED) for s in self.allowed]


class RemovalForm(forms.Form):
    cargo_line = forms.ModelChoiceField(queryset=None, empty_label=None)
    quantity_removed = forms.DecimalField(label=_("Quantity removed"), min_value=0.01, max_digits=14, decimal_places=2)
    removed_on = forms.DateField(label=_("Removed on"), widget=DateInput())
    place_name = forms.CharField(
        label=_("Checkpoint"),
        max_length=200,
        help_text=_("Published with a public convoy, as is the removal; the checkpoint's point is not."),
    )
    latitude = forms.FloatField(
        label=_("Latitude"), required=False, min_value=-90, max_value=90, widget=forms.NumberInput({"step": "any"})
    )
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180, widget=forms.NumberInput({"step": "any"})
    )
    party = forms.ModelChoiceField(label=_("Party"), queryset=Party.objects.all(), required=False)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("The reason given.")
    )
    # Filled in on the device (staff/outbox.js), so that a removal sent twice is recorded once.
    client_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, convoy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cargo_line"].queryset = convoy.cargo_lines.all()

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        return cleaned
