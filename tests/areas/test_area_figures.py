"""An area's figures (last delivery, people reached) count only the records the reader may see."""

import datetime

import pytest
from django.utils import timezone

from aidtrack.areas.selectors import area_figures
from aidtrack.convoys.services import convoy_transition
from aidtrack.incidents.services import incident_create, incident_review
from aidtrack.orgs.audience import PUBLIC, audience_of
from aidtrack.orgs.models import Visibility
from tests.factories import AreaFactory, make_convoy

D = datetime.date
TODAY = D(2016, 10, 1)


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


def delivered(by, organization, area, reference, visibility, on, reached):
    convoy = make_convoy(by, organization, reference=reference, area=area, visibility=visibility, created_at=at(on))
    for step, status in enumerate(("submitted", "approved", "dispatched"), start=1):
        convoy_transition(convoy=convoy, to_status=status, by=by, occurred_at=at(on) + datetime.timedelta(hours=step))
    destination = convoy.destinations.get()
    convoy_transition(
        convoy=convoy,
        to_status="delivered",
        by=by,
        occurred_at=at(on) + datetime.timedelta(hours=5),
        reached_beneficiaries={destination.pk: reached},
    )
    return convoy


@pytest.fixture
def area(db):
    return AreaFactory(name_en="Madaya")


@pytest.fixture
def records(area, reporter, reviewer, org_a, geography):
    delivered(reporter, org_a, area, "CV-PUBLIC", Visibility.PUBLIC, D(2016, 9, 1), 1000)
    delivered(reporter, org_a, area, "CV-RESTRICTED", Visibility.RESTRICTED, D(2016, 9, 20), 4000)
    access = incident_create(
        by=reporter,
        organization=org_a,
        kind="access",
        title="Crossing opened",
        occurred_on=D(2016, 9, 25),
        latitude=33.6901,
        longitude=36.0963,
        public_summary="Opened.",
        area=area,
        visibility=Visibility.RESTRICTED,
    )
    incident_review(incident=access, by=reviewer, outcome="verified")


def test_the_public_counts_only_published_deliveries(area, records):
    figures = area_figures(area, TODAY, audience=PUBLIC)
    assert figures.last_delivery == D(2016, 9, 1)
    assert (figures.planned_beneficiaries, figures.reached_beneficiaries) == (5000, 1000)


def test_another_organization_counts_what_the_public_counts(area, records, outsider):
    assert area_figures(area, TODAY, audience=audience_of(outsider)) == area_figures(area, TODAY, audience=PUBLIC)


def test_the_reporting_organization_counts_everything(area, records, reporter):
    figures = area_figures(area, TODAY, audience=audience_of(reporter))
    assert figures.last_delivery == D(2016, 9, 25) and figures.days_since_delivery == 6
    assert (figures.planned_beneficiaries, figures.reached_beneficiaries) == (10000, 5000)


def test_the_audience_must_be_said(area):
    with pytest.raises(TypeError):
        area_figures(area, TODAY)
