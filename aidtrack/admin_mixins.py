"""Admin helpers shared by the apps: saving through services and refusing stale edits."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from aidtrack.errors import check_version


class VersionedAdminForm(forms.ModelForm):
    """Carries the version the editor started from, so a concurrent save is refused, not overwritten."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = type(self.instance).objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            stale = type(self.instance)(pk=self.instance.pk, version=current)
            try:
                check_version(stale, cleaned.get("expected_version"))
            except ValidationError as error:
                raise ValidationError(
                    _(
                        "Someone else saved this record after you opened it (now version %(current)s, yours was "
                        "%(yours)s). Open it again in a new tab to see their changes; your input is kept here."
                    )
                    % {"current": current, "yours": cleaned.get("expected_version")}
                ) from error
        return cleaned


def report_service_errors(modeladmin, request, call, success: str) -> bool:
    """Run a service call from an admin action, turning its refusals into messages."""
    try:
        call()
    except (ValidationError, PermissionDenied) as error:
        text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        modeladmin.message_user(request, text, level=messages.ERROR)
        return False
    modeladmin.message_user(request, success, level=messages.SUCCESS)
    return True
