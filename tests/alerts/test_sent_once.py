"""Each event is sent once, even when several workers are handed the same job (or a job runs again)."""

import datetime

from django.core import mail
from django.utils import timezone

from aidtrack.alerts import delivery, services
from aidtrack.alerts.models import AlertEvent, DeliveryStatus, EventType, Notification, WebhookDelivery
from tests.alerts.conftest import report, subscribe


def test_a_fan_out_run_twice_or_again_after_a_crash_tells_each_reader_once(
    receiver, reporter, org_a, org_admin, reader_a, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    subscribe(reader_a)
    services.webhook_endpoint_create(
        by=org_admin, organization=org_a, url=receiver.url, event_types=[EventType.INCIDENT_NEW]
    )
    report(reporter, org_a, "Road closed")
    event = AlertEvent.objects.get()
    assert delivery.event_fan_out(event.pk) == 1
    assert delivery.event_fan_out(event.pk) == 0, "a second worker finds the event taken"
    AlertEvent.objects.filter(pk=event.pk).update(fanned_out_at=None)  # as if the first worker died mid-way
    delivery.event_fan_out(event.pk)
    assert Notification.objects.filter(user=reader_a).count() == 1
    [row] = WebhookDelivery.objects.all()
    notification = Notification.objects.get()
    delivery.notifications_email([notification.pk])
    delivery.notifications_email([notification.pk])
    assert len(mail.outbox) == 1
    assert delivery.webhook_deliver(row.pk) == DeliveryStatus.SUCCEEDED
    assert delivery.webhook_deliver(row.pk) == DeliveryStatus.SUCCEEDED
    assert len(receiver.requests) == 1


def test_an_attempt_taken_by_another_worker_is_not_made_again(receiver, reporter, org_a, org_admin, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    endpoint = services.webhook_endpoint_create(
        by=org_admin, organization=org_a, url=receiver.url, event_types=[EventType.INCIDENT_NEW]
    )
    row = services.webhook_test(endpoint=endpoint, by=org_admin)
    # Another worker claimed this attempt a moment ago: the attempt count moved and its lease runs.
    lease = timezone.now() + datetime.timedelta(seconds=30)
    WebhookDelivery.objects.filter(pk=row.pk).update(attempts=1, next_attempt_at=lease)
    assert delivery.webhook_deliver(row.pk) == "not due"
    assert receiver.requests == []
