"""Forms of the alert screens: they parse input; the rules are in ``alerts.services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aidtrack.agreements.models import Agreement
from aidtrack.alerts.models import (
    AGREEMENT_EVENT_TYPES,
    AREA_EVENT_TYPES,
    CONVOY_EVENT_TYPES,
    WEBHOOK_EVENT_TYPES,
    AlertKind,
    EventType,
    Frequency,
)
from aidtrack.areas.models import Area
from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.incidents.models import Category
from aidtrack.orgs.models import Organization, Party


def _choices(types):
    return [(t.value, EventType(t).label) for t in types]


class SubscriptionForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, required=False, help_text=_("Your own label, e.g. Madaya road.")
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every category."),
    )
    governorate = forms.ModelChoiceField(
        label=_("Governorate"),
        queryset=AdminArea.objects.filter(level=AdminLevel.GOVERNORATE).order_by("pcode"),
        required=False,
        empty_label=_("any"),
    )
    party = forms.ModelChoiceField(
        label=_("Perpetrator (party)"), queryset=Party.objects.order_by("name"), required=False, empty_label=_("any")
    )
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("any"),
    )
    area = forms.ModelChoiceField(
        label=_("Register area"), queryset=Area.objects.order_by("name_en"), required=False, empty_label=_("any")
    )
    event_types = forms.MultipleChoiceField(
        label=_("Tell me when"), choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    waiting_days = forms.IntegerField(label=_("Working days without an answer"), min_value=1, max_value=90, initial=7)
    no_delivery_days = forms.IntegerField(label=_("Days without a delivery"), min_value=1, max_value=365, initial=30)
    agreement = forms.ModelChoiceField(
        label=_("Agreement"),
        queryset=Agreement.objects.order_by("-starts_at"),
        required=False,
        empty_label=_("every agreement"),
    )
    run_days = forms.IntegerField(label=_("Days in a row"), min_value=1, max_value=365, initial=7)
    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency.choices, initial=Frequency.IMMEDIATE)
    email = forms.BooleanField(label=_("Also by e-mail"), required=False, initial=True)

    # The fields each kind of alert shows.
    FIELDS = {
        AlertKind.INCIDENTS: [
            "name",
            "categories",
            "governorate",
            "area",
            "party",
            "organization",
            "frequency",
            "email",
        ],
        AlertKind.CONVOYS: ["name", "event_types", "waiting_days", "organization", "frequency", "email"],
        AlertKind.AREAS: ["name", "area", "event_types", "no_delivery_days", "frequency", "email"],
        AlertKind.AGREEMENTS: ["name", "agreement", "event_types", "run_days", "frequency", "email"],
        AlertKind.REVIEW: ["name"],
    }

    def __init__(self, *args, kind: str, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in list(self.fields):
            if name not in self.FIELDS[kind]:
                del self.fields[name]
        if "event_types" in self.fields:
            types = {
                AlertKind.CONVOYS: CONVOY_EVENT_TYPES,
                AlertKind.AREAS: AREA_EVENT_TYPES,
                AlertKind.AGREEMENTS: AGREEMENT_EVENT_TYPES,
            }[kind]
            self.fields["event_types"].choices = _choices(types)
            self.fields["event_types"].required = True
            self.fields["event_types"].initial = [t.value for t in types]
        if kind == AlertKind.CONVOYS and organizations is not None:
            self.fields["organization"].queryset = organizations
            self.fields["organization"].empty_label = _("all my organizations")
        if kind == AlertKind.AREAS:
            self.fields["area"].empty_label = _("every area")


class WebhookForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where the events are POSTed, e.g. https://example.org/hooks/aidtrack."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label=_("Events"), choices=_choices(WEBHOOK_EVENT_TYPES), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        if len(organizations) == 1:
            self.fields["organization"].initial = organizations[0].pk
