"""Nothing leaks through an alert: every event type reaches only readers who may see its record, in the in-app
list, the e-mail (text and HTML) and the webhook payload, checked again when it is sent."""

import pytest
from django.core import mail

from aidtrack.alerts import delivery, services
from aidtrack.alerts.models import AlertEvent, DeliveryStatus, EmailStatus, EventType, Notification, WebhookDelivery
from aidtrack.convoys import services as convoy_services
from aidtrack.incidents import services as incident_services
from aidtrack.orgs.models import Role, Visibility
from tests.alerts.conftest import convoy_to, report, subscribe, verify
from tests.factories import OrganizationFactory, member

CANARY = "CANARY-7Q2"


def everything_sent():
    """Every text that left: e-mail subjects, bodies (plain and HTML), webhook payloads in the log."""
    parts = []
    for message in mail.outbox:
        parts += [message.subject, message.body, *[content for content, _type in message.alternatives]]
    parts += [str(d.payload) for d in WebhookDelivery.objects.all()]
    return "\n".join(parts)


def mails_to(user):
    return [m for m in mail.outbox if user.email in m.to]


@pytest.fixture
def endpoints(org_a, org_b, org_admin, site_admin, settings):
    settings.AIDTRACK_WEBHOOK_ALLOW_PRIVATE = True
    admin_b = member(org_b, Role.ORGANIZATION_ADMIN, username="admin.b")
    every = [t.value for t in (EventType.INCIDENT_NEW, EventType.CONVOY_DENIED, EventType.CONVOY_WAITING)]
    a = services.webhook_endpoint_create(
        by=org_admin, organization=org_a, url="http://127.0.0.1:9/a", event_types=every
    )
    b = services.webhook_endpoint_create(by=admin_b, organization=org_b, url="http://127.0.0.1:9/b", event_types=every)
    return a, b


def test_hidden_incidents_reach_only_their_organization_in_app_mail_and_webhook(
    run_on_commit, reporter, reviewer, org_a, reader_a, reader_b, site_admin, endpoints, settings
):
    site_admin.email = "root@example.org"
    site_admin.save()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # keep webhooks unsent
    for user in (reader_a, reader_b, site_admin):
        subscribe(user)
    restricted = run_on_commit(
        lambda: report(reporter, org_a, f"{CANARY} restricted", visibility=Visibility.RESTRICTED)
    )
    unverified = run_on_commit(lambda: report(reporter, org_a, f"{CANARY} not yet verified"))
    partners = run_on_commit(lambda: report(reporter, org_a, f"{CANARY} partners", visibility=Visibility.PARTNERS))
    run_on_commit(lambda: verify(partners, reviewer))
    # The dummy backend queued the fan-outs without running them: run them as the worker would.
    for event in AlertEvent.objects.filter(fanned_out_at__isnull=True).order_by("pk"):
        delivery.event_fan_out(event.pk)
    for pending in Notification.objects.filter(email_status=EmailStatus.PENDING):
        delivery.notifications_email([pending.pk])
    for row in WebhookDelivery.objects.all():
        row.payload = delivery.webhook_payload(row)
        row.save()

    topics_b = set(Notification.objects.filter(user=reader_b).values_list("topic", flat=True))
    assert topics_b == set()
    assert not mails_to(reader_b)
    assert not WebhookDelivery.objects.filter(endpoint=endpoints[1]).exists()
    seen_by_a = set(Notification.objects.filter(user=reader_a).values_list("topic", flat=True))
    assert seen_by_a == {f"incident:{i.pk}" for i in (restricted, unverified, partners)}
    assert len(mails_to(reader_a)) == 3 and len(mails_to(site_admin)) == 3
    assert WebhookDelivery.objects.filter(endpoint=endpoints[0]).count() == 3
    assert CANARY in everything_sent()


def test_a_verified_public_incident_reaches_other_organizations_once_with_its_place_generalised(
    run_on_commit, reporter, reviewer, org_a, reader_a, reader_b, geography
):
    subscribe(reader_a)
    subscribe(reader_b)
    incident = run_on_commit(lambda: report(reporter, org_a, "Road closed", location_name=f"{CANARY} farm"))
    assert len(mails_to(reader_a)) == 1 and not mails_to(reader_b)
    run_on_commit(lambda: verify(incident, reviewer))
    assert len(mails_to(reader_a)) == 1, "a reader hears of an incident once, not again when it is verified"
    [message] = mails_to(reader_b)
    assert "Road closed" in message.subject
    body = message.body + message.alternatives[0][0]
    assert CANARY not in body, "the exact place name is shown only to readers who see the exact place"
    assert "sub-district" in body
    assert f"{CANARY} farm" in mails_to(reader_a)[0].body


def test_a_record_made_restricted_after_the_event_is_not_sent(
    run_on_commit, reporter, reviewer, org_a, reader_b, settings
):
    subscribe(reader_b, frequency="daily")
    incident = run_on_commit(lambda: report(reporter, org_a, f"{CANARY} soon restricted"))
    run_on_commit(lambda: verify(incident, reviewer))
    [notification] = Notification.objects.filter(user=reader_b)
    assert notification.email_status == EmailStatus.DIGEST
    incident.refresh_from_db()
    incident_services.incident_update(
        incident=incident, by=reporter, expected_version=incident.version, visibility=Visibility.RESTRICTED
    )
    delivery.digest_send(notification.subscription_id)
    assert not mails_to(reader_b)
    notification.refresh_from_db()
    assert notification.email_status == EmailStatus.WITHHELD


