"""Day-by-day compliance of a cessation of hostilities."""

import datetime

import pytest
from django.utils import timezone

from aidtrack.agreements.models import Agreement, AgreementCondition, ConditionKind
from aidtrack.agreements.selectors import agreement_compliance
from aidtrack.incidents.services import incident_create
from tests.factories import AreaFactory, PartyFactory

D = datetime.date


@pytest.fixture
def agreement(db):
    agreement = Agreement.objects.create(
        name="Test cessation",
        starts_at=timezone.make_aware(datetime.datetime(2016, 9, 12, 19)),
        ends_at=timezone.make_aware(datetime.datetime(2016, 9, 22, 19)),
    )
    AgreementCondition.objects.create(
        agreement=agreement,
        kind=ConditionKind.REDUCED_VIOLENCE,
        description="Reduced violence",
        required_consecutive_days=7,
        max_incidents_per_day=1,
        counted_categories=["7"],
    )
    return agreement


def strike(by, organization, day, perpetrator=None):
    return incident_create(
        by=by,
        organization=organization,
        category="7",
        title="Strike",
        occurred_on=day,
        latitude=36.2,
        longitude=37.1,
        public_summary="Strike",
        perpetrator=perpetrator,
    )


def delivery(by, organization, area, day):
    """An access incident: aid delivered to ``area`` on ``day``."""
    return incident_create(
        by=by,
        organization=organization,
        kind="access",
        title="Delivery",
        occurred_on=day,
        latitude=33.69,
        longitude=36.09,
        public_summary="Delivered",
        area=area,
    )


@pytest.mark.django_db
def test_seven_days_met_fulfil_the_condition(agreement):
    (result,) = agreement_compliance(agreement, until=D(2016, 9, 22))
    assert len(result.days) == 11
    assert result.first_fulfilled_on == D(2016, 9, 18)
    assert result.current_run == 11


@pytest.mark.django_db
def test_a_violent_day_breaks_the_run_but_excluded_parties_do_not_count(agreement, reporter, org_a):
    isil = PartyFactory(name="ISIL")
    agreement.excluded_parties.add(isil)
    for _ in range(2):
        strike(reporter, org_a, D(2016, 9, 16))
        strike(reporter, org_a, D(2016, 9, 19), perpetrator=isil)
    (result,) = agreement_compliance(agreement, until=D(2016, 9, 22))
    met = {r.day: r.met for r in result.days}
    assert met[D(2016, 9, 16)] is False
    assert met[D(2016, 9, 19)] is True
    assert result.first_fulfilled_on is None
    assert result.current_run == 6


@pytest.mark.django_db
def test_sustained_access_needs_every_listed_area_reached(agreement, reporter, org_a):
    madaya, foah = AreaFactory(name_en="Madaya"), AreaFactory(name_en="Foah")
    condition = AgreementCondition.objects.create(
        agreement=agreement,
        kind=ConditionKind.SUSTAINED_ACCESS,
        description="Access",
        required_consecutive_days=3,
        max_days_without_access=7,
    )
    condition.areas.set([madaya, foah])
    delivery(reporter, org_a, madaya, D(2016, 9, 14))
    _, access = agreement_compliance(agreement, until=D(2016, 9, 15))
    assert [r.met for r in access.days] == [False] * 4
    assert "Foah (never reached)" in access.days[-1].detail


@pytest.mark.django_db
def test_each_day_names_each_areas_last_delivery_and_the_days_since(agreement, reporter, org_a):
    madaya, foah = AreaFactory(name_en="Madaya"), AreaFactory(name_en="Foah")
    condition = AgreementCondition.objects.create(
        agreement=agreement,
        kind=ConditionKind.SUSTAINED_ACCESS,
        description="Access",
        required_consecutive_days=2,
        max_days_without_access=2,
    )
    condition.areas.set([madaya, foah])
    for area, day in (
        (madaya, D(2016, 9, 10)),
        (madaya, D(2016, 9, 14)),
        (madaya, D(2016, 9, 14)),
        (foah, D(2016, 9, 13)),
    ):
        delivery(reporter, org_a, area, day)
    _, access = agreement_compliance(agreement, until=D(2016, 9, 17))
    # The areas in the register's order (by name).
    reaches = {r.day: [(a.name, a.last_reached, a.days_since, a.within) for a in r.areas] for r in access.days}
    assert reaches[D(2016, 9, 12)] == [("Foah", None, None, False), ("Madaya", D(2016, 9, 10), 2, True)]
    assert reaches[D(2016, 9, 14)] == [("Foah", D(2016, 9, 13), 1, True), ("Madaya", D(2016, 9, 14), 0, True)]
    assert reaches[D(2016, 9, 16)] == [("Foah", D(2016, 9, 13), 3, False), ("Madaya", D(2016, 9, 14), 2, True)]
    details = {r.day: r.detail for r in access.days}
    assert details[D(2016, 9, 12)] == "not reached: Foah (never reached)"
    assert details[D(2016, 9, 13)] == "not reached: Madaya (3 days)"
    assert details[D(2016, 9, 14)] == "all listed areas reached"
    assert details[D(2016, 9, 17)] == "not reached: Foah (4 days), Madaya (3 days)"
    assert [r.met for r in access.days] == [False, False, True, True, False, False]
    assert access.first_fulfilled_on == D(2016, 9, 15)


@pytest.mark.django_db
def test_compliance_can_count_only_the_records_a_reader_may_see(agreement, reporter, org_a):
    from aidtrack.incidents.models import Incident

    incident_create(
        by=reporter,
        organization=org_a,
        kind="obstruction",
        category="7",
        title="Shelling",
        occurred_on=D(2016, 9, 14),
        latitude=36.2,
        longitude=37.1,
        public_summary="Shelling.",
        visibility="restricted",
    )
    everything = agreement_compliance(agreement, until=D(2016, 9, 15))[0]
    public = agreement_compliance(agreement, until=D(2016, 9, 15), incidents=Incident.objects.none())[0]
    day = {r.day: r.detail for r in everything.days}[D(2016, 9, 14)]
    public_day = {r.day: r.detail for r in public.days}[D(2016, 9, 14)]
    assert day.startswith("1 incident") and public_day.startswith("0 incident")
