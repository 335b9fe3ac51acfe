"""The alert screens: subscribe, read what arrived (with an unread count), unsubscribe in one click, manage
webhooks (secret shown once, test, log)."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from aidtrack.alerts.models import Subscription, WebhookEndpoint
from tests.alerts.conftest import report, subscribe


def login(client, user):
    user.save(update_fields=["password"])
    client.force_login(user)
    return client


def test_a_member_subscribes_to_incidents_of_a_category_and_sees_them_arrive(
    client, reader_b, reporter, reviewer, org_a, run_on_commit
):
    login(client, reader_b)
    page = client.get(reverse("staff:alert_subscribe"), {"kind": "incidents"})
    assert page.status_code == HTTPStatus.OK and "Categories" in page.text
    answer = client.post(
        reverse("staff:alert_subscribe"),
        {"kind": "incidents", "name": "Checkpoints", "categories": ["4"], "frequency": "immediate", "email": "on"},
    )
    assert answer.status_code == HTTPStatus.FOUND
    subscription = Subscription.objects.get(user=reader_b)
    assert subscription.categories == ["4"] and subscription.language == "en"
    other = run_on_commit(lambda: report(reporter, org_a, "Shelling nearby", category="7"))
    incident = run_on_commit(lambda: report(reporter, org_a, "Checkpoint closed at Madaya"))
    from aidtrack.incidents import services as incident_services

    for each in (other, incident):
        run_on_commit(
            lambda each=each: incident_services.incident_review(incident=each, by=reviewer, outcome="verified")
        )
    dashboard = client.get(reverse("staff:dashboard"))
    assert 'class="badge"' in dashboard.text
    listing = client.get(reverse("staff:alerts"))
    assert "Checkpoint closed at Madaya" in listing.text and "Shelling nearby" not in listing.text
    assert 'class="badge"' not in client.get(reverse("staff:alerts")).text, "seen alerts are no longer unread"
    [message] = mail.outbox
    assert "Checkpoint closed at Madaya" in message.subject
    assert message.alternatives[0][1] == "text/html"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_unsubscribe_link_works_in_one_click_without_signing_in(client, reader_b):
    from aidtrack.alerts.emails import unsubscribe_url

    subscription = subscribe(reader_b)
    path = unsubscribe_url(subscription).split("example.org", 1)[1]
    assert client.get(path).status_code == HTTPStatus.OK
    subscription.refresh_from_db()
    assert subscription.is_active, "opening the link (a mail scanner may) changes nothing"
    assert client.post(path).status_code == HTTPStatus.OK
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert client.post(path[:-3] + "xx/").status_code == HTTPStatus.NOT_FOUND


def test_a_convoy_alert_needs_an_event_and_says_so(client, reader_b):
    login(client, reader_b)
    answer = client.post(reverse("staff:alert_subscribe"), {"kind": "convoys", "waiting_days": 7, "frequency": "daily"})
    assert answer.status_code == HTTPStatus.OK and "This field is required" in answer.text
    assert not Subscription.objects.exists()


def test_only_reviewers_are_offered_the_verification_digest(client, reader_b, reviewer):
    login(client, reader_b)
    assert "kind=review" not in client.get(reverse("staff:alert_subscribe")).text
    client.post(reverse("staff:alert_subscribe"), {"kind": "review", "name": "Mine"})
    assert not Subscription.objects.exists()
    login(client, reviewer)
    assert "kind=review" in client.get(reverse("staff:alert_subscribe")).text


def test_an_org_admin_registers_a_webhook_and_sees_its_secret_once(client, org_admin, org_a, receiver):
    login(client, org_admin)
    answer = client.post(
        reverse("staff:webhook_new"),
        {"organization": org_a.pk, "url": receiver.url, "event_types": ["incident.new", "convoy.denied"]},
    )
    endpoint = WebhookEndpoint.objects.get()
    assert answer["Location"] == reverse("staff:webhook_detail", args=[endpoint.pk])
    assert endpoint.secret in client.get(answer["Location"]).text
    assert endpoint.secret not in client.get(answer["Location"]).text, "the secret is shown once"
    client.post(reverse("staff:webhook_action", args=[endpoint.pk, "test"]))
    assert "Test delivery" in client.get(answer["Location"]).text


@pytest.mark.parametrize("url", ["http://127.0.0.1/hooks", "not a url"])
def test_a_refused_webhook_address_is_explained(client, org_admin, org_a, url):
    login(client, org_admin)
    answer = client.post(reverse("staff:webhook_new"), {"organization": org_a.pk, "url": url, "event_types": ["ping"]})
    assert answer.status_code == HTTPStatus.OK and "errorlist" in answer.text
    assert not WebhookEndpoint.objects.exists()


def test_webhooks_are_for_organization_admins(client, reporter, outsider, org_admin, org_a):
    endpoint = WebhookEndpoint.objects.create(organization=org_a, url="https://8.8.8.8/", event_types=["incident.new"])
    login(client, reporter)
    assert client.get(reverse("staff:webhooks")).status_code == HTTPStatus.FORBIDDEN
    login(client, outsider)
    assert client.get(reverse("staff:webhook_detail", args=[endpoint.pk])).status_code == HTTPStatus.NOT_FOUND
