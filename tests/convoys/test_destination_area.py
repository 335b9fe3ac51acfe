"""A destination chosen as a community counts for the register area that covers it."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from aidtrack.areas.selectors import area_figures
from aidtrack.convoys.models import ConvoyDestination
from aidtrack.convoys.services import DestinationInput, convoy_create, convoy_transition
from aidtrack.orgs.audience import audience_of
from tests.factories import AreaFactory

START = timezone.make_aware(datetime.datetime(2016, 9, 1, 9, 0))


@pytest.fixture
def madaya_area(geography):
    area = AreaFactory(name_en="Madaya")
    area.communities.add(geography["madaya"])
    return area


def to_community(by, organization, community, reference="CV-1"):
    return convoy_create(
        by=by,
        reference=reference,
        lead_organization=organization,
        origin_name="Damascus",
        destinations=[DestinationInput(community=community, planned_beneficiaries=1000)],
        created_at=START,
    )


def test_the_covering_area_is_linked_and_its_last_delivery_follows(reporter, org_a, geography, madaya_area):
    convoy = to_community(reporter, org_a, geography["madaya"])
    destination = convoy.destinations.get()
    assert (destination.area, destination.community) == (madaya_area, geography["madaya"])
    for day, status in enumerate(("submitted", "approved", "dispatched", "delivered"), start=1):
        convoy_transition(convoy=convoy, to_status=status, by=reporter, occurred_at=START + datetime.timedelta(day))
    figures = area_figures(madaya_area, datetime.date(2016, 9, 30), audience=audience_of(reporter))
    assert figures.last_delivery == datetime.date(2016, 9, 5)


def test_a_community_split_between_two_areas_is_left_for_the_user_to_choose(reporter, org_a, geography, madaya_area):
    other = AreaFactory(name_en="Madaya (west)")
    other.communities.add(geography["madaya"])
    destination = to_community(reporter, org_a, geography["madaya"]).destinations.get()
    assert destination.area is None


def test_the_migration_links_destinations_recorded_before(reporter, org_a, geography, madaya_area):
    convoy = to_community(reporter, org_a, geography["madaya"])
    ConvoyDestination.objects.filter(convoy=convoy).update(area=None)  # as recorded before the fix
    migration = importlib.import_module("aidtrack.convoys.migrations.0005_destination_register_area")
    migration.link_register_areas(apps, None)
    assert convoy.destinations.get().area == madaya_area
