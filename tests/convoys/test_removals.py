"""Checkpoint removals: each is also an obstruction incident."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from aidtrack.convoys.models import ConvoyStatus
from aidtrack.convoys.services import checkpoint_removal_record, convoy_transition
from aidtrack.incidents.models import Category, Incident
from tests.factories import AreaFactory, community, make_convoy


@pytest.fixture
def dispatched(reporter, org_a):
    area = AreaFactory()
    area.communities.add(community("C2499", 33.4592, 36.1918))
    convoy = make_convoy(reporter, org_a, area=area)
    for status in (ConvoyStatus.SUBMITTED, ConvoyStatus.APPROVED, ConvoyStatus.DISPATCHED):
        convoy_transition(convoy=convoy, to_status=status, by=reporter)
    return convoy


def remove(convoy, by, quantity, **fields):
    return checkpoint_removal_record(
        convoy=convoy,
        cargo_line=convoy.cargo_lines.get(item="Surgical kits"),
        quantity_removed=quantity,
        removed_on=datetime.date(2016, 9, 19),
        place_name="Checkpoint 4",
        by=by,
        reason="Not authorised",
        **fields,
    )


@pytest.mark.django_db
def test_a_removal_creates_the_matching_obstruction_incident(dispatched, reporter):
    removal = remove(dispatched, reporter, 30)
    incident = removal.incident
    assert incident.category == Category.INTERFERENCE
    assert incident.convoy == dispatched
    assert incident.community.pcode == "C2499"
    assert "30 kits of Surgical kits were removed" in incident.public_summary


@pytest.mark.django_db
def test_more_cannot_be_removed_than_is_left(dispatched, reporter):
    remove(dispatched, reporter, 30)
    with pytest.raises(ValidationError, match="Only 10 kits of Surgical kits are left"):
        remove(dispatched, reporter, 11)
    assert Incident.objects.count() == 1


@pytest.mark.django_db
def test_nothing_is_removed_from_a_convoy_not_yet_dispatched(reporter, org_a):
    convoy = make_convoy(reporter, org_a)
    with pytest.raises(ValidationError, match="only be removed from a convoy that has been dispatched"):
        remove(convoy, reporter, 1)
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_a_long_item_and_checkpoint_make_a_shortened_title_not_an_error(client, reporter, org_a):
    """Each may take 200 characters: the incident's title (200 at most) is cut, its summary keeps both."""
    from django.urls import reverse

    from aidtrack.convoys.services import CargoInput, DestinationInput, convoy_create
    from tests.staff.conftest import login

    area = AreaFactory()
    area.communities.add(community("C2499", 33.4592, 36.1918))
    item, place = "Surgical kit " + "x" * 187, "Checkpoint " + "y" * 189
    convoy = convoy_create(
        by=reporter,
        reference="CV-LONG",
        lead_organization=org_a,
        origin_name="Damascus",
        destinations=[DestinationInput(area=area, planned_beneficiaries=10)],
        cargo_lines=[CargoInput("health", item, 10, "kits")],
    )
    for status in (ConvoyStatus.SUBMITTED, ConvoyStatus.APPROVED, ConvoyStatus.DISPATCHED):
        convoy_transition(convoy=convoy, to_status=status, by=reporter)
    login(client, reporter)
    data = {"cargo_line": convoy.cargo_lines.get().pk, "quantity_removed": "1", "removed_on": "2016-09-19"}
    response = client.post(reverse("staff:convoy_removal", args=[convoy.pk]), {**data, "place_name": place})
    assert response.status_code == 302
    incident = convoy.removals.get().incident
    assert len(incident.title) == 200 and incident.title.startswith("Surgical kit") and incident.title.endswith("…")
    assert item in incident.public_summary and place in incident.public_summary
