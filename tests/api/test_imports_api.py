"""Uploading incident tables through the API: dry run, commit, refusal with the problems, run results later."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework import status
from rest_framework.test import APIClient

from aidtrack.incidents.models import Incident

GOOD = b"id,date,category,summary,latitude,longitude\nA1,2016-09-19,5,Convoy attacked,33.69,36.09\n"
BAD = b"id,date,category,summary,latitude,longitude\nA1,2016-02-30,5,Convoy attacked,33.69,36.09\n"
URL = "/api/v1/imports/incidents/"


def upload(client, org, content, **fields):
    data = {"file": SimpleUploadedFile("log.csv", content, "text/csv"), "organization": org.pk, **fields}
    return client.post(URL, data, format="multipart")


@pytest.fixture
def api(reporter):
    client = APIClient()
    client.force_authenticate(reporter)
    return client


def test_a_dry_run_lists_rows_and_writes_nothing_then_commit_writes(api, geography, org_a):
    response = upload(api, org_a, GOOD)
    assert response.status_code == status.HTTP_200_OK
    body = response.json()
    assert body["status"] == "dry_run" and body["counts"]["to create"] == 1
    assert body["rows"] == [
        {
            "row": 2,
            "action": "create",
            "key": "A1",
            "record": None,
            "description": "2016-09-19: Convoy attacked",
            "problems": [],
        }
    ]
    assert not Incident.objects.exists()
    response = upload(api, org_a, GOOD, dry_run="false")
    assert response.json()["counts"]["created"] == 1 and Incident.objects.count() == 1
    run = api.get(f"/api/v1/imports/{response.json()['run']}/").json()
    assert run["status"] == "succeeded" and run["counts"]["created"] == 1


def test_a_bad_row_is_refused_with_its_row_and_column(api, geography, org_a):
    response = upload(api, org_a, BAD, dry_run="false")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    body = response.json()
    assert body["code"] == "import_refused" and "nothing was written" in body["detail"]
    assert body["problems"][0]["where"] == "row 2, column 'date'"
    assert not Incident.objects.exists()


def test_another_organizations_reporter_and_anonymous_are_refused(geography, org_a, outsider):
    client = APIClient()
    assert upload(client, org_a, GOOD).status_code in (status.HTTP_401_UNAUTHORIZED, status.HTTP_403_FORBIDDEN)
    client.force_authenticate(outsider)
    assert upload(client, org_a, GOOD).status_code == status.HTTP_403_FORBIDDEN


def test_a_too_large_upload_is_refused_before_it_is_read(api, geography, org_a, settings):
    settings.AIDTRACK_IMPORT_MAX_BYTES = 10
    response = upload(api, org_a, GOOD)
    assert response.status_code == status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    assert "more than the import limit" in response.json()["detail"]


def test_someone_elses_run_is_not_shown(api, geography, org_a, outsider):
    run = upload(api, org_a, GOOD).json()["run"]
    other = APIClient()
    other.force_authenticate(outsider)
    assert other.get(f"/api/v1/imports/{run}/").status_code == status.HTTP_404_NOT_FOUND
