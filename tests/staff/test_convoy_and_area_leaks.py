"""A convoy page and an area's history show others no more than the public may know."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aidtrack.areas.services import area_set_status, area_update_population
from aidtrack.convoys.models import ConvoyStatus
from aidtrack.convoys.services import checkpoint_removal_record, convoy_transition
from aidtrack.orgs.models import Role, Visibility
from tests.factories import AreaFactory, OrganizationFactory, make_convoy, member
from tests.staff.conftest import login


@pytest.fixture
def dispatched(reporter, org_a, geography):
    """A public convoy of ALPHA, dispatched, with a note on each step and surgical kits removed at a checkpoint."""
    area = AreaFactory(name_en="Madaya")
    area.communities.add(geography["madaya"])
    convoy = make_convoy(reporter, org_a, reference="CV-PUBLIC-1", area=area, visibility=Visibility.PUBLIC)
    for status in (ConvoyStatus.SUBMITTED, ConvoyStatus.APPROVED, ConvoyStatus.DISPATCHED):
        convoy_transition(convoy=convoy, to_status=status, by=reporter, note=f"CANARY-NOTE {status}")
    checkpoint_removal_record(
        convoy=convoy,
        cargo_line=convoy.cargo_lines.get(item="Surgical kits"),
        quantity_removed=10,
        removed_on=timezone.localdate(),
        place_name="Checkpoint at the entrance",
        by=reporter,
    )
    convoy.refresh_from_db()
    return convoy


def test_outsiders_see_the_timeline_without_notes_or_who_recorded_it(client, dispatched, outsider):
    login(client, outsider)
    page = client.get(reverse("staff:convoy_detail", args=[dispatched.pk])).content.decode()
    assert "Dispatched" in page and "Surgical kits" in page and "Checkpoint at the entrance" in page
    assert "CANARY-NOTE" not in page and "reporter.a" not in page
    removal_incident = dispatched.removals.get().incident
    assert removal_incident.verification_status == "reported"
    assert removal_incident.reference not in page  # an unverified incident is not announced


def test_members_see_notes_who_recorded_and_the_removal_incident(client, dispatched, reporter):
    login(client, reporter)
    page = client.get(reverse("staff:convoy_detail", args=[dispatched.pk])).content.decode()
    assert "CANARY-NOTE approved" in page and "reporter.a" in page
    incident = dispatched.removals.get().incident
    assert f'href="{reverse("staff:incident_detail", args=[incident.pk])}">{incident.reference}' in page


def test_a_partner_sees_the_convoy_in_full_but_does_not_get_a_link_it_cannot_open(client, reporter, org_a, geography):
    partner_org = OrganizationFactory(acronym="GAMMA")
    partner = member(partner_org, Role.REPORTER, username="partner.g")
    convoy = make_convoy(reporter, org_a, visibility=Visibility.PARTNERS, partner_organizations=[partner_org])
    for status in (ConvoyStatus.SUBMITTED, ConvoyStatus.APPROVED, ConvoyStatus.DISPATCHED):
        convoy_transition(convoy=convoy, to_status=status, by=reporter, note="CANARY-NOTE")
    removal = checkpoint_removal_record(
        convoy=convoy,
        cargo_line=convoy.cargo_lines.get(item="Surgical kits"),
        quantity_removed=1,
        removed_on=timezone.localdate(),
        place_name="Checkpoint",
        latitude=33.69,
        longitude=36.09,
        by=reporter,
    )
    login(client, partner)
    page = client.get(reverse("staff:convoy_detail", args=[convoy.pk])).content.decode()
    assert "CANARY-NOTE" in page and removal.incident.reference in page
    assert reverse("staff:incident_detail", args=[removal.incident.pk]) not in page


@pytest.fixture
def area_changed(reporter, org_a, site_admin):
    area = AreaFactory(name_en="Foah")
    area_set_status(
        area=area,
        status="besieged",
        start_date=datetime.date(2015, 3, 28),
        source="OCHA",
        by=reporter,
        organization=org_a,
    )
    area.refresh_from_db()
    area_update_population(
        area=area,
        population=12800,
        population_date=datetime.date(2016, 10, 31),
        population_source="HNO",
        by=site_admin,
        expected_version=area.version,
    )
    return area


def test_an_areas_history_names_people_only_to_members_of_the_organization_that_recorded_the_change(
    client, area_changed, reporter, outsider, site_admin
):
    url = reverse("staff:area_history", args=[area_changed.pk])
    login(client, outsider)
    page = client.get(url).content.decode()
    assert "reporter.a" not in page and "root" not in page
    assert "<strong><bdi>a member of ALPHA</bdi></strong> changed it" in page
    assert "<strong><bdi>a site administrator</bdi></strong> changed it" in page
    login(client, reporter)
    page = client.get(url).content.decode()
    assert "<strong><bdi>reporter.a</bdi></strong> changed it" in page and "root" not in page
    login(client, site_admin)
    page = client.get(url).content.decode()
    assert "<strong><bdi>reporter.a</bdi></strong>" in page and "<strong><bdi>root</bdi></strong>" in page
