"""Editing a convoy request: version-checked, by its lead organization, cargo fixed once submitted."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from aidtrack.convoys.models import ConvoyStatus
from aidtrack.convoys.services import CargoInput, DestinationInput, convoy_transition, convoy_update
from aidtrack.errors import StaleEditError
from tests.factories import AreaFactory, make_convoy


def test_a_draft_is_edited_with_new_destinations_and_cargo(reporter, org_a, org_b):
    convoy = make_convoy(reporter, org_a)
    area = AreaFactory(name_en="Madaya")
    convoy = convoy_update(
        convoy=convoy,
        by=reporter,
        expected_version=1,
        title="Convoy to Madaya",
        trucks=8,
        partner_organizations=[org_b],
        destinations=[DestinationInput(area=area, planned_beneficiaries=38000)],
        cargo_lines=[CargoInput("food", "Food parcels", 2000, "parcels")],
    )
    assert (convoy.title, convoy.trucks, convoy.version) == ("Convoy to Madaya", 8, 2)
    assert list(convoy.partner_organizations.all()) == [org_b]
    assert [(d.area, d.planned_beneficiaries) for d in convoy.destinations.all()] == [(area, 38000)]
    assert [c.item for c in convoy.cargo_lines.all()] == ["Food parcels"]
    assert convoy.history.first().history_user == reporter


def test_an_edit_on_an_old_version_is_refused_and_changes_nothing(reporter, org_a):
    convoy = make_convoy(reporter, org_a)
    convoy_update(convoy=convoy, by=reporter, expected_version=1, title="First")
    with pytest.raises(StaleEditError):
        convoy_update(convoy=convoy, by=reporter, expected_version=1, title="Second")
    convoy.refresh_from_db()
    assert (convoy.title, convoy.version) == ("First", 2)


def test_cargo_is_fixed_once_submitted_but_notes_can_still_be_corrected(reporter, org_a):
    convoy = make_convoy(reporter, org_a)
    convoy_transition(convoy=convoy, to_status=ConvoyStatus.SUBMITTED, by=reporter)
    convoy.refresh_from_db()
    with pytest.raises(ValidationError, match="destinations and cargo can only be changed while it is a draft"):
        convoy_update(convoy=convoy, by=reporter, expected_version=convoy.version, cargo_lines=[])
    assert convoy.cargo_lines.count() == 2
    convoy = convoy_update(convoy=convoy, by=reporter, expected_version=convoy.version, notes="Route via Beirut road")
    assert convoy.notes == "Route via Beirut road"


def test_status_and_lead_organization_cannot_be_edited(reporter, org_a, org_b):
    convoy = make_convoy(reporter, org_a)
    with pytest.raises(ValidationError, match="status changes through a transition"):
        convoy_update(convoy=convoy, by=reporter, expected_version=1, status=ConvoyStatus.DELIVERED)
    with pytest.raises(ValidationError, match="lead organization is fixed"):
        convoy_update(convoy=convoy, by=reporter, expected_version=1, lead_organization=org_b)


def test_another_organization_cannot_edit(reporter, outsider, org_a):
    convoy = make_convoy(reporter, org_a)
    with pytest.raises(PermissionDenied):
        convoy_update(convoy=convoy, by=outsider, expected_version=1, title="Hijacked")
    convoy.refresh_from_db()
    assert convoy.title == ""