def test_a_webhook_for_a_record_restricted_before_sending_is_withheld(
    reporter, reviewer, org_a, endpoints, run_on_commit, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    incident = report(reporter, org_a, f"{CANARY} public at first")
    verify(incident, reviewer)
    for event in AlertEvent.objects.order_by("pk"):
        delivery.event_fan_out(event.pk)
    row_b = WebhookDelivery.objects.get(endpoint=endpoints[1])
    incident.refresh_from_db()
    incident_services.incident_update(
        incident=incident, by=reporter, expected_version=incident.version, visibility=Visibility.RESTRICTED
    )
    assert delivery.webhook_deliver(row_b.pk) == DeliveryStatus.WITHHELD
    row_b.refresh_from_db()
    assert row_b.payload is None and row_b.attempt_log.count() == 0


def test_convoy_events_reach_the_organizations_involved_that_may_see_the_convoy(
    run_on_commit, reporter, org_a, org_b, reader_a, reader_b, endpoints
):
    outsider_org = OrganizationFactory(acronym="GAMMA")
    reader_c = member(outsider_org, Role.REPORTER, username="reader.c", email="c@example.org")
    for user in (reader_a, reader_b, reader_c):
        subscribe(user, kind="convoys", event_types=[EventType.CONVOY_DENIED])
    restricted = convoy_to(
        reporter, org_a, f"CV-{CANARY}-R", visibility=Visibility.RESTRICTED, partner_organizations=[org_b]
    )
    shared = convoy_to(reporter, org_a, "CV-SHARED", visibility=Visibility.PARTNERS, partner_organizations=[org_b])
    public = convoy_to(reporter, org_a, "CV-PUBLIC")
    for convoy in (restricted, shared, public):
        run_on_commit(
            lambda convoy=convoy: convoy_services.convoy_transition(
                convoy=convoy, to_status="denied", by=reporter, note=f"{CANARY} internal reason"
            )
        )
    assert {n.event.convoy_id for n in Notification.objects.filter(user=reader_a)} == {
        restricted.pk,
        shared.pk,
        public.pk,
    }
    assert {n.event.convoy_id for n in Notification.objects.filter(user=reader_b)} == {shared.pk}
    assert not Notification.objects.filter(user=reader_c).exists(), "a public convoy of others is not 'mine'"
    assert not WebhookDelivery.objects.filter(endpoint=endpoints[1], event__convoy=restricted).exists()
    assert CANARY not in "".join(m.body + m.alternatives[0][0] + m.subject for m in mails_to(reader_b))


def test_a_convoy_waiting_past_the_subscribers_working_days_is_told_once(run_on_commit, reporter, org_a, reader_a):
    import datetime

    subscribe(reader_a, kind="convoys", event_types=[EventType.CONVOY_WAITING], waiting_days=7)
    convoy_to(reporter, org_a, "CV-WAITING")  # submitted on Monday 5 September 2016
    run_on_commit(lambda: delivery.tick(datetime.date(2016, 9, 13)))
    assert not mails_to(reader_a), "6 working days (Sunday to Thursday) are not yet 7"
    run_on_commit(lambda: delivery.tick(datetime.date(2016, 9, 14)))
    run_on_commit(lambda: delivery.tick(datetime.date(2016, 9, 20)))
    [message] = mails_to(reader_a)
    assert "CV-WAITING has waited 7 working days" in message.subject


def test_area_status_change_and_no_delivery_reach_area_subscribers(run_on_commit, reporter, org_a, reader_b):
    import datetime

    from aidtrack.areas import services as area_services
    from tests.factories import AreaFactory

    area = AreaFactory(name_en="Madaya")
    subscribe(
        reader_b,
        kind="areas",
        area=area,
        event_types=[EventType.AREA_STATUS, EventType.AREA_NO_DELIVERY],
        no_delivery_days=30,
    )
    run_on_commit(
        lambda: area_services.area_set_status(
            area=area,
            status="besieged",
            start_date=datetime.date(2016, 7, 1),
            source="OCHA",
            by=reporter,
            organization=org_a,
        )
    )
    # A restricted delivery of another organization is not counted for this reader (nor named).
    convoy = convoy_to(
        reporter,
        org_a,
        f"CV-{CANARY}",
        area=area,
        visibility=Visibility.RESTRICTED,
        status_path=("submitted", "approved", "dispatched"),
    )
    convoy_services.convoy_transition(
        convoy=convoy, to_status="delivered", by=reporter, reached_beneficiaries={convoy.destinations.get().pk: 100}
    )
    run_on_commit(lambda: delivery.tick(datetime.date(2016, 9, 30)))
    subjects = [m.subject for m in mails_to(reader_b)]
    assert any("Madaya is now Besieged" in s for s in subjects)
    assert any("No delivery to Madaya for 30 days" in s for s in subjects)
    assert CANARY not in everything_sent()
