"""Every public service function writes all or nothing: a failure at any of its writes leaves no row behind.

A decorator belongs to the function under it: ``@transaction.atomic`` once
drifted from ``convoy_create`` onto a function inserted above it, so a failing
cargo line left a draft behind. Here each writing service is run once to count
its writes (post_save, post_delete, m2m changes), then once per write with that
write made to fail, and every table must read exactly as before. Every public
function of every ``services`` module must be listed, as a writer or as one that
writes nothing, so that a new service is tested the day it is added.
"""

import datetime
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

import aidtrack
from aidtrack import bulk_writes
from aidtrack.accounts import services as account_services
from aidtrack.alerts import services as alert_services
from aidtrack.alerts.models import AlertEvent, Notification, Subscription, WebhookEndpoint
from aidtrack.api import services as api_services
from aidtrack.api.models import ApiToken
from aidtrack.areas import services as area_services
from aidtrack.convoys import services as convoy_services
from aidtrack.convoys.models import ConvoyRequest
from aidtrack.incidents import services as incident_services
from aidtrack.incidents.models import IncidentDraft
from aidtrack.orgs import services as org_services
from aidtrack.orgs.models import Membership, Role, Visibility
from aidtrack.violence import services as violence_services
from aidtrack.violence.models import ConflictEvent
from tests.factories import AreaFactory, OrganizationFactory, PartyFactory, make_convoy, member

START = timezone.make_aware(datetime.datetime(2016, 9, 1, 9, 0))

# Public functions of services modules that write nothing (they read, compute or fill in an unsaved object).
WRITE_NOTHING = {
    "aidtrack.areas.services.check_may_update": "checks a permission",
    "aidtrack.areas.services.area_assign_admin_areas": "fills in an unsaved area",
    "aidtrack.areas.services.area_placement_target": "describes what bulk placement reads",
    "aidtrack.convoys.services.working_days_between": "counts days",
    "aidtrack.convoys.services.allowed_transitions": "reads the lifecycle",
    "aidtrack.convoys.services.convoy_transition_check": "validates without writing",
    "aidtrack.convoys.services.destination_point": "reads a point",
    "aidtrack.convoys.services.destination_assign_admin_areas": "fills in an unsaved destination",
    "aidtrack.convoys.services.destination_register_area": "reads the register",
    "aidtrack.convoys.services.destination_placement_target": "describes what bulk placement reads",
    "aidtrack.geo.services.place_point": "reads the boundaries",
    "aidtrack.geo.services.nearest_community": "reads the boundaries",
    "aidtrack.geo.services.placement_of_area": "reads the boundaries",
    "aidtrack.incidents.services.assign_admin_areas": "fills in an unsaved incident",
    "aidtrack.incidents.services.incident_placement_target": "describes what bulk placement reads",
    "aidtrack.incidents.services.incident_check": "validates without writing",
    "aidtrack.violence.services.conflict_events_check": "places and matches events without writing",
    "aidtrack.incidents.services.incident_sent_before": "finds a report a device sent before",
    "aidtrack.convoys.services.convoy_step_sent_before": "finds a step a device sent before",
    "aidtrack.incidents.services.incident_edit_sent_before": "finds an edit a device sent before",
    "aidtrack.convoys.services.checkpoint_removal_sent_before": "finds a removal a device sent before",
    "aidtrack.api.services.token_is_current": "reads a token",
}


def service_functions() -> set[str]:
    names = set()
    for app in pkgutil.iter_modules(aidtrack.__path__):
        try:
            module = importlib.import_module(f"aidtrack.{app.name}.services")
        except ModuleNotFoundError:
            continue
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                names.add(f"{module.__name__}.{name}")
    return names


@dataclass
class World:
    reporter: object
    reviewer: object
    org_a: object
    partner: object
    geography: dict
    area: object
    party: object
    draft: ConvoyRequest
    dispatched: ConvoyRequest
    incident: object
    token: object
    org_admin: object
    inactive: object
    subscription: Subscription
    endpoint: WebhookEndpoint


