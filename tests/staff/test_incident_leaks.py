"""Another organization's incident reads on the staff screens as the public API reads it, field by field."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from aidtrack.convoys.services import convoy_transition
from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.incidents.models import VerificationStatus
from aidtrack.incidents.services import incident_review
from aidtrack.orgs.models import Visibility
from tests.factories import AreaFactory, UserFactory, make_convoy, square
from tests.staff.conftest import login, report


@pytest.fixture
def register_area(geography):
    """Madaya's register area, in a district and sub-district of their own (the exact place's surroundings)."""
    district = AdminArea.objects.create(
        pcode="SY0307",
        level=AdminLevel.DISTRICT,
        name_en="Az-Zabdani",
        parent=geography["SY03"],
        geometry=square(36, 33),
    )
    AdminArea.objects.create(
        pcode="SY030703", level=AdminLevel.SUBDISTRICT, name_en="Madaya", parent=district, geometry=square(36, 33)
    )
    geography["madaya"].name_en = "CANARY-COMMUNITY"
    geography["madaya"].save()
    area = AreaFactory(name_en="CANARY-REGISTER-AREA")
    area.communities.add(geography["madaya"])
    return area


@pytest.fixture
def restricted_convoy(reporter, org_a):
    return make_convoy(reporter, org_a, reference="CV-CANARY-RESTRICTED", visibility=Visibility.RESTRICTED)


@pytest.fixture
def published(reporter, reviewer, org_a, geography, register_area, restricted_convoy):
    """A verified public incident of ALPHA whose exact place is not to be published."""
    incident = report(
        reporter,
        org_a,
        geography,
        title="Published obstruction",
        location_name="CANARY-PLACE behind the mill",
        latitude=33.691234,
        longitude=36.097123,
        area=register_area,
        convoy=restricted_convoy,
    )
    return incident_review(incident=incident, by=reviewer, outcome=VerificationStatus.VERIFIED)


@pytest.fixture
def nobody(db):
    """A signed-in account that belongs to no organization."""
    return UserFactory(username="no.org")


HIDDEN = (
    "CANARY-PLACE",
    "33.691234",
    "36.097123",
    "CANARY-REGISTER-AREA",
    "CV-CANARY-RESTRICTED",
    "CANARY-COMMUNITY",
    "C2450",
)


@pytest.mark.parametrize("who", ["outsider", "nobody"])
def test_another_organizations_incident_shows_only_its_public_part(client, published, outsider, nobody, who):
    login(client, {"outsider": outsider, "nobody": nobody}[who])
    response = client.get(reverse("staff:incident_detail", args=[published.pk]))
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert [canary for canary in HIDDEN if canary in page] == []
    # What the public may know: the sub-district, generalised, and saying so.
    assert "Madaya" in page and "generalised to the sub-district" in page and "33.5, 36.5" in page
    assert "Published obstruction" in page and "The checkpoint was closed all day." in page


def test_members_of_the_reporting_organization_see_everything(client, published, reporter):
    login(client, reporter)
    page = client.get(reverse("staff:incident_detail", args=[published.pk])).content.decode()
    assert [canary for canary in HIDDEN if canary not in page] == []


def test_an_exact_point_marked_safe_to_publish_is_shown_to_others(client, published, outsider, reporter, reviewer):
    from aidtrack.incidents.services import incident_update

    edited = incident_update(
        incident=published, by=reporter, expected_version=published.version, publish_exact_location=True
    )
    incident_review(incident=edited, by=reviewer, outcome=VerificationStatus.VERIFIED)
    login(client, outsider)
    page = client.get(reverse("staff:incident_detail", args=[published.pk])).content.decode()
    assert "CANARY-PLACE" in page and "33.691234" in page and "CANARY-REGISTER-AREA" in page
    assert "CV-CANARY-RESTRICTED" not in page  # the restricted convoy stays hidden whatever the incident says


def test_a_linked_public_convoy_is_named_once_submitted(client, published, outsider, reporter, restricted_convoy):
    from aidtrack.convoys.services import convoy_update

    convoy_update(convoy=restricted_convoy, by=reporter, expected_version=1, visibility=Visibility.PUBLIC)
    login(client, outsider)
    detail = reverse("staff:incident_detail", args=[published.pk])
    assert "CV-CANARY-RESTRICTED" not in client.get(detail).content.decode()  # a draft is not published
    convoy_transition(convoy=restricted_convoy, to_status="submitted", by=reporter)
    assert "CV-CANARY-RESTRICTED" in client.get(detail).content.decode()


def test_the_search_reads_only_what_the_reader_may_read(client, published, outsider, reporter):
    url = reverse("staff:incident_list")
    login(client, outsider)
    assert "Published obstruction" not in client.get(url, {"q": "CANARY-PLACE"}).content.decode()
    assert "Published obstruction" not in client.get(url, {"q": "own account"}).content.decode()
    assert "Published obstruction" in client.get(url, {"q": "checkpoint was closed"}).content.decode()
    login(client, reporter)
    assert "Published obstruction" in client.get(url, {"q": "CANARY-PLACE"}).content.decode()
    assert "Published obstruction" in client.get(url, {"q": "own account"}).content.decode()


def test_the_list_names_the_sub_district_not_the_community_of_others(client, published, outsider, reporter):
    login(client, outsider)
    listing = client.get(reverse("staff:incident_list")).content.decode()
    row = listing[listing.index("Published obstruction") :]
    assert '<td dir="auto">Madaya</td>' in row[:400]  # the sub-district
    assert "CANARY" not in listing


def test_the_review_queue_searches_the_internal_description(client, reporter, reviewer, org_a, geography):
    report(reporter, org_a, geography, title="To review", internal_description="CANARY-INTERNAL witness")
    login(client, reviewer)
    page = client.get(reverse("staff:review_queue"), {"q": "CANARY-INTERNAL"}).content.decode()
    assert "To review" in page


def test_an_incident_with_neither_community_nor_governorate_is_listed(client, reporter, reviewer, org_a, geography):
    lost = report(reporter, org_a, geography, title="Far away", latitude=10.0, longitude=10.0)
    assert lost.admin1 is None and lost.community is None
    login(client, reviewer)
    for url in (reverse("staff:incident_list"), reverse("staff:review_queue"), reverse("staff:dashboard")):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert "Far away" in response.content.decode(), url
    assert client.get(reverse("staff:incident_detail", args=[lost.pk])).status_code == HTTPStatus.OK


def test_a_place_known_only_to_its_governorate_is_given_no_point(
    client, reporter, reviewer, outsider, org_a, geography
):
    """No sub-district or district is loaded here: the governorate's centre would place it far from the truth."""
    incident = report(reporter, org_a, geography, title="Somewhere in the governorate", latitude=33.2, longitude=36.9)
    incident_review(incident=incident, by=reviewer, outcome=VerificationStatus.VERIFIED)
    login(client, outsider)
    page = client.get(reverse("staff:incident_detail", args=[incident.pk])).content.decode()
    assert "generalised to the governorate" in page and "none shown: only the governorate is known" in page
    assert "33.5" not in page and "36.5" not in page and "33.2" not in page
