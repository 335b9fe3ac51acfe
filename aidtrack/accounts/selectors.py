"""Reading the sign-in and download log: an organization admin reads their members' entries, a site admin all."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from aidtrack.accounts.models import AccountEvent, ExportEvent
from aidtrack.orgs.selectors import managed_user_ids


@dataclass(frozen=True)
class LogFilters:
    username: str = ""
    kind: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _filtered(rows: QuerySet, viewer, filters: LogFilters) -> QuerySet:
    ids = managed_user_ids(viewer)
    if ids is not None:
        rows = rows.filter(user_id__in=ids)
    if filters.username:
        rows = rows.filter(username__icontains=filters.username.strip())
    if filters.date_from:
        rows = rows.filter(at__gte=_start_of(filters.date_from))
    if filters.date_to:
        rows = rows.filter(at__lt=_start_of(filters.date_to + datetime.timedelta(days=1)))
    return rows


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def account_events_visible_to(viewer, filters: LogFilters = LogFilters()) -> QuerySet[AccountEvent]:
    rows = _filtered(AccountEvent.objects.select_related("by"), viewer, filters)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    return rows


def export_events_visible_to(viewer, filters: LogFilters = LogFilters()) -> QuerySet[ExportEvent]:
    rows = _filtered(ExportEvent.objects.all(), viewer, filters)
    if filters.kind:
        rows = rows.filter(format=filters.kind)
    return rows


def recent_account_events(user, limit: int = 10) -> list[AccountEvent]:
    """The user's own latest sign-ins and account changes, for their security page."""
    return list(AccountEvent.objects.filter(user=user).select_related("by")[:limit])
