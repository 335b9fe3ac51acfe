"""An incident report saved unfinished on the server, completed and reported later; seen by its author only."""

import pytest
from django.urls import reverse

from aidtrack.incidents.models import Incident, IncidentDraft
from tests.staff.conftest import login
from tests.staff.test_incident_screens import form_data

pytestmark = pytest.mark.django_db
NEW = reverse("staff:incident_create")


def test_an_unfinished_report_is_saved_as_a_draft_without_its_checks(client, reporter, org_a, geography):
    login(client, reporter)
    unfinished = form_data(org_a, public_summary="", occurred_on="", title="Shelling near Madaya, details to come")
    response = client.post(NEW, {**unfinished, "save_draft": "1"})
    draft = IncidentDraft.objects.get()
    assert response.status_code == 302 and response.url == f"{NEW}?draft={draft.pk}"
    assert not Incident.objects.exists()
    assert draft.title == "Shelling near Madaya, details to come" and "csrfmiddlewaretoken" not in draft.data
    dashboard = client.get(reverse("staff:dashboard")).content.decode()
    assert "Shelling near Madaya, details to come" in dashboard and f"?draft={draft.pk}" in dashboard


def test_a_draft_reopens_with_its_input_and_reporting_it_replaces_it(client, reporter, org_a, geography):
    login(client, reporter)
    data = form_data(org_a, public_summary="", **{"sources-0-name": "Field team", "sources-0-kind": "own_staff"})
    client.post(NEW, {**data, "save_draft": "1"})
    draft = IncidentDraft.objects.get()
    page = client.get(f"{NEW}?draft={draft.pk}").content.decode()
    assert 'value="Convoy shelled near Madaya"' in page and 'value="Field team"' in page
    assert f'name="draft" value="{draft.pk}"' in page and "Nothing was saved" not in page
    response = client.post(NEW, {**data, "public_summary": "A convoy was shelled.", "draft": str(draft.pk)})
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.sources.get().name == "Field team"
    assert not IncidentDraft.objects.exists()


def test_another_persons_draft_is_not_found_nor_deletable(client, reporter, reviewer, org_a, geography):
    login(client, reporter)
    client.post(NEW, {**form_data(org_a, title="Canary draft title"), "save_draft": "1"})
    draft = IncidentDraft.objects.get()
    client.logout()
    login(client, reviewer)
    assert client.get(f"{NEW}?draft={draft.pk}").status_code == 404
    assert "Canary draft title" not in client.get(reverse("staff:dashboard")).content.decode()
    assert client.post(reverse("staff:incident_draft_delete", args=[draft.pk])).status_code == 404
    assert client.get(f"{NEW}?draft=99999999999999999999999").status_code == 404
    assert IncidentDraft.objects.exists()


def test_its_author_deletes_a_draft(client, reporter, org_a, geography):
    login(client, reporter)
    client.post(NEW, {**form_data(org_a), "save_draft": "1"})
    draft = IncidentDraft.objects.get()
    assert client.post(reverse("staff:incident_draft_delete", args=[draft.pk])).status_code == 302
    assert not IncidentDraft.objects.exists()