@pytest.fixture
def w(db, geography, site_admin):
    org_a = OrganizationFactory(acronym="ALPHA")
    reporter = member(org_a, Role.REPORTER, username="reporter.a")
    reviewer = member(org_a, Role.REVIEWER, username="reviewer.a")
    area = AreaFactory(name_en="Madaya")
    area.communities.add(geography["madaya"])
    area_services.area_set_status(
        area=area,
        status="besieged",
        start_date=datetime.date(2015, 7, 1),
        source="OCHA",
        by=reporter,
        organization=org_a,
    )
    area.refresh_from_db()
    draft = make_convoy(reporter, org_a, reference="CV-DRAFT", area=area)
    dispatched = make_convoy(reporter, org_a, reference="CV-DISPATCHED", area=area, created_at=START)
    for step, status in enumerate(("submitted", "approved", "dispatched"), start=1):
        convoy_services.convoy_transition(
            convoy=dispatched, to_status=status, by=reporter, occurred_at=START + datetime.timedelta(days=step)
        )
    dispatched.refresh_from_db()
    incident = incident_services.incident_create(
        by=reporter,
        organization=org_a,
        category="4",
        title="Checkpoint closed",
        occurred_on=datetime.date(2016, 9, 19),
        latitude=33.6901,
        longitude=36.0963,
        public_summary="Closed.",
        sources=[incident_services.SourceInput(kind="own_staff", name="Field team")],
    )
    token, _key = api_services.token_create(user=reporter, name="script")
    incident_services.incident_draft_save(by=reporter, data={"title": ["Given up"]})
    # Two-factor set up for the reviewer (an authenticator and recovery codes), so that removing it writes.
    TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    StaticDevice.objects.create(user=reviewer, name="recovery").token_set.create(token="abcd1234")
    inactive = member(org_a, Role.REPORTER, username="gone.a")
    inactive.is_active = False
    inactive.save()
    subscription = Subscription.objects.create(user=reporter, kind="incidents", email=False)
    Notification.objects.create(
        user=reporter, subscription=subscription, event=AlertEvent.objects.filter(incident=incident).first(), topic="t"
    )
    endpoint = WebhookEndpoint.objects.create(
        organization=org_a, url="https://8.8.8.8/hooks", event_types=["incident.new"], paused_at=START
    )
    return World(
        reporter=reporter,
        reviewer=reviewer,
        org_a=org_a,
        partner=OrganizationFactory(acronym="PARTNER"),
        geography=geography,
        area=area,
        party=PartyFactory(),
        draft=draft,
        dispatched=dispatched,
        incident=incident,
        token=token,
        org_admin=member(org_a, Role.ORGANIZATION_ADMIN, username="admin.a"),
        inactive=inactive,
        subscription=subscription,
        endpoint=endpoint,
    )


def cargo():
    return [
        convoy_services.CargoInput("food", "Flour", 10, "t"),
        convoy_services.CargoInput("health", "Kits", 5, "kits"),
    ]


def incident_fields(**changes):
    return {
        "category": "3",
        "title": "Road closed",
        "occurred_on": datetime.date(2016, 9, 20),
        "latitude": 33.6901,
        "longitude": 36.0963,
        "public_summary": "Closed all day.",
        **changes,
    }


def sources():
    return [incident_services.SourceInput(kind="media", name="Reuters"), incident_services.SourceInput("un", "OCHA")]


# Each writer: how to call it in the world (a fresh call each time: a failed call leaves its arguments changed).
def register_list_changes(w):
    """A community list's changes: a new besieged area and a status change of a stored one."""
    from types import SimpleNamespace

    pcode = w.geography["madaya"].pcode
    row = SimpleNamespace(pcode=pcode, latitude=33.69, longitude=36.09, population=38000, where="row 2")
    return [
        SimpleNamespace(row=row, key=f"{pcode} list", area=None, status="besieged", name="Madaya (list)"),
        SimpleNamespace(row=row, key=pcode, area=w.area, status="hard_to_reach", name=""),
    ]


