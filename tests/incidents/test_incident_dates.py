"""An incident has happened: a date in the future is refused with a message that says so, on every path in."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aidtrack.incidents.services import incident_check, incident_update
from tests.incidents.test_incidents import report

FUTURE = datetime.date(2031, 1, 1)


def test_reporting_a_future_date_is_refused(reporter, org_a):
    with pytest.raises(ValidationError, match="2031-01-01 is in the future") as refused:
        report(reporter, org_a, occurred_on=FUTURE)
    assert "occurred_on" in refused.value.message_dict


def test_an_edit_to_a_future_date_is_refused_and_today_is_accepted(reporter, org_a):
    incident = report(reporter, org_a)
    with pytest.raises(ValidationError, match="give the day it happened"):
        incident_update(incident=incident, by=reporter, expected_version=incident.version, occurred_on=FUTURE)
    today = timezone.localdate()
    edited = incident_update(incident=incident, by=reporter, expected_version=incident.version, occurred_on=today)
    assert edited.occurred_on == today


def test_the_check_imports_use_refuses_it_too(reporter, org_a):
    fields = {"category": "3", "title": "T", "latitude": 33.5, "longitude": 36.5, "public_summary": "S"}
    with pytest.raises(ValidationError, match="is in the future"):
        incident_check(organization=org_a, by=reporter, occurred_on=FUTURE, **fields)
    assert incident_check(organization=org_a, by=reporter, occurred_on=datetime.date(2016, 9, 19), **fields)


def test_the_staff_form_shows_it_next_to_the_date(client, reporter, org_a, geography):
    from django.urls import reverse

    from aidtrack.incidents.models import Incident
    from tests.staff.conftest import login
    from tests.staff.test_incident_screens import form_data

    login(client, reporter)
    page = client.post(reverse("staff:incident_create"), form_data(org_a, occurred_on="2031-01-01")).content.decode()
    assert 'id="id_occurred_on_error"' in page and "2031-01-01 is in the future" in page
    assert not Incident.objects.exists()
