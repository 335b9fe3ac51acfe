"""A convoy reference is unique within its lead organization, so no form or file learns another's references.

Were references unique across organizations, "this reference already exists"
would tell a user that a convoy they may not see exists (a restricted one,
say). Each lead organization numbers its own requests instead.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from aidtrack.convoys.importers import import_convoys
from aidtrack.convoys.models import ConvoyRequest
from aidtrack.convoys.services import convoy_update
from aidtrack.orgs.models import Visibility
from tests.factories import AreaFactory, make_convoy
from tests.staff.conftest import login
from tests.staff.test_convoy_screens import convoy_data

SECRET = "CV-2016-09-007"


@pytest.fixture
def hidden(reporter, org_a):
    """ALPHA's restricted convoy, which BETA may not know exists."""
    return make_convoy(reporter, org_a, reference=SECRET, visibility=Visibility.RESTRICTED)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_another_organization_creates_the_same_reference_over_the_api(hidden, outsider, org_b):
    area = AreaFactory()
    body = {
        "reference": SECRET,
        "lead_organization": org_b.pk,
        "origin_name": "Damascus",
        "destinations": [{"area": area.pk, "planned_beneficiaries": 10}],
    }
    response = api(outsider).post("/api/v1/convoys/", body, format="json")
    assert response.status_code == 201, response.content
    assert ConvoyRequest.objects.filter(reference=SECRET).count() == 2


def test_the_same_organization_is_told_its_reference_is_taken(hidden, reporter, org_a):
    body = {"reference": SECRET.lower(), "lead_organization": org_a.pk, "origin_name": "Damascus"}
    response = api(reporter).post("/api/v1/convoys/", body, format="json")
    assert response.status_code == 400
    assert "ALPHA already has a convoy request CV-2016-09-007" in response.json()["errors"]["reference"][0]


def test_a_reference_cannot_be_given_to_a_non_member_lead_to_probe_it(hidden, outsider, org_a):
    body = {"reference": SECRET, "lead_organization": org_a.pk, "origin_name": "Damascus"}
    response = api(outsider).post("/api/v1/convoys/", body, format="json")
    assert response.status_code == 403 and SECRET not in response.content.decode()
    other = {**body, "reference": "CV-NEVER-USED"}
    assert (
        api(outsider).post("/api/v1/convoys/", other, format="json").content.decode().replace("CV-NEVER-USED", SECRET)
        == response.content.decode()
    )


def test_another_organization_creates_the_same_reference_on_the_staff_form(client, hidden, outsider, org_b, geography):
    login(client, outsider)
    data = convoy_data(org_b, AreaFactory(), reference=SECRET, **{"destinations-1-community": "C2450"})
    response = client.post(reverse("staff:convoy_create"), data)
    assert response.status_code == 302, response.content.decode()
    assert ConvoyRequest.objects.get(reference=SECRET, lead_organization=org_b)


def test_an_edit_to_a_reference_the_organization_already_uses_is_refused(hidden, reporter, org_a):
    other = make_convoy(reporter, org_a, reference="CV-OTHER")
    with pytest.raises(ValidationError, match="ALPHA already has a convoy request CV-2016-09-007"):
        convoy_update(convoy=other, by=reporter, expected_version=other.version, reference=SECRET)


def test_the_suggested_reference_counts_only_the_users_organizations(client, reporter, outsider, org_a, org_b):
    from django.utils import timezone

    today = timezone.localdate()
    make_convoy(reporter, org_a, reference=f"CV-{today:%Y-%m}-001", visibility=Visibility.RESTRICTED)
    login(client, outsider)
    page = client.get(reverse("staff:convoy_create")).content.decode()
    assert f'value="CV-{today:%Y-%m}-001"' in page


def test_an_import_by_another_organization_makes_its_own_convoy(tmp_path, hidden, outsider, org_b, geography):
    area = AreaFactory(name_en="Madaya")
    area.communities.add(geography["madaya"])
    path = tmp_path / "convoys.csv"
    path.write_text(
        "reference,origin,status,requested date,destination,planned beneficiaries\n"
        f"{SECRET},Damascus,submitted,2016-09-20,Madaya,500\n",
        encoding="utf-8",
    )
    result = import_convoys(str(path), organization=org_b, by=outsider)
    assert [plan.action for plan in result.plans] == ["create"]
    mine = ConvoyRequest.objects.get(reference=SECRET, lead_organization=org_b)
    assert mine.status == "submitted" and mine.requested_date == datetime.date(2016, 9, 20)
    hidden.refresh_from_db()
    assert hidden.status == "draft" and hidden.version == 1
