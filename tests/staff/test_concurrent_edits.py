"""Two people editing the same record: one save wins, the other is refused, and nothing is lost."""

from http import HTTPStatus

from django.test import Client
from django.urls import reverse

from aidtrack.areas.models import StatusPeriod
from aidtrack.areas.services import status_period_add
from aidtrack.incidents.models import Incident
from aidtrack.orgs.models import Role
from tests.factories import AreaFactory, member
from tests.staff.conftest import login, report
from tests.staff.test_incident_screens import form_data


def test_two_concurrent_incident_edits_end_in_one_refusal_and_no_lost_data(reporter, org_a, geography):
    incident = report(reporter, org_a, geography, title="Checkpoint closed")
    colleague = member(org_a, Role.REPORTER, username="colleague.a")
    first, second = login(Client(), reporter), login(Client(), colleague)
    url = reverse("staff:incident_edit", args=[incident.pk])
    # Both open the form on version 1.
    assert 'name="expected_version" value="1"' in first.get(url).content.decode()
    assert 'name="expected_version" value="1"' in second.get(url).content.decode()

    saved = first.post(url, form_data(org_a, title="Checkpoint closed since dawn", expected_version="1"))
    assert saved.status_code == HTTPStatus.FOUND

    refused = second.post(
        url, form_data(org_a, title="Closed", people_injured="9", public_summary="Mine", expected_version="1")
    )
    page = refused.content.decode()
    assert refused.status_code == HTTPStatus.OK
    assert "was changed by someone else" in page
    # The refusal shows what the first person changed, with old and new values...
    assert "Someone saved this record while you were editing" in page
    assert "reporter.a" in page and "Checkpoint closed since dawn" in page
    # ...keeps what the second person typed, now based on the saved version...
    assert 'value="Closed"' in page and 'value="9"' in page and "\nMine</textarea>" in page
    assert 'name="expected_version" value="2"' in page
    # ...and the first person's save is intact.
    incident = Incident.objects.get(pk=incident.pk)
    assert incident.title == "Checkpoint closed since dawn" and incident.people_injured == 5
    assert incident.version == 2

    # Having seen the changes, the second person saves deliberately on top of version 2.
    again = second.post(url, form_data(org_a, title="Closed", expected_version="2"))
    assert again.status_code == HTTPStatus.FOUND
    incident.refresh_from_db()
    assert incident.title == "Closed" and incident.version == 3
    assert incident.history.filter(version=2, title="Checkpoint closed since dawn").exists()


def test_a_status_change_made_on_a_stale_copy_of_an_area_is_refused(reporter, org_a, site_admin):
    area = AreaFactory(name_en="Madaya")
    status_period_add(
        area=area, status="besieged", start_date="2016-01-01", end_date=None, source="OCHA", by=site_admin
    )
    area.refresh_from_db()
    opened_version = area.version
    first, second = login(Client(), reporter), login(Client(), member(org_a, Role.REPORTER, username="b2"))
    url = reverse("staff:area_status", args=[area.pk])
    data = {"status": "hard_to_reach", "start_date": "2016-10-01", "source": "OCHA list", "note": ""}
    ok = first.post(url, {**data, "organization": org_a.pk, "expected_version": opened_version})
    assert ok.status_code == HTTPStatus.FOUND
    stale = second.post(
        url, {**data, "status": "accessible", "organization": org_a.pk, "expected_version": opened_version}
    )
    assert stale.status_code == HTTPStatus.BAD_REQUEST
    assert "was changed by someone else" in stale.content.decode()
    assert list(StatusPeriod.objects.filter(area=area).values_list("status", flat=True)) == [
        "besieged",
        "hard_to_reach",
    ]
