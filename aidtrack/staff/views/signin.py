"""Signing in (password, then a one-time code for accounts with two-factor sign-in) and resetting a password.

An account with an authenticator is not signed in after its password alone:
the session holds only a pending sign-in (for five minutes) until the code is
right, so no page, API call or download can be reached with the password only.
"""

import time

from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model, login
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import LoginView, PasswordResetConfirmView, PasswordResetView
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login

from aidtrack.accounts.log import record_account_event
from aidtrack.accounts.middleware import ABSOLUTE, IDLE
from aidtrack.accounts.models import AccountEventKind
from aidtrack.accounts.throttles import PasswordResetEmailThrottle, PasswordResetThrottle
from aidtrack.accounts.two_factor import has_two_factor, recovery_codes_left, verify_second_factor
from aidtrack.staff.forms.account import SecondFactorForm

PENDING = "aidtrack_pending_sign_in"
PENDING_SECONDS = 300
EXPIRY_MESSAGES = {
    IDLE: gettext_lazy("You were signed out after a time without activity. Sign in again to continue."),
    ABSOLUTE: gettext_lazy("Your session reached its longest allowed time and ended. Sign in again to continue."),
}


class StaffLoginView(LoginView):
    template_name = "staff/auth/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["expired"] = EXPIRY_MESSAGES.get(self.request.GET.get("expired", ""))
        return context

    def form_valid(self, form):
        user = form.get_user()
        if has_two_factor(user):
            self.request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "at": time.time(),
                "next": self.get_success_url(),
            }
            return redirect("staff:login_verify")
        self.request.signin_method = _("password")
        return super().form_valid(form)


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return get_user_model()._default_manager.filter(pk=pending["user"], is_active=True).first()


def safe_next(request, candidate: str, default: str = "staff:dashboard") -> str:
    """Where to go after a step: the page asked for when it is on this site, else ``default`` (a URL name)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def login_verify(request):
    """The second step of signing in: a code from the authenticator app, or a recovery code."""
    signed_in = request.user.is_authenticated
    if signed_in and request.user.is_verified():
        return redirect(safe_next(request, request.GET.get("next", "")))
    user = request.user if signed_in else _pending_user(request)
    if user is None:
        request.session.pop(PENDING, None)
        messages.info(request, _("Sign in again: the second step waits five minutes at most."))
        return redirect("staff:login")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = verify_second_factor(user=user, code=form.cleaned_data["code"])
        if result.wait_until:
            form.add_error(
                "code",
                _("Too many wrong codes: wait until %(time)s before trying again.")
                % {"time": date_format(timezone.localtime(result.wait_until), "TIME_FORMAT")},
            )
        elif result.device is None:
            record_account_event(
                kind=AccountEventKind.SECOND_FACTOR_FAILED, request=request, user=user, detail=request.path
            )
            form.add_error("code", _("That code is not right. Type the code your app shows now, or a recovery code."))
        else:
            return _complete_sign_in(request, user, result)
    return render(request, "staff/auth/verify.html", {"form": form, "account": user})


def _complete_sign_in(request, user, result):
    pending = request.session.pop(PENDING, None) or {}
    request.signin_method = _("password and recovery code") if result.recovery_code else _("password and authenticator")
    if request.user.is_authenticated:
        otp_login(request, result.device)
    else:
        user.otp_device = result.device  # django-otp keeps it in the session when login() runs
        login(request, user, backend=pending.get("backend") or request.session.get(BACKEND_SESSION_KEY))
    if result.recovery_code:
        left = recovery_codes_left(user)
        messages.warning(
            request,
            _("You used a recovery code; %(left)d are left. Make new ones on your account's security page.")
            % {"left": left},
        )
    return redirect(safe_next(request, pending.get("next") or request.GET.get("next", "")))


class StaffPasswordResetForm(PasswordResetForm):
    """Django's form, also sending the link to active accounts that have no password yet (invited, or restored
    from a backup), so an expired invitation can be renewed by the person themselves."""

    def get_users(self, email):
        model = get_user_model()
        email_field = model.get_email_field_name()
        return (
            user
            for user in model._default_manager.filter(**{f"{email_field}__iexact": email, "is_active": True})
            if user.email and user.email.lower() == email.lower()
        )


class StaffPasswordResetView(PasswordResetView):
    """Reset by e-mail, with a budget of requests per client address and of mails per e-mail address."""

    template_name = "staff/auth/password_reset.html"
    email_template_name = "staff/auth/password_reset_email.txt"
    subject_template_name = "staff/auth/password_reset_subject.txt"
    success_url = reverse_lazy("staff:password_reset_done")
    form_class = StaffPasswordResetForm

    def post(self, request, *args, **kwargs):
        throttle = PasswordResetThrottle()
        if not throttle.allow_request(request, self):
            form = self.get_form()
            minutes = max(1, round((throttle.wait() or 60) / 60))
            form.add_error(
                None,
                _("Too many reset requests from your network: try again in %(minutes)d minutes.")
                % {"minutes": minutes},
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if not PasswordResetEmailThrottle(form.cleaned_data["email"]).allow_request(self.request, self):
            # The same answer as always, so that the page tells nobody whether the address has an account.
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class StaffPasswordResetConfirmView(PasswordResetConfirmView):
    template_name = "staff/auth/password_reset_confirm.html"
    success_url = reverse_lazy("staff:password_reset_complete")
    event_detail = gettext_lazy("reset by e-mail")

    def form_valid(self, form):
        response = super().form_valid(form)
        record_account_event(
            kind=AccountEventKind.PASSWORD_CHANGED, request=self.request, user=form.user, detail=self.event_detail
        )
        return response


class InvitationAcceptView(StaffPasswordResetConfirmView):
    """The link of an invitation: the same one-time token as a password reset, worded as a welcome."""

    template_name = "staff/auth/invitation_accept.html"
    success_url = reverse_lazy("staff:login")
    event_detail = gettext_lazy("invitation accepted")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your password is set: sign in with your username, %(username)s, and your new password.")
            % {"username": form.user.get_username()},
        )
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["account"] = self.user
        return context
