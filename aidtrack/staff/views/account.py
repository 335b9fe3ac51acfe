"""The signed-in user's own account: password, two-factor sign-in, API tokens, recent sign-ins."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from aidtrack.accounts.log import record_account_event
from aidtrack.accounts.models import AccountEventKind
from aidtrack.accounts.selectors import recent_account_events
from aidtrack.accounts.services import account_two_factor_reset
from aidtrack.accounts.two_factor import (
    authenticator_confirm,
    authenticator_of,
    authenticator_start,
    pending_authenticator,
    qr_code_svg,
    recovery_codes_create,
    recovery_codes_left,
    secret_for_typing,
    two_factor_required,
)
from aidtrack.api.models import ApiToken
from aidtrack.api.services import token_revoke
from aidtrack.staff.forms.account import AuthenticatorConfirmForm, PasswordConfirmForm, StaffPasswordChangeForm
from aidtrack.staff.views.common import add_service_error
from aidtrack.staff.views.signin import safe_next


class StaffPasswordChangeView(SuccessMessageMixin, PasswordChangeView):
    template_name = "staff/auth/password_change.html"
    form_class = StaffPasswordChangeForm
    success_url = reverse_lazy("staff:account")
    success_message = gettext_lazy("Your password is changed. Your API tokens were revoked: make new ones if needed.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        response = super().form_valid(form)
        record_account_event(kind=AccountEventKind.PASSWORD_CHANGED, request=self.request, user=self.request.user)
        return response


@login_required
def account(request, password_form=None):
    user = request.user
    return render(
        request,
        "staff/account/security.html",
        {
            "authenticator": authenticator_of(user),
            "recovery_left": recovery_codes_left(user),
            "required": two_factor_required(user),
            "tokens": ApiToken.objects.filter(user=user),
            "events": recent_account_events(user),
            "password_form": password_form or PasswordConfirmForm(request=request),
        },
    )


@never_cache
@login_required
def two_factor_setup(request):
    """Scan the QR code (or type the key), then confirm with a code: the authenticator is on, recovery codes shown."""
    user = request.user
    device = pending_authenticator(user) or authenticator_start(user=user)
    form = AuthenticatorConfirmForm(request.POST or None)
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next", ""), default="staff:account")
    if request.method == "POST" and form.is_valid():
        try:
            codes = authenticator_confirm(device=device, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            device.refresh_from_db()
            otp_login(request, device)
            record_account_event(kind=AccountEventKind.TWO_FACTOR_ENABLED, request=request, user=user)
            return _show_recovery_codes(request, codes, next_url)
    return render(
        request,
        "staff/account/two_factor_setup.html",
        {
            "form": form,
            "secret": secret_for_typing(device),
            "replacing": authenticator_of(user) is not None,
            "required": two_factor_required(user),
            "next": next_url,
        },
    )


@never_cache
@login_required
def two_factor_qr(request):
    """The QR code of the authenticator being set up (an image of its own, so no inline SVG is needed)."""
    device = pending_authenticator(request.user)
    if device is None:
        raise Http404(_("No authenticator is being set up."))
    return HttpResponse(qr_code_svg(device), content_type="image/svg+xml")


def _confirmed_password(request):
    form = PasswordConfirmForm(request.POST, request=request)
    return form, form.is_valid()


def _show_recovery_codes(request, codes, next_url):
    return render(request, "staff/account/recovery_codes.html", {"codes": codes, "next": next_url})


@never_cache
@require_POST
@login_required
def recovery_codes(request):
    """New recovery codes (the old ones stop working), after the password again."""
    if authenticator_of(request.user) is None:
        messages.error(request, _("Set up an authenticator app first."))
        return redirect("staff:account")
    form, valid = _confirmed_password(request)
    if not valid:
        return account(request, password_form=form)
    codes = recovery_codes_create(user=request.user)
    record_account_event(kind=AccountEventKind.RECOVERY_CODES_CREATED, request=request, user=request.user)
    return _show_recovery_codes(request, codes, reverse_lazy("staff:account"))


@require_POST
@login_required
def two_factor_remove(request):
    form, valid = _confirmed_password(request)
    if not valid:
        return account(request, password_form=form)
    try:
        account_two_factor_reset(by=request.user, user=request.user, request=request)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Two-factor sign-in is off: your password alone signs you in."))
    return redirect("staff:account")


@require_POST
@login_required
def token_revoke_view(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token_revoke(token=token, by=request.user)
    record_account_event(kind=AccountEventKind.TOKEN_REVOKED, request=request, user=request.user, detail=token.name)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("staff:account")
