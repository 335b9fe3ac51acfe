"""Background tasks of alerts (django-tasks): the web request only queues these, after its transaction commits."""

from django_tasks import task

from aidtrack.alerts import delivery


@task()
def event_fan_out(event_id: int) -> int:
    return delivery.event_fan_out(event_id)


@task()
def notifications_email(notification_ids: list[int]) -> int:
    return delivery.notifications_email(notification_ids)


@task()
def digests(subscription_ids: list[int]) -> int:
    return delivery.digests_send(subscription_ids)


@task()
def webhook_deliver(delivery_id: int) -> str:
    return delivery.webhook_deliver(delivery_id)


@task()
def alerts_tick(today: str | None = None) -> dict:
    import datetime

    return delivery.tick(datetime.date.fromisoformat(today) if today else None)
