"""Webhooks against a local receiver: signed, timestamped, retried with backoff, paused when they keep failing,
and never sent to private or loopback addresses unless a setting allows it."""

import datetime
import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aidtrack.alerts import delivery, services, webhooks
from aidtrack.alerts.models import DeliveryStatus, EventType, WebhookDelivery
from tests.alerts.conftest import report, verify


def make_due(endpoint):
    """Let the clock pass the retry's wait."""
    WebhookDelivery.objects.filter(endpoint=endpoint).update(next_attempt_at=timezone.now() - datetime.timedelta(1))


@pytest.fixture
def endpoint(receiver, org_a, org_admin):
    return services.webhook_endpoint_create(
        by=org_admin, organization=org_a, url=receiver.url, event_types=[EventType.INCIDENT_NEW]
    )


def test_a_delivery_is_signed_with_the_endpoint_secret_and_timestamped(
    receiver, endpoint, run_on_commit, reporter, org_a
):
    incident = run_on_commit(lambda: report(reporter, org_a, "Road closed"))
    [request] = receiver.requests
    headers, body = request["headers"], request["body"]
    assert webhooks.verify(endpoint.secret, headers, body)
    assert not webhooks.verify("whsec_another", headers, body), "another secret does not match"
    assert not webhooks.verify(endpoint.secret, headers, body + b" "), "a changed body does not match"
    assert not webhooks.verify(endpoint.secret, headers, body, now=time.time() + 600), "a replay later is refused"
    assert request["json"]["type"] == "incident.new"
    assert request["json"]["data"]["reference"] == incident.reference
    assert headers["X-Aidtrack-Event"] == "incident.new"
    row = WebhookDelivery.objects.get()
    assert row.status == DeliveryStatus.SUCCEEDED and str(row.delivery_id) == headers["X-Aidtrack-Delivery"]


def test_a_failed_delivery_is_retried_with_growing_waits_until_it_succeeds(
    receiver, endpoint, run_on_commit, reporter, org_a
):
    receiver.answers = [500, 503]
    run_on_commit(lambda: report(reporter, org_a, "Road closed"))
    row = WebhookDelivery.objects.get()
    assert row.status == DeliveryStatus.RETRYING and row.attempts == 1
    first_wait = row.next_attempt_at - timezone.now()
    run_on_commit(lambda: delivery.tick())
    assert len(receiver.requests) == 1, "not retried before its time"
    make_due(endpoint)
    run_on_commit(lambda: delivery.tick())
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at - timezone.now() > first_wait * 3
    make_due(endpoint)
    run_on_commit(lambda: delivery.tick())
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SUCCEEDED and len(receiver.requests) == 3
    assert [a.status_code for a in row.attempt_log.order_by("pk")] == [500, 503, 200]
    assert len({r["headers"]["X-Aidtrack-Delivery"] for r in receiver.requests}) == 1, "one delivery id throughout"


def test_an_endpoint_that_keeps_failing_is_paused_and_resumes_with_what_waited(
    receiver, endpoint, run_on_commit, reporter, reviewer, org_a, org_admin, settings
):
    settings.AIDTRACK_WEBHOOK_PAUSE_AFTER = 3
    receiver.answers = [500] * 3
    for n in range(3):
        run_on_commit(lambda n=n: report(reporter, org_a, f"Road {n} closed"))
    endpoint.refresh_from_db()
    assert endpoint.paused_at is not None
    run_on_commit(lambda: report(reporter, org_a, "Another road"))
    make_due(endpoint)
    run_on_commit(lambda: delivery.tick())
    assert len(receiver.requests) == 3, "nothing is sent to a paused endpoint"
    run_on_commit(lambda: services.webhook_endpoint_resume(endpoint=endpoint, by=org_admin))
    assert len(receiver.requests) == 7
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SUCCEEDED}


def test_the_test_button_sends_a_signed_ping(receiver, endpoint, run_on_commit, org_admin):
    run_on_commit(lambda: services.webhook_test(endpoint=endpoint, by=org_admin))
    [request] = receiver.requests
    assert request["json"]["type"] == "ping" and webhooks.verify(endpoint.secret, request["headers"], request["body"])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hooks",
        "http://localhost/hooks",
        "http://10.0.0.5/hooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hooks",
        "http://[::ffff:192.168.1.1]/hooks",
        "ftp://example.org/hooks",
    ],
)
def test_private_loopback_and_odd_addresses_are_refused(url, org_a, org_admin, settings):
    settings.AIDTRACK_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError):
        services.webhook_endpoint_create(by=org_admin, organization=org_a, url=url, event_types=["incident.new"])


def test_a_host_that_turns_private_after_registration_is_not_posted_to(
    receiver, endpoint, run_on_commit, reporter, org_a, settings
):
    settings.AIDTRACK_WEBHOOK_ALLOW_PRIVATE = False
    run_on_commit(lambda: report(reporter, org_a, "Road closed"))
    assert receiver.requests == []
    [attempt] = WebhookDelivery.objects.get().attempt_log.all()
    assert "non-public" in attempt.error


def test_only_admins_of_the_organization_manage_its_webhooks(receiver, org_a, reporter, outsider):
    from django.core.exceptions import PermissionDenied

    for user in (reporter, outsider):
        with pytest.raises(PermissionDenied):
            services.webhook_endpoint_create(
                by=user, organization=org_a, url=receiver.url, event_types=["incident.new"]
            )


def test_a_subscriber_of_other_organizations_gets_the_verified_incident_once(
    receiver, run_on_commit, reporter, reviewer, org_a, org_b
):
    from tests.factories import member

    admin_b = member(org_b, "org_admin", username="admin.b")
    endpoint_b = services.webhook_endpoint_create(
        by=admin_b, organization=org_b, url=receiver.url, event_types=["incident.new"]
    )
    incident = run_on_commit(lambda: report(reporter, org_a, "Road closed"))
    assert receiver.requests == []
    run_on_commit(lambda: verify(incident, reviewer))
    [request] = receiver.requests
    assert webhooks.verify(endpoint_b.secret, request["headers"], request["body"])
    assert "location_name" not in request["json"]["data"]
