"""Reporting, reading and editing incidents on the staff screens, within the user's organizations."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from aidtrack.incidents.models import Incident, VerificationStatus
from aidtrack.orgs.models import Visibility
from tests.staff.conftest import login, report


def form_data(organization, **changes):
    data = {
        "organization": organization.pk,
        "kind": "obstruction",
        "category": "5",
        "title": "Convoy shelled near Madaya",
        "occurred_on": "2016-09-19",
        "occurred_time": "",
        "date_precision": "day",
        "location_name": "Madaya entrance",
        "latitude": "33.6901",
        "longitude": "36.0963",
        "geo_precision": "1",
        "stated_area": "",
        "public_summary": "A convoy was shelled.",
        "internal_description": "Driver's account by phone.",
        "people_killed": "2",
        "people_injured": "5",
        "aid_workers_killed": "0",
        "aid_workers_injured": "1",
        "aid_workers_abducted": "0",
        "aid_workers_detained": "0",
        "vehicles_damaged": "3",
        "beneficiaries_affected": "38000",
        "supplies_lost": "",
        "access_effect": "blocked",
        "visibility": "partners",
        "external_id": "",
        "sources-TOTAL_FORMS": "2",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "10",
        "sources-0-kind": "own_staff",
        "sources-0-name": "SARC field team",
        "sources-0-reference": "",
        "sources-0-reliability": "reliable",
        "sources-0-contact": "+963 11 000",
        "sources-1-kind": "",
        "sources-1-name": "",
        "sources-1-reference": "",
        "sources-1-reliability": "unknown",
        "sources-1-contact": "",
    }
    data.update(changes)
    return data


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("staff:incident_create"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("staff:login"))


def test_a_reporter_reports_an_incident_and_the_admin_areas_are_assigned(client, reporter, org_a, geography):
    login(client, reporter)
    assert client.get(reverse("staff:incident_create")).status_code == HTTPStatus.OK
    response = client.post(reverse("staff:incident_create"), form_data(org_a))
    incident = Incident.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("staff:incident_detail", args=[incident.pk])
    assert incident.organization == org_a and incident.reported_by == reporter
    assert incident.admin1.pcode == "SY03" and incident.community.pcode == "C2450"
    assert incident.verification_status == VerificationStatus.REPORTED
    assert incident.people_killed == 2 and incident.beneficiaries_affected == 38000
    assert [s.name for s in incident.sources.all()] == ["SARC field team"]
    page = client.get(response["Location"]).content.decode()
    assert "Rural Damascus (SY03)" in page and "Madaya (C2450)" in page


def test_a_community_typed_by_a_spelling_variant_places_an_incident_without_coordinates(
    client, reporter, org_a, geography
):
    login(client, reporter)
    response = client.post(
        reverse("staff:incident_create"),
        form_data(org_a, latitude="", longitude="", geo_precision="3", stated_area="Mudaya"),
    )
    assert response.status_code == HTTPStatus.FOUND
    incident = Incident.objects.get()
    assert incident.stated_area.pcode == "C2450"
    assert incident.admin1.pcode == "SY03" and incident.latitude is None


def test_a_report_without_a_place_is_refused_and_keeps_what_was_typed(client, reporter, org_a, geography):
    login(client, reporter)
    response = client.post(
        reverse("staff:incident_create"), form_data(org_a, latitude="", longitude="", title="Kept title")
    )
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert not Incident.objects.exists()
    assert "Say where it happened: click the map, type the coordinates, or search a community." in page
    assert 'value="Kept title"' in page and "Driver&#x27;s account by phone." in page
    assert 'value="SARC field team"' in page


def test_an_unknown_community_says_how_to_fix_it(client, reporter, org_a, geography):
    login(client, reporter)
    page = client.post(
        reverse("staff:incident_create"), form_data(org_a, latitude="", longitude="", stated_area="Xyzzyville")
    ).content.decode()
    assert "No community matches “Xyzzyville”. Check the spelling, or type its P-code (e.g. C2450)." in page


def test_an_obstruction_without_a_category_is_refused_by_the_model_rule(client, reporter, org_a, geography):
    login(client, reporter)
    page = client.post(reverse("staff:incident_create"), form_data(org_a, category="")).content.decode()
    assert "An obstruction needs one of the access categories" in page
    assert not Incident.objects.exists()


def test_a_reporter_cannot_report_for_another_organization(client, reporter, org_b, geography):
    login(client, reporter)
    page = client.post(reverse("staff:incident_create"), form_data(org_b)).content.decode()
    assert "Select a valid choice" in page
    assert not Incident.objects.exists()


def test_a_user_without_a_writing_role_cannot_open_the_report_form(client, db, org_a):
    from aidtrack.orgs.models import Role
    from tests.factories import member

    admin_only = member(org_a, Role.ORGANIZATION_ADMIN, username="orgadmin")
    login(client, admin_only)
    assert client.get(reverse("staff:incident_create")).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("visibility", [Visibility.PARTNERS, Visibility.RESTRICTED])
def test_another_organization_never_sees_partners_only_or_restricted_incidents(
    client, reporter, outsider, reviewer, org_a, geography, visibility
):
    from aidtrack.incidents.services import incident_review

    incident = report(reporter, org_a, geography, visibility=visibility, title="Hidden from outsiders")
    incident_review(incident=incident, by=reviewer, outcome=VerificationStatus.VERIFIED)
    login(client, outsider)
    assert "Hidden from outsiders" not in client.get(reverse("staff:incident_list")).content.decode()
    assert "Hidden from outsiders" not in client.get(reverse("staff:incident_list"), {"q": "Hidden"}).content.decode()
    assert client.get(reverse("staff:incident_detail", args=[incident.pk])).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("staff:incident_edit", args=[incident.pk])).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("staff:incident_history", args=[incident.pk])).status_code == HTTPStatus.NOT_FOUND
    login(client, reporter)
    assert "Hidden from outsiders" in client.get(reverse("staff:incident_list")).content.decode()


def test_another_organization_sees_a_published_incident_without_internal_detail(
    client, reporter, outsider, reviewer, org_a, geography
):
    from aidtrack.incidents.services import incident_review

    incident = report(reporter, org_a, geography, visibility=Visibility.PUBLIC, title="Published one")
    unverified = report(reporter, org_a, geography, visibility=Visibility.PUBLIC, title="Not yet verified")
    incident_review(incident=incident, by=reviewer, outcome=VerificationStatus.VERIFIED)
    login(client, outsider)
    listing = client.get(reverse("staff:incident_list")).content.decode()
    assert "Published one" in listing and "Not yet verified" not in listing
    page = client.get(reverse("staff:incident_detail", args=[incident.pk])).content.decode()
    assert "The checkpoint was closed all day." in page
    assert "Driver&#x27;s own account" not in page and "secret phone" not in page and "reporter.a" not in page
    assert client.get(reverse("staff:incident_detail", args=[unverified.pk])).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("staff:incident_edit", args=[incident.pk])).status_code == HTTPStatus.FORBIDDEN


def test_an_edit_saves_through_the_service_and_bumps_the_version(client, reporter, org_a, geography):
    incident = report(reporter, org_a, geography)
    login(client, reporter)
    data = form_data(org_a, title="Checkpoint closed for two days", expected_version=str(incident.version))
    response = client.post(reverse("staff:incident_edit", args=[incident.pk]), data)
    assert response.status_code == HTTPStatus.FOUND
    incident.refresh_from_db()
    assert incident.title == "Checkpoint closed for two days" and incident.version == 2


def test_the_reviewer_verifies_but_not_what_they_reported(client, reporter, reviewer, org_a, geography):
    incident = report(reporter, org_a, geography)
    own = report(reviewer, org_a, geography, title="Reviewer's own report")
    login(client, reviewer)
    assert "Record the review" in client.get(reverse("staff:incident_detail", args=[incident.pk])).content.decode()
    assert "Record the review" not in client.get(reverse("staff:incident_detail", args=[own.pk])).content.decode()
    client.post(reverse("staff:incident_review", args=[incident.pk]), {"outcome": "verified", "note": ""})
    incident.refresh_from_db()
    assert incident.verification_status == VerificationStatus.VERIFIED and incident.verified_by == reviewer
    response = client.post(reverse("staff:incident_review", args=[own.pk]), {"outcome": "verified"}, follow=True)
    assert "cannot review it: another reviewer must verify it" in response.content.decode()
    own.refresh_from_db()
    assert own.verification_status == VerificationStatus.REPORTED


def test_a_reporter_cannot_review(client, reporter, reviewer, org_a, geography):
    incident = report(reviewer, org_a, geography)
    login(client, reporter)
    response = client.post(reverse("staff:incident_review", args=[incident.pk]), {"outcome": "verified"}, follow=True)
    assert "is not a reviewer for ALPHA" in response.content.decode()
    incident.refresh_from_db()
    assert incident.verification_status == VerificationStatus.REPORTED


def test_an_edit_can_add_a_source_and_keeps_the_existing_ones(client, reporter, org_a, geography):
    incident = report(reporter, org_a, geography)
    login(client, reporter)
    url = reverse("staff:incident_edit", args=[incident.pk])
    assert "Field team" in client.get(url).content.decode()
    data = form_data(org_a, expected_version=str(incident.version))
    data.update({"sources-0-kind": "media", "sources-0-name": "Reuters", "sources-0-contact": ""})
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    assert [s.name for s in incident.sources.order_by("pk")] == ["Field team", "Reuters"]


def test_a_source_without_a_kind_is_refused_and_nothing_is_saved(client, reporter, org_a, geography):
    incident = report(reporter, org_a, geography)
    login(client, reporter)
    data = form_data(org_a, title="Changed", expected_version=str(incident.version))
    data.update({"sources-0-kind": "", "sources-0-name": "Someone"})
    page = client.post(reverse("staff:incident_edit", args=[incident.pk]), data).content.decode()
    assert "Say what kind of source this is." in page
    incident.refresh_from_db()
    assert incident.title == "Checkpoint closed" and incident.sources.count() == 1