WRITERS: dict[str, Callable[[World], Callable[[], object]]] = {
    "aidtrack.orgs.services.party_add_aliases": lambda w: (
        lambda: org_services.party_add_aliases(party=w.party, aliases=["Syrian government", "الحكومة"], by=w.reporter)
    ),
    "aidtrack.areas.services.areas_register_from_list": lambda w: (
        lambda: area_services.areas_register_from_list(
            changes=register_list_changes(w),
            as_of=datetime.date(2016, 10, 1),
            source="OCHA list",
            organization=w.org_a,
            by=w.reporter,
        )
    ),
    "aidtrack.areas.services.area_create": lambda w: (
        lambda: area_services.area_create(
            by=w.reporter,
            organization=w.org_a,
            name_en="Bqine",
            communities=[w.geography["madaya"]],
            besieging_parties=[w.party],
        )
    ),
    "aidtrack.areas.services.area_update_details": lambda w: (
        lambda: area_services.area_update_details(
            area=w.area,
            by=w.reporter,
            organization=w.org_a,
            expected_version=w.area.version,
            name_ar="مضايا",
            latitude=33.69,
            longitude=36.09,
            communities=[w.geography["madaya"]],
            besieging_parties=[w.party],
        )
    ),
    "aidtrack.areas.services.area_set_status": lambda w: (
        lambda: area_services.area_set_status(
            area=w.area,
            status="hard_to_reach",
            start_date=datetime.date(2016, 10, 1),
            source="OCHA",
            by=w.reporter,
            organization=w.org_a,
            expected_version=w.area.version,
        )
    ),
    "aidtrack.areas.services.status_period_add": lambda w: (
        lambda: area_services.status_period_add(
            area=w.area,
            status="hard_to_reach",
            start_date=datetime.date(2015, 1, 1),
            end_date=datetime.date(2015, 7, 1),
            source="OCHA",
            by=w.reporter,
            organization=w.org_a,
        )
    ),
    "aidtrack.areas.services.area_update_population": lambda w: (
        lambda: area_services.area_update_population(
            area=w.area,
            population=38000,
            population_date=datetime.date(2016, 10, 31),
            population_source="HNO",
            by=w.reporter,
            organization=w.org_a,
            expected_version=w.area.version,
        )
    ),
    "aidtrack.convoys.services.convoy_create": lambda w: (
        lambda: convoy_services.convoy_create(
            by=w.reporter,
            reference="CV-NEW",
            lead_organization=w.org_a,
            origin_name="Damascus",
            partner_organizations=[w.partner],
            destinations=[
                convoy_services.DestinationInput(area=w.area, planned_beneficiaries=100),
                convoy_services.DestinationInput(community=w.geography["madaya"], planned_beneficiaries=50),
            ],
            cargo_lines=cargo(),
        )
    ),
    "aidtrack.convoys.services.convoy_update": lambda w: (
        lambda: convoy_services.convoy_update(
            convoy=w.draft,
            by=w.reporter,
            expected_version=w.draft.version,
            title="Changed",
            partner_organizations=[w.partner],
            destinations=[convoy_services.DestinationInput(area=w.area, planned_beneficiaries=7)],
            cargo_lines=cargo(),
        )
    ),
    "aidtrack.convoys.services.convoy_register_new": lambda w: (
        lambda: convoy_services.convoy_register_new(
            convoy=ConvoyRequest(reference="CV-REGISTERED", lead_organization=w.org_a, origin_name="Damascus"),
            by=w.reporter,
        )
    ),
    "aidtrack.convoys.services.convoy_transition": lambda w: (
        lambda: convoy_services.convoy_transition(
            convoy=w.dispatched,
            to_status="delivered",
            by=w.reporter,
            reached_beneficiaries={w.dispatched.destinations.get().pk: 4000},
            expected_version=w.dispatched.version,
        )
    ),
    "aidtrack.convoys.services.checkpoint_removal_record": lambda w: (
        lambda: convoy_services.checkpoint_removal_record(
            convoy=w.dispatched,
            cargo_line=w.dispatched.cargo_lines.get(item="Surgical kits"),
            quantity_removed=5,
            removed_on=datetime.date(2016, 9, 5),
            place_name="Checkpoint",
            by=w.reporter,
            party=w.party,
        )
    ),
    "aidtrack.incidents.services.incident_create": lambda w: (
        lambda: incident_services.incident_create(
            by=w.reporter, organization=w.org_a, sources=sources(), **incident_fields()
        )
    ),
    "aidtrack.incidents.services.incident_update": lambda w: (
        lambda: incident_services.incident_update(
            incident=w.incident,
            by=w.reporter,
            expected_version=w.incident.version,
            add_sources=sources(),
            title="Changed",
            visibility=Visibility.RESTRICTED,
        )
    ),
    "aidtrack.incidents.services.incidents_bulk_update": lambda w: (
        lambda: incident_services.incidents_bulk_update(
            by=w.reporter,
            organization=w.org_a,
            changes=[(w.incident.pk, w.incident.version, {"title": "Corrected", "latitude": 33.6, "longitude": 36.1})],
        )
    ),
    "aidtrack.incidents.services.incidents_bulk_create": lambda w: (
        lambda: incident_services.incidents_bulk_create(
            by=w.reporter,
            organization=w.org_a,
            rows=[incident_fields(title=f"Row {n}") for n in range(3)],
            sources={0: sources(), 2: sources()},
        )
    ),
    "aidtrack.incidents.services.incident_review": lambda w: (
        lambda: incident_services.incident_review(
            incident=w.incident, by=w.reviewer, outcome="verified", expected_version=w.incident.version
        )
    ),
    "aidtrack.incidents.services.incident_draft_save": lambda w: (
        lambda: incident_services.incident_draft_save(by=w.reporter, data={"title": ["Unfinished"]})
    ),
    "aidtrack.incidents.services.incident_draft_delete": lambda w: (
        lambda: incident_services.incident_draft_delete(
            draft=IncidentDraft.objects.get(title="Given up"), by=w.reporter
        )
    ),
    "aidtrack.incidents.services.incident_delete": lambda w: (
        lambda: incident_services.incident_delete(incident=w.incident, by=w.reviewer)
    ),
    "aidtrack.api.services.token_create": lambda w: lambda: api_services.token_create(user=w.reporter, name="another"),
    "aidtrack.api.services.token_revoke": lambda w: (
        lambda: api_services.token_revoke(token=ApiToken.objects.get(pk=w.token.pk), by=w.reporter)
    ),
    "aidtrack.api.services.tokens_revoke_all": lambda w: lambda: api_services.tokens_revoke_all(user=w.reporter),
    "aidtrack.accounts.services.account_unlock": lambda w: (
        lambda: account_services.account_unlock(by=w.org_admin, user=w.reporter)
    ),
    "aidtrack.accounts.services.account_two_factor_reset": lambda w: (
        lambda: account_services.account_two_factor_reset(by=w.reviewer, user=w.reviewer)
    ),
    "aidtrack.accounts.services.profile_set_language": lambda w: (
        lambda: account_services.profile_set_language(user=w.reporter, language="ar")
    ),
    "aidtrack.orgs.services.member_invite": lambda w: (
        lambda: org_services.member_invite(
            by=w.org_admin, organization=w.org_a, email="new.member@example.org", role=Role.REPORTER
        )
    ),
    "aidtrack.orgs.services.member_set_role": lambda w: (
        lambda: org_services.member_set_role(
            by=w.org_admin, membership=Membership.objects.get(user=w.reporter), role=Role.REVIEWER
        )
    ),
    "aidtrack.orgs.services.member_remove": lambda w: (
        lambda: org_services.member_remove(by=w.org_admin, membership=Membership.objects.get(user=w.reporter))
    ),
    "aidtrack.orgs.services.account_deactivate": lambda w: (
        lambda: org_services.account_deactivate(by=w.org_admin, user=w.reporter)
    ),
    "aidtrack.orgs.services.account_reactivate": lambda w: (
        lambda: org_services.account_reactivate(by=w.org_admin, user=w.inactive)
    ),
    "aidtrack.violence.services.conflict_events_save": lambda w: (
        lambda: violence_services.conflict_events_save(
            events=[conflict_event("SYR1", fatalities=3), conflict_event("SYR2")]
        )
    ),
    "aidtrack.alerts.services.subscription_create": lambda w: (
        lambda: alert_services.subscription_create(
            user=w.reporter, kind="convoys", event_types=["convoy.denied"], email=False
        )
    ),
    "aidtrack.alerts.services.subscription_set_active": lambda w: (
        lambda: alert_services.subscription_set_active(
            subscription=Subscription.objects.get(pk=w.subscription.pk), by=w.reporter, active=False
        )
    ),
    "aidtrack.alerts.services.subscription_delete": lambda w: (
        lambda: alert_services.subscription_delete(
            subscription=Subscription.objects.get(pk=w.subscription.pk), by=w.reporter
        )
    ),
    "aidtrack.alerts.services.subscription_unsubscribe": lambda w: (
        lambda: alert_services.subscription_unsubscribe(subscription=Subscription.objects.get(pk=w.subscription.pk))
    ),
    "aidtrack.alerts.services.notifications_mark_read": lambda w: (
        lambda: alert_services.notifications_mark_read(user=w.reporter)
    ),
    "aidtrack.alerts.services.webhook_endpoint_create": lambda w: (
        lambda: alert_services.webhook_endpoint_create(
            by=w.org_admin, organization=w.org_a, url="https://8.8.4.4/hooks", event_types=["convoy.denied"]
        )
    ),
    "aidtrack.alerts.services.webhook_endpoint_update": lambda w: (
        lambda: alert_services.webhook_endpoint_update(
            endpoint=WebhookEndpoint.objects.get(pk=w.endpoint.pk),
            by=w.org_admin,
            url="https://8.8.4.4/hooks",
            event_types=["convoy.denied"],
        )
    ),
    "aidtrack.alerts.services.webhook_endpoint_delete": lambda w: (
        lambda: alert_services.webhook_endpoint_delete(
            endpoint=WebhookEndpoint.objects.get(pk=w.endpoint.pk), by=w.org_admin
        )
    ),
    "aidtrack.alerts.services.webhook_secret_renew": lambda w: (
        lambda: alert_services.webhook_secret_renew(
            endpoint=WebhookEndpoint.objects.get(pk=w.endpoint.pk), by=w.org_admin
        )
    ),
    "aidtrack.alerts.services.webhook_endpoint_resume": lambda w: (
        lambda: alert_services.webhook_endpoint_resume(
            endpoint=WebhookEndpoint.objects.get(pk=w.endpoint.pk), by=w.org_admin
        )
    ),
    "aidtrack.alerts.services.webhook_test": lambda w: (
        lambda: alert_services.webhook_test(endpoint=WebhookEndpoint.objects.get(pk=w.endpoint.pk), by=w.org_admin)
    ),
}


