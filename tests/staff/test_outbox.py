"""Reports sent from a device's outbox: the same form and service as the form page, created once however often sent."""

import uuid

import pytest
from django.urls import reverse

from aidtrack.incidents.models import Incident
from tests.staff.conftest import login
from tests.staff.test_incident_screens import form_data

pytestmark = pytest.mark.django_db
SEND = reverse("staff:outbox_incident")


def test_a_report_sent_twice_is_created_once_and_the_second_answer_says_so(client, reporter, org_a, geography):
    login(client, reporter)
    data = form_data(org_a, client_key=str(uuid.uuid4()))
    first = client.post(SEND, data)
    again = client.post(SEND, data)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["reference"] == again.json()["reference"]
    assert (first.json()["sent_before"], again.json()["sent_before"]) == (False, True)
    assert Incident.objects.count() == 1
    assert Incident.objects.get().reported_by == reporter


def test_the_form_page_posting_a_report_sent_before_creates_nothing_more(client, reporter, org_a, geography):
    login(client, reporter)
    data = form_data(org_a, client_key=str(uuid.uuid4()))
    client.post(SEND, data)
    page = client.post(reverse("staff:incident_create"), data)
    assert page.status_code == 302 and page.url == reverse("staff:incident_detail", args=[Incident.objects.get().pk])
    assert Incident.objects.count() == 1


def test_a_refused_report_comes_back_with_the_field_and_message(client, reporter, org_a, geography):
    login(client, reporter)
    response = client.post(SEND, form_data(org_a, client_key=str(uuid.uuid4()), occurred_on="2031-01-01"))
    assert response.status_code == 400
    (problem,) = response.json()["errors"]
    assert problem["field"] == "occurred_on" and "2031-01-01 is in the future" in problem["messages"][0]
    assert not Incident.objects.exists()


def test_another_accounts_device_id_is_refused_without_saying_whose(client, reporter, reviewer, org_a, geography):
    key = str(uuid.uuid4())
    login(client, reporter)
    client.post(SEND, form_data(org_a, client_key=key, title="Secret canary title"))
    client.logout()
    login(client, reviewer)
    response = client.post(SEND, form_data(org_a, client_key=key))
    assert response.status_code == 400
    assert "another report" in response.content.decode() and "canary" not in response.content.decode()
    assert Incident.objects.count() == 1


def test_signed_out_the_outbox_is_told_to_sign_in_and_keeps_its_reports(client, org_a):
    response = client.post(SEND, form_data(org_a, client_key=str(uuid.uuid4())))
    assert response.status_code == 401 and "Sign in again" in response.json()["error"]
    assert client.get(reverse("staff:outbox")).status_code == 401


def test_the_status_names_the_account_so_a_device_sends_only_its_own_reports(client, reporter):
    login(client, reporter)
    answer = client.get(reverse("staff:outbox")).json()
    assert answer["user"] == reporter.pk and answer["csrf"]


def test_a_report_without_a_device_id_is_refused(client, reporter, org_a, geography):
    login(client, reporter)
    assert client.post(SEND, form_data(org_a)).status_code == 400


def step_data(convoy, **changes):
    return {
        "to_status": "submitted",
        "note": "",
        "occurred_at": "2016-09-05T10:00",
        "expected_version": str(convoy.version),
        "client_key": str(uuid.uuid4()),
        **changes,
    }


def test_a_convoy_step_sent_twice_is_recorded_once(client, reporter, org_a):
    from tests.factories import make_convoy

    convoy = make_convoy(reporter, org_a)
    login(client, reporter)
    url = reverse("staff:outbox_convoy_step", args=[convoy.pk])
    data = step_data(convoy)
    first, again = client.post(url, data), client.post(url, data)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["sent_before"] is True
    convoy.refresh_from_db()
    assert convoy.status == "submitted" and convoy.events.filter(to_status="submitted").count() == 1


def test_a_convoy_step_made_on_an_out_of_date_page_comes_back_refused(client, reporter, org_a):
    from aidtrack.convoys.services import convoy_transition
    from tests.factories import make_convoy

    convoy = make_convoy(reporter, org_a)
    data = step_data(convoy, to_status="cancelled", note="Called off")
    convoy_transition(convoy=convoy, to_status="submitted", by=reporter)  # someone else, meanwhile
    login(client, reporter)
    response = client.post(reverse("staff:outbox_convoy_step", args=[convoy.pk]), data)
    assert response.status_code == 400
    assert "changed by someone else" in " ".join(m for e in response.json()["errors"] for m in e["messages"])
    convoy.refresh_from_db()
    assert convoy.status == "submitted"


def test_another_organizations_convoy_cannot_be_moved_from_an_outbox(client, reporter, outsider, org_a):
    from tests.factories import make_convoy

    convoy = make_convoy(reporter, org_a, visibility="public")
    login(client, outsider)
    response = client.post(reverse("staff:outbox_convoy_step", args=[convoy.pk]), step_data(convoy))
    assert response.status_code in (403, 404)
    convoy.refresh_from_db()
    assert convoy.status == "draft"


def test_a_step_dated_on_the_device_in_utc_is_recorded_at_that_moment(client, reporter, org_a):
    """The outbox dates a step left undated with the device's clock in UTC ("…Z"), whatever its time zone."""
    import datetime

    from tests.factories import make_convoy

    convoy = make_convoy(reporter, org_a)
    login(client, reporter)
    moment = datetime.datetime.now(datetime.UTC).replace(microsecond=0) - datetime.timedelta(minutes=30)
    data = step_data(convoy, occurred_at=moment.strftime("%Y-%m-%dT%H:%M:%S.000Z"))
    assert client.post(reverse("staff:outbox_convoy_step", args=[convoy.pk]), data).status_code == 201
    assert convoy.events.get(to_status="submitted").occurred_at == moment


