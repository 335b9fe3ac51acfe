"""Sign-ins, failures, lockouts and sign-outs, recorded in the sign-in log whichever door they came through."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.translation import gettext as _

from aidtrack.accounts.log import record_account_event
from aidtrack.accounts.middleware import mark_signed_in
from aidtrack.accounts.models import AccountEventKind


def how(request) -> str:
    """How the client signed in, as the view that knows said it, else the address of the sign-in form or endpoint."""
    if request is None:
        return ""
    return getattr(request, "signin_method", "") or request.path


@receiver(user_logged_in, dispatch_uid="aidtrack.accounts.signed_in")
def signed_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        mark_signed_in(request)
    record_account_event(kind=AccountEventKind.SIGNED_IN, request=request, user=user, detail=how(request))


@receiver(user_login_failed, dispatch_uid="aidtrack.accounts.sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    # Axes has already handled this failure (it is connected first): a failure that locked the account, or one
    # refused during a lockout, is recorded once, as the lockout.
    if request is not None and getattr(request, "axes_locked_out", False):
        return
    record_account_event(
        kind=AccountEventKind.SIGN_IN_FAILED,
        request=request,
        username=credentials.get("username"),
        detail=how(request),
    )


@receiver(user_locked_out, dispatch_uid="aidtrack.accounts.locked_out")
def locked_out(sender, request, username, ip_address, **kwargs):
    record_account_event(
        kind=AccountEventKind.LOCKED_OUT,
        request=request,
        username=username,
        detail=_("%(where)s: too many wrong passwords") % {"where": how(request)},
    )


@receiver(user_logged_out, dispatch_uid="aidtrack.accounts.signed_out")
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        reason = getattr(request, "signout_reason", "")
        kind = AccountEventKind.SESSION_EXPIRED if reason else AccountEventKind.SIGNED_OUT
        record_account_event(kind=kind, request=request, user=user, detail=reason)
