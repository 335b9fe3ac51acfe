"""Every record has a history tab: who changed what, when, with old and new values."""

from django.urls import reverse

from aidtrack.convoys.models import ConvoyStatus
from aidtrack.convoys.services import convoy_transition
from aidtrack.incidents.services import incident_update
from tests.factories import make_convoy
from tests.staff.conftest import login, report


def test_incident_history_shows_who_changed_which_field_from_what_to_what(client, reporter, reviewer, org_a, geography):
    incident = report(reporter, org_a, geography, title="First title", people_killed=1)
    incident_update(incident=incident, by=reviewer, expected_version=1, title="Second title", people_killed=3)
    login(client, reporter)
    page = client.get(reverse("staff:incident_history", args=[incident.pk])).content.decode()
    assert "<strong><bdi>reviewer.a</bdi></strong> changed it" in page and "(version 2)" in page
    assert '<td class="old" dir="auto">First title</td><td class="new" dir="auto">Second title</td>' in page
    assert '<td>People killed</td><td class="old" dir="auto">1</td><td class="new" dir="auto">3</td>' in page
    assert "<strong><bdi>reporter.a</bdi></strong> created it" in page


def test_convoy_history_shows_status_changes_set_by_the_service(client, reporter, org_a):
    convoy = make_convoy(reporter, org_a)
    convoy_transition(convoy=convoy, to_status=ConvoyStatus.SUBMITTED, by=reporter)
    login(client, reporter)
    page = client.get(reverse("staff:convoy_history", args=[convoy.pk])).content.decode()
    assert '<td>Status</td><td class="old" dir="auto">Draft</td><td class="new" dir="auto">Submitted</td>' in page
