"""The reviewers' verification queue: filters and bulk verify / dispute / reject."""

import datetime
from http import HTTPStatus

from django.urls import reverse

from aidtrack.incidents.models import VerificationStatus
from tests.staff.conftest import login, report


def test_reporters_have_no_queue(client, reporter):
    login(client, reporter)
    assert client.get(reverse("staff:review_queue")).status_code == HTTPStatus.FORBIDDEN


def test_the_queue_holds_only_reported_incidents_of_the_reviewers_organizations(
    client, reporter, reviewer, outsider, org_a, org_b, geography
):
    mine = report(reporter, org_a, geography, title="Alpha report")
    report(outsider, org_b, geography, title="Beta report")
    login(client, reviewer)
    page = client.get(reverse("staff:review_queue")).content.decode()
    assert "Alpha report" in page and "Beta report" not in page
    assert f'name="incident" value="{mine.pk}"' in page


def test_filters_narrow_the_queue(client, reporter, reviewer, org_a, geography):
    report(reporter, org_a, geography, title="Early", occurred_on=datetime.date(2016, 9, 1), category="3")
    report(reporter, org_a, geography, title="Late", occurred_on=datetime.date(2016, 9, 28), category="5")
    login(client, reviewer)
    url = reverse("staff:review_queue")
    assert "Early" not in client.get(url, {"from": "2016-09-15"}).content.decode()
    by_category = client.get(url, {"category": "3"}).content.decode()
    assert "Early" in by_category and "Late" not in by_category
    assert "To “28/09/2016” is not a date: use YYYY-MM-DD" in client.get(url, {"to": "28/09/2016"}).content.decode()
    arabic = client.get(url, {"to": "28/09/2016"}, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "«28/09/2016» ليس تاريخاً" in arabic and "is not a date" not in arabic


def test_bulk_verify_and_the_reviewers_own_reports_are_left_alone(client, reporter, reviewer, org_a, geography):
    first = report(reporter, org_a, geography, title="First")
    second = report(reporter, org_a, geography, title="Second")
    own = report(reviewer, org_a, geography, title="Own")
    login(client, reviewer)
    page = client.get(reverse("staff:review_queue")).content.decode()
    assert f'name="incident" value="{own.pk}"' not in page
    response = client.post(
        reverse("staff:review_queue"),
        {"incident": [first.pk, second.pk, own.pk], "outcome": "verified", "note": ""},
        follow=True,
    )
    text = response.content.decode()
    assert f"2 incident(s) verified: {first.reference}, {second.reference}." in text
    assert f"Not changed — {own.reference}" in text
    for incident in (first, second, own):
        incident.refresh_from_db()
    statuses = {i.title: i.verification_status for i in (first, second, own)}
    assert statuses == {"First": "verified", "Second": "verified", "Own": "reported"}


def test_bulk_reject_needs_a_reason_and_changes_nothing_without_one(client, reporter, reviewer, org_a, geography):
    incident = report(reporter, org_a, geography)
    login(client, reviewer)
    response = client.post(
        reverse("staff:review_queue"), {"incident": [incident.pk], "outcome": "rejected", "note": ""}, follow=True
    )
    assert "a reason is required. Nothing was changed." in response.content.decode()
    incident.refresh_from_db()
    assert incident.verification_status == VerificationStatus.REPORTED
    client.post(
        reverse("staff:review_queue"), {"incident": [incident.pk], "outcome": "rejected", "note": "Duplicate of INC-1"}
    )
    incident.refresh_from_db()
    assert incident.verification_status == VerificationStatus.REJECTED
    assert incident.verification_note == "Duplicate of INC-1"


def test_a_reviewer_cannot_review_another_organizations_incident_by_its_id(
    client, reviewer, outsider, org_b, geography
):
    foreign = report(outsider, org_b, geography)
    login(client, reviewer)
    response = client.post(
        reverse("staff:review_queue"), {"incident": [foreign.pk], "outcome": "verified"}, follow=True
    )
    assert "1 incident(s) are not in your queue and were not changed." in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.verification_status == VerificationStatus.REPORTED


def test_a_bulk_review_on_an_out_of_date_row_is_refused(client, reporter, reviewer, org_a, geography):
    from aidtrack.incidents.services import incident_update

    incident = report(reporter, org_a, geography)
    seen_version = incident.version
    incident_update(incident=incident, by=reporter, expected_version=seen_version, title="Changed meanwhile")
    login(client, reviewer)
    response = client.post(
        reverse("staff:review_queue"),
        {"incident": [incident.pk], f"version_{incident.pk}": seen_version, "outcome": "verified"},
        follow=True,
    )
    assert "was changed by someone else" in response.content.decode()
    incident.refresh_from_db()
    assert incident.verification_status == VerificationStatus.REPORTED


def test_an_id_that_is_no_number_or_too_large_filters_nothing_and_breaks_nothing(
    client, reporter, reviewer, org_a, geography
):
    report(reporter, org_a, geography, title="Still listed")
    login(client, reviewer)
    url = reverse("staff:review_queue")
    for value in ("9" * 30, "²", "-1", "1e3"):
        response = client.get(url, {"organization": value})
        assert response.status_code == HTTPStatus.OK, value
        assert "Still listed" in response.content.decode(), value
    response = client.post(url, {"outcome": "verified", "incident": ["9" * 30, "²"]}, follow=True)
    assert response.status_code == HTTPStatus.OK
    assert "Tick the incidents to review first." in response.content.decode()
