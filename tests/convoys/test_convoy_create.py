"""Creating a convoy request is all or nothing: a bad cargo line leaves no draft, so the retry works."""

import pytest
from django.core.exceptions import ValidationError

from aidtrack.convoys.models import ConvoyRequest
from aidtrack.convoys.services import CargoInput, DestinationInput, convoy_create
from tests.factories import AreaFactory


def create(by, organization, quantity):
    return convoy_create(
        by=by,
        reference="CV-2016-09-014",
        lead_organization=organization,
        origin_name="Damascus",
        destinations=[DestinationInput(area=AreaFactory(), planned_beneficiaries=100)],
        cargo_lines=[CargoInput("food", "Flour", 10, "t"), CargoInput("health", "Kits", quantity, "kits")],
    )


def test_a_failing_cargo_line_leaves_no_draft_and_the_retry_succeeds(reporter, org_a):
    with pytest.raises(ValidationError):
        create(reporter, org_a, quantity=-1)
    assert not ConvoyRequest.objects.exists()
    convoy = create(reporter, org_a, quantity=5)
    assert convoy.cargo_lines.count() == 2 and convoy.events.count() == 1
