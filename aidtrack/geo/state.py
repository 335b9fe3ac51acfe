"""The geodata version: how caches of admin areas know they are stale."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from aidtrack.geo.models import GeodataState

STATE_PK = 1


@dataclass(frozen=True)
class Edition:
    version: int
    changed_at: datetime


def current_edition() -> Edition:
    """The version and time of the last change to admin areas (one primary-key read)."""
    row = GeodataState.objects.filter(pk=STATE_PK).values_list("version", "changed_at").first()
    if row is None:
        return Edition(0, datetime(2000, 1, 1, tzinfo=timezone.get_current_timezone()))
    return Edition(*row)


def mark_geodata_changed() -> None:
    """Record that admin areas changed; caches rebuild on their next use."""

    def bump():
        now = timezone.now()
        updated = GeodataState.objects.filter(pk=STATE_PK).update(version=F("version") + 1, changed_at=now)
        if not updated:
            GeodataState.objects.get_or_create(pk=STATE_PK, defaults={"version": 1, "changed_at": now})

    # Bump inside the caller's transaction so that a rolled-back import does
    # not invalidate caches, and so other processes see the new version
    # together with the new areas.
    if transaction.get_connection().in_atomic_block:
        bump()
    else:
        with transaction.atomic():
            bump()
