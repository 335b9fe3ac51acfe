"""Deleting incidents: reviewers of the organization and site admins only; the history keeps a tombstone."""

import pytest
from django.core.exceptions import PermissionDenied

from aidtrack.incidents.models import Incident
from aidtrack.incidents.services import incident_delete
from tests.incidents.test_incidents import report


@pytest.mark.django_db
def test_a_reviewer_deletes_and_the_history_records_it(reporter, reviewer, org_a):
    incident = report(reporter, org_a)
    incident_delete(incident=incident, by=reviewer)
    assert not Incident.objects.filter(pk=incident.pk).exists()
    last = Incident.history.filter(id=incident.pk).order_by("-history_date").first()
    assert last.history_type == "-" and last.history_user == reviewer


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["reporter", "outsider"])
def test_reporters_and_other_organizations_may_not_delete(request, who, reporter, org_a):
    incident = report(reporter, org_a)
    with pytest.raises(PermissionDenied):
        incident_delete(incident=incident, by=request.getfixturevalue(who))
    assert Incident.objects.filter(pk=incident.pk).exists()
