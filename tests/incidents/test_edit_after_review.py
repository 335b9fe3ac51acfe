"""An edit to what a review vouched for sends a reviewed incident back to "reported", whoever edits it."""

import pytest

from aidtrack.incidents.models import VerificationStatus as V
from aidtrack.incidents.selectors import incidents_visible_to
from aidtrack.incidents.services import SourceInput, incident_review, incident_update
from aidtrack.orgs.audience import PUBLIC
from aidtrack.orgs.models import Role, Visibility
from tests.factories import member
from tests.incidents.test_incidents import report


@pytest.fixture
def reporting_reviewer(org_a):
    """A reviewer who reports too: another reviewer must verify what they report."""
    return member(org_a, Role.REVIEWER, username="reviewer.reports")


@pytest.fixture
def verified(reporting_reviewer, reviewer, org_a):
    incident = report(reporting_reviewer, org_a, visibility=Visibility.PUBLIC)
    return incident_review(incident=incident, by=reviewer, outcome=V.VERIFIED)


def edit(incident, by, **changes):
    return incident_update(incident=incident, by=by, expected_version=incident.version, **changes)


def public_ids():
    return set(incidents_visible_to(PUBLIC).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "Unreviewed title"},
        {"public_summary": "Unreviewed text"},
        {"latitude": 33.95, "longitude": 36.95},
        {"publish_exact_location": True},
        {"people_killed": 7},
        {"internal_description": "A different account"},
    ],
    ids=lambda changes: ",".join(changes),
)
def test_a_reporter_who_also_reviews_cannot_keep_their_edit_verified(verified, reporting_reviewer, changes):
    assert verified.pk in public_ids()
    edited = edit(verified, reporting_reviewer, **changes)
    assert edited.verification_status == V.REPORTED and edited.verified_by is None and edited.verified_at is None
    assert verified.pk not in public_ids()
    latest = edited.history.latest()
    assert latest.verification_status == V.REPORTED
    assert "sent back for review" in latest.history_change_reason


def test_the_reviewer_who_verified_it_sends_it_back_too(verified, reviewer):
    assert edit(verified, reviewer, title="Corrected by the reviewer").verification_status == V.REPORTED


def test_a_new_source_sends_it_back(verified, reporting_reviewer):
    source = SourceInput(kind="media", name="A new report")
    assert edit(verified, reporting_reviewer, add_sources=[source]).verification_status == V.REPORTED


@pytest.mark.parametrize(
    "changes",
    [{}, {"title": "Convoy held at checkpoint"}, {"external_id": "OUR-17"}, {"visibility": Visibility.RESTRICTED}],
    ids=["nothing", "same value", "own identifier", "narrower visibility"],
)
def test_what_no_review_vouched_for_leaves_it_verified(verified, reporting_reviewer, changes):
    edited = edit(verified, reporting_reviewer, **changes)
    assert edited.verification_status == V.VERIFIED and edited.verified_by is not None


def test_a_wider_visibility_needs_a_new_review(reporting_reviewer, reviewer, org_a):
    incident = report(reporting_reviewer, org_a, visibility=Visibility.RESTRICTED)
    incident = incident_review(incident=incident, by=reviewer, outcome=V.VERIFIED)
    assert edit(incident, reporting_reviewer, visibility=Visibility.PUBLIC).verification_status == V.REPORTED


def test_a_disputed_incident_corrected_goes_back_to_the_queue(reporting_reviewer, reviewer, org_a):
    incident = report(reporting_reviewer, org_a)
    incident = incident_review(incident=incident, by=reviewer, outcome=V.DISPUTED, note="Wrong date")
    edited = edit(incident, reporting_reviewer, title="Corrected")
    assert edited.verification_status == V.REPORTED and edited.verification_note == ""


def test_the_edit_form_says_so_and_so_does_the_page_after_saving(client, verified, reporting_reviewer, org_a):
    from django.urls import reverse

    from tests.staff.conftest import login
    from tests.staff.test_incident_screens import form_data

    login(client, reporting_reviewer)
    url = reverse("staff:incident_edit", args=[verified.pk])
    assert "sends it back to “reported”" in client.get(url).content.decode()
    data = form_data(org_a, title="Unreviewed title", expected_version=str(verified.version), visibility="public")
    page = client.post(url, data, follow=True).content.decode()
    assert "sent " + verified.reference + " back to “reported”" in page
    verified.refresh_from_db()
    assert verified.verification_status == V.REPORTED
    history = client.get(reverse("staff:incident_history", args=[verified.pk])).content.decode()
    assert "Edited after review: sent back for review." in history