def reported(client, organization, **changes) -> Incident:
    client.post(SEND, form_data(organization, client_key=str(uuid.uuid4()), **changes))
    return Incident.objects.latest("pk")


def edit_data(incident, organization, **changes):
    return form_data(organization, expected_version=str(incident.version), client_key=str(uuid.uuid4()), **changes)


def test_an_edit_sent_twice_is_applied_once(client, reporter, org_a, geography):
    login(client, reporter)
    incident = reported(client, org_a)
    url = reverse("staff:outbox_incident_edit", args=[incident.pk])
    data = edit_data(incident, org_a, title="Convoy shelled at the Madaya entrance")
    first, again = client.post(url, data), client.post(url, data)
    assert (first.status_code, again.status_code) == (200, 200)
    assert (first.json()["sent_before"], again.json()["sent_before"]) == (False, True)
    incident.refresh_from_db()
    assert incident.title == "Convoy shelled at the Madaya entrance" and incident.version == 2
    # Still recognised after a later edit: every edit's device id stays in the history.
    client.post(url, edit_data(incident, org_a, title="Third title"))
    assert client.post(url, data).json()["sent_before"] is True
    incident.refresh_from_db()
    assert (incident.title, incident.version) == ("Third title", 3)


def test_an_edit_made_on_an_out_of_date_page_is_refused_with_what_changed_and_the_saved_version(
    client, reporter, reviewer, org_a, geography
):
    from aidtrack.incidents.services import incident_update

    login(client, reporter)
    incident = reported(client, org_a)
    data = edit_data(incident, org_a, title="My edit, typed offline")
    incident_update(incident=incident, by=reviewer, expected_version=1, location_name="Madaya checkpoint 2")
    response = client.post(reverse("staff:outbox_incident_edit", args=[incident.pk]), data)
    assert response.status_code == 400
    answer = response.json()
    assert "Someone saved this incident" in answer["error"] and "version 2" in answer["error"]
    assert answer["expected_version"] == 2
    assert [c["new"] for entry in answer["changes"] for c in entry["changes"]] == ["Madaya checkpoint 2"]
    incident.refresh_from_db()
    assert incident.title == "Convoy shelled near Madaya"
    # Sent again on the saved version (the outbox does so after the refusal), it applies.
    data["expected_version"] = "2"
    assert client.post(reverse("staff:outbox_incident_edit", args=[incident.pk]), data).status_code == 200
    incident.refresh_from_db()
    assert (incident.title, incident.location_name) == ("My edit, typed offline", "Madaya entrance")


def test_a_refused_edit_comes_back_with_the_field_and_message(client, reporter, org_a, geography):
    login(client, reporter)
    incident = reported(client, org_a)
    response = client.post(
        reverse("staff:outbox_incident_edit", args=[incident.pk]), edit_data(incident, org_a, occurred_on="2031-01-01")
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["occurred_on"]
    incident.refresh_from_db()
    assert incident.version == 1


def test_another_organizations_incident_cannot_be_edited_from_an_outbox(client, reporter, outsider, org_a, geography):
    login(client, reporter)
    incident = reported(client, org_a, visibility="public")
    client.logout()
    login(client, outsider)
    response = client.post(reverse("staff:outbox_incident_edit", args=[incident.pk]), edit_data(incident, org_a))
    assert response.status_code in (403, 404)
    incident.refresh_from_db()
    assert incident.version == 1


def removal_data(convoy, **changes):
    return {
        "cargo_line": convoy.cargo_lines.get(item="Surgical kits").pk,
        "quantity_removed": "30",
        "removed_on": "2016-09-06",
        "place_name": "Checkpoint at the entrance",
        "latitude": "33.69",
        "longitude": "36.09",
        "client_key": str(uuid.uuid4()),
        **changes,
    }


def dispatched_convoy(reporter, organization):
    import datetime

    from aidtrack.convoys.services import convoy_transition
    from tests.factories import make_convoy

    convoy = make_convoy(reporter, organization)
    day = datetime.datetime(2016, 9, 1, 8, tzinfo=datetime.UTC)
    for step, status in enumerate(("submitted", "approved", "dispatched")):
        convoy_transition(convoy=convoy, to_status=status, by=reporter, occurred_at=day + datetime.timedelta(days=step))
    return convoy


def test_a_checkpoint_removal_sent_twice_is_recorded_once(client, reporter, org_a, geography):
    convoy = dispatched_convoy(reporter, org_a)
    login(client, reporter)
    url = reverse("staff:outbox_convoy_removal", args=[convoy.pk])
    data = removal_data(convoy)
    first, again = client.post(url, data), client.post(url, data)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["sent_before"] is True and first.json()["incident"] == again.json()["incident"]
    assert convoy.removals.count() == 1 and Incident.objects.filter(convoy=convoy).count() == 1


def test_a_refused_checkpoint_removal_comes_back_with_the_field_and_message(client, reporter, org_a, geography):
    convoy = dispatched_convoy(reporter, org_a)
    login(client, reporter)
    response = client.post(
        reverse("staff:outbox_convoy_removal", args=[convoy.pk]), removal_data(convoy, quantity_removed="500")
    )
    assert response.status_code == 400
    (problem,) = response.json()["errors"]
    assert problem["field"] == "quantity_removed" and "are left on the convoy" in problem["messages"][0]
    assert not convoy.removals.exists()


def test_a_removal_without_a_device_id_is_refused(client, reporter, org_a, geography):
    convoy = dispatched_convoy(reporter, org_a)
    login(client, reporter)
    url = reverse("staff:outbox_convoy_removal", args=[convoy.pk])
    assert client.post(url, removal_data(convoy, client_key="")).status_code == 400
    assert not convoy.removals.exists()