def conflict_event(event_id, **changes):
    return {
        "event_id": event_id,
        "event_date": datetime.date(2016, 9, 19),
        "event_type": "Battles",
        "latitude": 33.69,
        "longitude": 36.09,
        **changes,
    }


# Writes made without signals (bulk writes): the call that must fail instead, after others have written.
BULK_FAILURES = {
    "aidtrack.violence.services.conflict_events_save": (ConflictEvent.objects, "bulk_update"),
    # Its history is written after the incidents: a failure there must take the update back too.
    "aidtrack.incidents.services.incidents_bulk_update": (bulk_writes, "history_insert"),
    # The incidents and their history are written before the sources: a failure there must take them back too.
    "aidtrack.incidents.services.incidents_bulk_create": (incident_services, "_sources_insert"),
    "aidtrack.alerts.services.notifications_mark_read": (Notification.objects, "filter"),
}


class Boom(Exception):
    """The failure forced in the middle of a service."""


class _Rollback(Exception):
    pass


@contextmanager
def writes(fail_at: int | None = None):
    """Count the writes made inside the block; with ``fail_at``, make that write fail once it has happened."""
    count = [0]

    def written(sender, **kwargs):
        if not kwargs.get("action", "post_").startswith("post_"):
            return  # m2m_changed: count each change once, after it happened
        count[0] += 1
        if count[0] == fail_at:
            raise Boom(f"write {fail_at} of {sender.__name__} failed")

    uid = "tests.fail-midway"
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(written, weak=False, dispatch_uid=uid)
    try:
        yield count
    finally:
        for signal in (post_save, post_delete, m2m_changed):
            signal.disconnect(dispatch_uid=uid)


