"""Register updates: a new status period, and a new population estimate."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aidtrack.areas.models import AccessStatus
from aidtrack.staff.forms import DateInput
from aidtrack.staff.selectors import writable_organizations


class _AreaUpdateForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=None, empty_label=None, help_text=_("Who records this.")
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, area, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = writable_organizations(user)
        self.fields["expected_version"].initial = area.version


class AreaStatusForm(_AreaUpdateForm):
    status = forms.ChoiceField(label=_("Status"), choices=AccessStatus.choices)
    start_date = forms.DateField(
        label=_("From"), widget=DateInput(), help_text=_("The current period ends on this day.")
    )
    source = forms.CharField(
        label=_("Source"), max_length=300, help_text=_("Published. e.g. OCHA besieged list, 31 October 2016.")
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Published on the public map and API with the status: write nothing confidential."),
    )

    field_order = ["status", "start_date", "source", "note", "organization"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].help_text = _("Who records this: its name is published with the status.")


class AreaPopulationForm(_AreaUpdateForm):
    population = forms.IntegerField(min_value=0, label=_("Population estimate"))
    population_date = forms.DateField(label=_("As of"), widget=DateInput())
    population_source = forms.CharField(label=_("Source"), max_length=300, help_text=_("e.g. HNO 2017, OCHA."))

    field_order = ["population", "population_date", "population_source", "organization"]
