"""Writing alert events (the outbox) and handing them to the background runner."""

import logging

from django.db import DatabaseError, transaction

from aidtrack.alerts.models import AlertEvent

logger = logging.getLogger(__name__)


def enqueue_after_commit(task, *args) -> None:
    """Queue ``task`` once the current transaction commits; a queue that is down delays alerts, it never fails
    the change (``alerts_tick`` queues again whatever was left)."""

    def enqueue():
        try:
            task.enqueue(*args)
        except Exception:
            logger.exception("Could not queue %s%r; alerts_tick will queue it again.", task.name, args)

    transaction.on_commit(enqueue)


def event_record(*, event_type: str, dedup_key: str, occurred_at, details: dict | None = None, **records):
    """Record that something happened (once per ``dedup_key``) and queue its fan-out after the commit.

    Called inside the transaction of the change. A database error here is logged and leaves the change alone
    (inside a savepoint); any other error is a bug and propagates.
    """
    from aidtrack.alerts.tasks import event_fan_out

    try:
        with transaction.atomic():
            event, created = AlertEvent.objects.get_or_create(
                dedup_key=dedup_key,
                defaults={"event_type": event_type, "occurred_at": occurred_at, "details": details or {}, **records},
            )
    except DatabaseError:
        logger.exception("Could not record the alert event %s.", dedup_key)
        return None
    if created:
        enqueue_after_commit(event_fan_out, event.pk)
    return event


__all__ = ["enqueue_after_commit", "event_record"]