def every_row() -> dict:
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def test_every_public_service_function_is_listed():
    listed = set(WRITERS) | set(WRITE_NOTHING)
    assert sorted(service_functions() - listed) == [], "add each new service function to WRITERS or WRITE_NOTHING"
    assert sorted(listed - service_functions()) == []


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_a_failure_at_any_write_leaves_no_row_behind(w, name, monkeypatch):
    make_call = WRITERS[name]
    try:
        with transaction.atomic(), writes() as counted:
            make_call(w)()
            raise _Rollback
    except _Rollback:
        pass
    before = every_row()
    if name in BULK_FAILURES:
        manager, method = BULK_FAILURES[name]
        monkeypatch.setattr(manager, method, lambda *args, **kwargs: (_ for _ in ()).throw(Boom(method)))
        with pytest.raises(Boom):
            make_call(w)()
        assert every_row() == before, f"{name} left rows behind when {method} failed"
        return
    assert counted[0] >= 1, f"{name} wrote nothing: is it in the right list?"
    for fail_at in range(1, counted[0] + 1):
        with writes(fail_at=fail_at), pytest.raises(Boom):
            make_call(w)()
        # A write that failed outside any atomic block leaves the test's own transaction unusable.
        assert not transaction.get_connection().needs_rollback, f"{name} is not atomic (write {fail_at} failed)"
        assert every_row() == before, f"{name} left rows behind when write {fail_at} of {counted[0]} failed"
