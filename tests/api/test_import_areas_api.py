"""Uploading a table of besieged areas through the API: a dry run row by row, then the commit, or the refusal."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework import status
from rest_framework.test import APIClient

from aidtrack.areas.models import Area, StatusPeriod

URL = "/api/v1/imports/areas/"
GOOD = (
    b"name,communities,status,start,source,population,population date\n"
    b"Madaya,C2450,hard to reach,2015-01-01,OCHA hard-to-reach list,,\n"
    b"Madaya,C2450,besieged,2015-07-01,OCHA besieged list,38000,2016-10-31\n"
)


def upload(client, org, content, **fields):
    data = {"file": SimpleUploadedFile("areas.csv", content, "text/csv"), "organization": org.pk, **fields}
    return client.post(URL, data, format="multipart")


@pytest.fixture
def api(reporter):
    client = APIClient()
    client.force_authenticate(reporter)
    return client


def test_a_dry_run_lists_each_row_then_commit_writes_the_history(api, geography, org_a):
    response = upload(api, org_a, GOOD)
    assert response.status_code == status.HTTP_200_OK
    body = response.json()
    assert body["kind"] == "areas" and body["status"] == "dry_run"
    assert body["counts"]["to create"] == 2 and body["counts"]["areas to create"] == 1
    assert body["rows"] == [
        {
            "row": 2,
            "action": "create",
            "key": "Madaya",
            "record": None,
            "description": "Madaya: new area Madaya (C2450; 38,000 people on 2016-10-31); "
            "hard to reach from 2015-01-01 (until 2015-07-01)",
            "problems": [],
        },
        {
            "row": 3,
            "action": "create",
            "key": "Madaya",
            "record": None,
            "description": "Madaya: besieged from 2015-07-01 (current)",
            "problems": [],
        },
    ]
    assert not Area.objects.exists()
    response = upload(api, org_a, GOOD, dry_run="false")
    assert response.status_code == status.HTTP_200_OK and response.json()["counts"]["created"] == 2
    madaya = Area.objects.get()
    assert list(madaya.status_periods.values_list("status", "start_date", "end_date")) == [
        ("hard_to_reach", datetime.date(2015, 1, 1), datetime.date(2015, 7, 1)),
        ("besieged", datetime.date(2015, 7, 1), None),
    ]
    again = upload(api, org_a, GOOD).json()
    assert [row["action"] for row in again["rows"]] == ["unchanged", "unchanged"]
    assert {row["record"] for row in again["rows"]} == {madaya.pk}


def test_a_row_without_a_source_is_refused_with_its_row_and_column(api, geography, org_a):
    response = upload(api, org_a, b"name,status,start,source\nMadaya,besieged,2015-07-01,\n", dry_run="false")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    body = response.json()
    assert body["code"] == "import_refused" and "nothing was written" in body["detail"]
    assert body["problems"][0]["where"] == "row 2, column 'source'"
    assert body["rows"][0]["action"] == "error"
    assert not Area.objects.exists() and not StatusPeriod.objects.exists()


def test_a_reporter_of_another_organization_is_refused(geography, org_a, outsider):
    client = APIClient()
    client.force_authenticate(outsider)
    response = upload(client, org_a, GOOD)
    assert response.status_code == status.HTTP_403_FORBIDDEN
    assert "may not import besieged areas for ALPHA" in response.json()["detail"]
