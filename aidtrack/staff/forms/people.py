"""Organization admins' forms: inviting someone, changing a role, filtering the sign-in and download log."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aidtrack.accounts.models import AccountEventKind
from aidtrack.orgs.models import Role
from aidtrack.orgs.selectors import managed_organizations
from aidtrack.staff.forms import DateInput

EXPORT_FORMAT_CHOICES = [("csv", "CSV"), ("xlsx", "XLSX"), ("geojson", "GeoJSON"), ("gpkg", "GeoPackage")]


class InviteForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=None, empty_label=None, label=_("Organization"))
    email = forms.EmailField(label=_("E-mail address"), help_text=_("The invitation and its link are sent here."))
    role = forms.ChoiceField(choices=Role.choices, initial=Role.REPORTER, label=_("Role"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        required=False,
        help_text=_("For a new account; left empty, it is made from the e-mail address."),
    )

    def __init__(self, *args, manager, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = managed_organizations(manager).filter(is_active=True)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, label=_("Role"))


class LogFilterForm(forms.Form):
    username = forms.CharField(label=_("Account"), required=False, max_length=150)
    kind = forms.ChoiceField(label=_("What"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, downloads: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = EXPORT_FORMAT_CHOICES if downloads else AccountEventKind.choices
        self.fields["kind"].choices = [("", _("any"))] + list(choices)
        if downloads:
            self.fields["kind"].label = _("Format")
