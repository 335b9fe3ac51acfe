"""Writing the sign-in and download log, and pruning it."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from aidtrack.accounts.models import AccountEvent, AccountEventKind, ExportEvent
from aidtrack.net import client_ip

USER_AGENT_LENGTH = 300
# Query parameters that could carry a secret are never logged, whatever a client puts in them.
SECRET_PARAMETERS = {"password", "token", "key", "api_key", "access_token", "otp", "secret", "csrfmiddlewaretoken"}
# Parameters that say how a list is paged or rendered, not which records it holds.
NOT_FILTERS = {"format", "cursor", "page", "page_size"}
MAX_FILTERS = 40
MAX_FILTER_LENGTH = 200


def _client(request) -> dict:
    if request is None:
        return {"ip_address": None, "user_agent": ""}
    return {
        "ip_address": client_ip(request),
        "user_agent": (request.META.get("HTTP_USER_AGENT") or "")[:USER_AGENT_LENGTH],
    }


def account_of(username: str | None):
    """The account a typed username names, if any."""
    if not username:
        return None
    return get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: username}).first()


@transaction.atomic
def record_account_event(
    *,
    kind: AccountEventKind,
    request=None,
    user=None,
    username: str | None = None,
    by=None,
    detail: str = "",
) -> AccountEvent:
    """Log what happened to an account. A typed username that names no account is not kept: people sometimes type
    their password into the username field, and the log must never hold one."""
    if user is None and username:
        user = account_of(username)
    event = AccountEvent(
        kind=kind,
        user=user,
        username=user.get_username() if user is not None else "",
        by=by if by is not None and by != user else None,
        detail=str(detail)[:300],
        **_client(request),
    )
    event.full_clean()
    event.save()
    return event


def export_filters(query) -> dict[str, list[str]]:
    """The filters of a download as ``{name: [values]}``, without paging, format or anything secret."""
    filters = {}
    for name, values in query.lists():
        if name.lower() in SECRET_PARAMETERS or name in NOT_FILTERS:
            continue
        filters[name[:MAX_FILTER_LENGTH]] = [value[:MAX_FILTER_LENGTH] for value in values[:MAX_FILTERS]]
        if len(filters) >= MAX_FILTERS:
            break
    return filters


@transaction.atomic
def record_export(*, request, user, path: str, format: str, filters: dict, rows: int | None) -> ExportEvent:
    event = ExportEvent(
        user=user,
        username=user.get_username(),
        path=path[:300],
        format=format[:20],
        filters=filters,
        rows=rows,
        **_client(request),
    )
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def prune_account_log(*, days: int | None = None, now: datetime.datetime | None = None) -> dict[str, int]:
    """Remove sign-in and download entries older than ``days`` (``AIDTRACK_ACCOUNT_LOG_DAYS``); returns the counts."""
    days = settings.AIDTRACK_ACCOUNT_LOG_DAYS if days is None else days
    if days < 1:
        raise ValueError("Keep the log for at least one day.")
    before = (now or timezone.now()) - datetime.timedelta(days=days)
    signins, _ = AccountEvent.objects.filter(at__lt=before).delete()
    exports, _ = ExportEvent.objects.filter(at__lt=before).delete()
    return {"sign_in": signins, "downloads": exports}
