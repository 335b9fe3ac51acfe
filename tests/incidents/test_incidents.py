"""Reporting, editing and verifying incidents."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from aidtrack.incidents.models import Incident, VerificationStatus
from aidtrack.incidents.services import incident_create, incident_review, incident_update
from aidtrack.orgs.models import Role
from tests.factories import AdminAreaFactory, community, member, square

V = VerificationStatus


def report(by, organization, **fields):
    values = {
        "category": "4",
        "title": "Convoy held at checkpoint",
        "occurred_on": datetime.date(2016, 9, 19),
        "latitude": 33.5,
        "longitude": 36.5,
        "public_summary": "Held for six hours.",
    }
    values.update(fields)
    return incident_create(by=by, organization=organization, **values)


@pytest.mark.django_db
def test_a_reported_incident_gets_a_reference_and_its_admin_areas(reporter, org_a):
    governorate = AdminAreaFactory(pcode="SY03", geometry=square(36.0, 33.0))
    place = community("C2450", 33.51, 36.51, parent=governorate)
    incident = report(reporter, org_a)
    assert incident.reference == f"INC-2016-{incident.pk:06d}"
    assert incident.admin1 == governorate
    assert incident.community == place
    assert incident.verification_status == V.REPORTED
    assert incident.reported_by == reporter


@pytest.mark.django_db
def test_a_pcode_without_a_point_places_the_incident(reporter, org_a):
    governorate = AdminAreaFactory(pcode="SY07")
    place = community("C3905", 35.98, 36.70, parent=governorate)
    incident = report(reporter, org_a, latitude=None, longitude=None, stated_area=place, geo_precision=3)
    assert (incident.admin1, incident.community) == (governorate, place)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"latitude": 123}, "latitude must lie between -90 and 90"),
        ({"longitude": 200}, "longitude must lie between -180 and 180"),
        ({"longitude": None}, "Give both latitude and longitude"),
        ({"latitude": None, "longitude": None}, "needs a point"),
        ({"category": ""}, "An obstruction needs one of the access categories"),
        ({"people_killed": -1}, "greater than or equal to 0"),
        ({"category": "12"}, "not a valid choice"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(reporter, org_a, fields, message):
    with pytest.raises(ValidationError) as refused:
        report(reporter, org_a, **fields)
    assert message in " ".join(refused.value.messages)
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_an_access_record_needs_no_category(reporter, org_a):
    assert report(reporter, org_a, kind="access", category="").pk


@pytest.mark.django_db
def test_services_assign_what_callers_may_not_set(reporter, org_a):
    with pytest.raises(ValidationError, match="verification_status cannot be set directly"):
        report(reporter, org_a, verification_status=V.VERIFIED)


@pytest.mark.django_db
def test_a_reporter_of_another_organization_cannot_report_for_it(outsider, org_a):
    with pytest.raises(PermissionDenied):
        report(outsider, org_a)


@pytest.mark.django_db
def test_a_reviewer_who_did_not_report_it_verifies(reporter, reviewer, org_a):
    incident = incident_review(incident=report(reporter, org_a), by=reviewer, outcome=V.VERIFIED)
    assert (incident.verification_status, incident.verified_by) == (V.VERIFIED, reviewer)
    assert incident.verified_at is not None
    assert incident.is_public


@pytest.mark.django_db
def test_a_reviewer_cannot_verify_what_they_reported(reviewer, org_a):
    incident = report(reviewer, org_a)
    with pytest.raises(PermissionDenied, match="cannot review it"):
        incident_review(incident=incident, by=reviewer, outcome=V.VERIFIED)
    incident.refresh_from_db()
    assert incident.verification_status == V.REPORTED


@pytest.mark.django_db
def test_a_site_admin_who_reported_it_cannot_verify_it_either(site_admin, org_a):
    incident = report(site_admin, org_a)
    with pytest.raises(PermissionDenied):
        incident_review(incident=incident, by=site_admin, outcome=V.VERIFIED)


@pytest.mark.django_db
def test_reporters_and_other_organizations_reviewers_cannot_verify(reporter, org_a, org_b):
    incident = report(reporter, org_a)
    colleague = member(org_a, Role.REPORTER)
    foreign_reviewer = member(org_b, Role.REVIEWER)
    for user in (colleague, foreign_reviewer):
        with pytest.raises(PermissionDenied, match="not a reviewer for ALPHA"):
            incident_review(incident=incident, by=user, outcome=V.VERIFIED)


@pytest.mark.django_db
@pytest.mark.parametrize("outcome", [V.DISPUTED, V.REJECTED])
def test_disputing_or_rejecting_needs_a_reason(reporter, reviewer, org_a, outcome):
    incident = report(reporter, org_a)
    with pytest.raises(ValidationError, match="a reason is required"):
        incident_review(incident=incident, by=reviewer, outcome=outcome)
    incident = incident_review(incident=incident, by=reviewer, outcome=outcome, note="Two sources contradict it.")
    assert incident.verification_status == outcome


@pytest.mark.django_db
def test_a_reporters_edit_sends_a_verified_incident_back_to_review(reporter, reviewer, org_a):
    incident = incident_review(incident=report(reporter, org_a), by=reviewer, outcome=V.VERIFIED)
    incident = incident_update(incident=incident, by=reporter, expected_version=incident.version, people_injured=3)
    assert incident.verification_status == V.REPORTED
    assert incident.verified_by is None


@pytest.mark.django_db
def test_of_two_edits_from_the_same_version_the_second_is_refused(reporter, org_a):
    incident = report(reporter, org_a)
    version = incident.version
    incident_update(incident=incident, by=reporter, expected_version=version, people_injured=3)
    with pytest.raises(ValidationError, match="changed by someone else"):
        incident_update(incident=incident, by=reporter, expected_version=version, people_killed=1)
    incident.refresh_from_db()
    assert (incident.people_injured, incident.people_killed) == (3, 0)


@pytest.mark.django_db
def test_the_history_says_who_changed_which_field(reporter, org_a):
    incident = report(reporter, org_a)
    incident_update(incident=incident, by=reporter, expected_version=incident.version, people_injured=3)
    latest, previous = incident.history.all()[:2]
    delta = latest.diff_against(previous)
    assert latest.history_user == reporter
    assert {(c.field, c.old, c.new) for c in delta.changes} >= {("people_injured", 0, 3)}


def test_an_update_can_add_sources_in_the_same_save(reporter, org_a):
    from aidtrack.incidents.services import SourceInput

    incident = report(reporter, org_a)
    incident_update(
        incident=incident,
        by=reporter,
        expected_version=incident.version,
        add_sources=[SourceInput(kind="media", name="Reuters", reference="https://example.org/a")],
        title="Updated",
    )
    assert list(incident.sources.values_list("name", flat=True)) == ["Reuters"]
