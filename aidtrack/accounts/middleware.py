"""Session rules: idle and absolute expiry, and the second factor on the staff screens and the admin."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from aidtrack.accounts.two_factor import has_two_factor, two_factor_required

SIGNED_IN_AT = "aidtrack_signed_in_at"
SEEN_AT = "aidtrack_seen_at"
# Writing the session on every request would turn each page view into a database write; a minute is precise enough.
SEEN_GRANULARITY_SECONDS = 60
IDLE = "idle"
ABSOLUTE = "absolute"
# The screens behind the second factor (URL namespaces), the pages anyone needs to get past it, and the pages where
# a user without a second factor sets one up.
PROTECTED_NAMESPACES = {"staff", "admin"}
ENROLMENT_VIEWS = {"staff:two_factor_setup", "staff:two_factor_qr"}
OPEN_VIEWS = {
    "staff:login",
    "staff:logout",
    "staff:login_verify",
    "staff:password_reset",
    "staff:password_reset_done",
    "staff:password_reset_confirm",
    "staff:password_reset_complete",
    "staff:invitation_accept",
}


def mark_signed_in(request) -> None:
    """Start the session's clocks (called when a user signs in)."""
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now


def expiry_reason(session, now: float) -> str | None:
    started = session.get(SIGNED_IN_AT)
    seen = session.get(SEEN_AT)
    if started is not None and now - started > settings.AIDTRACK_SESSION_MAX_HOURS * 3600:
        return ABSOLUTE
    if seen is not None and now - seen > settings.AIDTRACK_SESSION_IDLE_MINUTES * 60:
        return IDLE
    return None


def login_url(next_path: str = "", **params) -> str:
    query = {**({"next": next_path} if next_path else {}), **params}
    return reverse("staff:login") + (f"?{urlencode(query)}" if query else "")


def is_page(request) -> bool:
    """A staff or admin page a person asked for (a sign-in page can answer it), not an API call."""
    return request.path.startswith(("/staff/", "/admin/"))


class SessionExpiryMiddleware:
    """Signs out a session idle for ``AIDTRACK_SESSION_IDLE_MINUTES`` or older than ``AIDTRACK_SESSION_MAX_HOURS``.

    A staff or admin page then answers with the sign-in page, which says why; elsewhere (the public site, the API)
    the request simply goes on as anonymous.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = time.time()
            reason = expiry_reason(session, now)
            if reason:
                request.signout_reason = reason
                logout(request)
                if is_page(request):
                    target = request.get_full_path() if request.method == "GET" else ""
                    return redirect(login_url(target, expired=reason))
            else:
                session.setdefault(SIGNED_IN_AT, now)
                if now - session.get(SEEN_AT, 0) > SEEN_GRANULARITY_SECONDS:
                    session[SEEN_AT] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """On the staff screens and the admin, a user with a second factor must have used it in this session, and a
    user whose role requires one must set it up before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.namespace not in PROTECTED_NAMESPACES or match.view_name in OPEN_VIEWS:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if has_two_factor(user):
            return redirect(reverse("staff:login_verify") + "?" + urlencode({"next": request.get_full_path()}))
        if match.view_name in ENROLMENT_VIEWS:
            return None
        if two_factor_required(user):
            messages.warning(
                request, _("Your role requires two-factor sign-in: set up an authenticator app to continue.")
            )
            return redirect(reverse("staff:two_factor_setup") + "?" + urlencode({"next": request.get_full_path()}))
        return None
