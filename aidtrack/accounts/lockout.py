"""Lockout after repeated wrong passwords (django-axes), and what a locked-out client is told.

Axes counts failures per username *and* address together (README, "Sign-in
and security", says why); this handler adds a second, higher limit per address
over every username, against one address trying one password on many
accounts. A lockout ends ``AIDTRACK_LOCKOUT_MINUTES`` after the last counted
failure; attempts during it are refused without being counted, so the time
given to the user holds.
"""

import datetime
import math

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from aidtrack.net import client_ip


def _recent_attempts(**lookup):
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(attempt_time__gte=since, **lookup)


def address_failures(ip_address: str | None) -> int:
    if not ip_address:
        return 0
    return _recent_attempts(ip_address=ip_address).aggregate(n=Sum("failures_since_start"))["n"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler, also refusing an address with too many failures over all usernames."""

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return address_failures(request.axes_ip_address) >= settings.AIDTRACK_LOCKOUT_ADDRESS_FAILURES


def lockout_ends_at(*, username: str | None, ip_address: str | None) -> datetime.datetime:
    """When this username may be tried again from this address (at the latest)."""
    pair = _recent_attempts(username=username, ip_address=ip_address)
    if (pair.aggregate(n=Sum("failures_since_start"))["n"] or 0) < settings.AXES_FAILURE_LIMIT:
        pair = _recent_attempts(ip_address=ip_address)
    last = pair.aggregate(last=Max("attempt_time"))["last"] or timezone.now()
    return last + settings.AXES_COOLOFF_TIME


def lockout_message(ends_at: datetime.datetime) -> str:
    minutes = max(1, math.ceil((ends_at - timezone.now()).total_seconds() / 60))
    return _(
        "Too many wrong passwords: signing in is locked for this account from your network. "
        "Try again after %(time)s (in %(minutes)d minutes), or ask your organization admin to unlock it."
    ) % {"time": date_format(timezone.localtime(ends_at), "TIME_FORMAT"), "minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """Axes' answer to a locked-out attempt: the sign-in page saying until when, or a JSON error for the API."""
    username = get_client_username(request, credentials)
    ends_at = lockout_ends_at(username=username, ip_address=client_ip(request))
    message = lockout_message(ends_at)
    retry_after = str(max(1, math.ceil((ends_at - timezone.now()).total_seconds())))
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"status": 429, "code": "locked_out", "detail": message, "errors": {}, "retry_after": int(retry_after)},
            status=429,
        )
    elif request.path == reverse("staff:login"):
        form = AuthenticationForm(request, initial={"username": username})
        context = {"form": form, "locked_out": message, "next": request.POST.get("next", "")}
        response = render(request, "staff/auth/login.html", context, status=429)
    else:
        response = render(request, "staff/auth/locked.html", {"locked_out": message}, status=429)
    response["Retry-After"] = retry_after
    return response


def locked_out_usernames(usernames) -> set[str]:
    """Which of these usernames are locked out now, from at least one address."""
    pairs = (
        _recent_attempts(username__in=list(usernames))
        .values("username", "ip_address")
        .annotate(n=Sum("failures_since_start"))
        .filter(n__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {pair["username"] for pair in pairs}


def signin_unlock(*, username: str | None = None, ip_address: str | None = None) -> int:
    """Forget the counted failures of a username (from every address), of an address, or of both together.

    Returns how many records of failures were removed. The caller records who unlocked what.
    """
    if not username and not ip_address:
        raise ValueError("Name a username, an address, or both.")
    attempts = AccessAttempt.objects.all()
    if username:
        attempts = attempts.filter(username=username)
    if ip_address:
        attempts = attempts.filter(ip_address=ip_address)
    return attempts.delete()[0]
