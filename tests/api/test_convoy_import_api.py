"""Uploading convoy request tables through the API: a dry run lists one row per convoy, then commit writes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework import status
from rest_framework.test import APIClient

from aidtrack.convoys.models import ConvoyRequest, ConvoyStatus

GOOD = (
    b"reference,origin,status,requested date,approval date,reason,destination,planned beneficiaries\n"
    b"CV-2016-09-006,Damascus,denied,2016-09-01,2016-09-12,No facilitation letter,C2450,1000\n"
    b"CV-2016-09-006,Damascus,denied,2016-09-01,2016-09-12,No facilitation letter,Madaya,1000\n"
)
URL = "/api/v1/imports/convoys/"


def upload(client, org, content, **fields):
    data = {"file": SimpleUploadedFile("convoys.csv", content, "text/csv"), "organization": org.pk, **fields}
    return client.post(URL, data, format="multipart")


@pytest.fixture
def api(reporter):
    client = APIClient()
    client.force_authenticate(reporter)
    return client


def test_a_dry_run_lists_each_convoy_at_its_first_row_then_commit_writes(api, geography, org_a):
    response = upload(api, org_a, GOOD)
    assert response.status_code == status.HTTP_200_OK
    body = response.json()
    assert body["kind"] == "convoys" and body["status"] == "dry_run" and body["counts"]["to create"] == 1
    assert body["rows"] == [
        {
            "row": 2,
            "action": "create",
            "key": "CV-2016-09-006",
            "record": None,
            "description": "CV-2016-09-006: (no title), led by ALPHA; to Madaya (C2450) 1,000; "
            "submitted 2016-09-01 → denied 2016-09-12 (rows 2-3)",
            "problems": [],
        }
    ]
    assert not ConvoyRequest.objects.exists()
    response = upload(api, org_a, GOOD, dry_run="false")
    assert response.status_code == status.HTTP_200_OK and response.json()["counts"]["created"] == 1
    convoy = ConvoyRequest.objects.get()
    assert convoy.status == ConvoyStatus.DENIED and convoy.destinations.count() == 1
    run = api.get(f"/api/v1/imports/{response.json()['run']}/").json()
    assert run["status"] == "succeeded" and run["kind"] == "convoys"


def test_a_status_without_its_reason_is_refused_with_row_and_column(api, geography, org_a):
    response = upload(api, org_a, GOOD.replace(b"No facilitation letter", b""), dry_run="false")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    body = response.json()
    assert body["code"] == "import_refused" and "nothing was written" in body["detail"]
    assert body["problems"][0]["where"] == "row 2, column 'reason'"
    assert body["rows"][0]["action"] == "error"
    assert not ConvoyRequest.objects.exists()


def test_another_organizations_reporter_is_refused(geography, org_a, outsider):
    client = APIClient()
    client.force_authenticate(outsider)
    assert upload(client, org_a, GOOD).status_code == status.HTTP_403_FORBIDDEN
