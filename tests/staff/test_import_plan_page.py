"""The column plan page: a file published as it is, corrected on the page, imported; refused rows and mapping files."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from aidtrack.imports.models import ColumnMapping, ImportRun, ImportStatus
from aidtrack.incidents.models import Incident
from tests.staff.conftest import login

FILE = (
    b"Date,Admin 1,Geo Precision,Perpetrator,Killed,Airstrike,Description\n"
    b"09/19/2016,Rural Damascus,(3) Governorate,Government of Syria,2,Yes,Clinic hit\n"
    b"09/05/2016,Rural Damascus,(3) Governorate,,0,No,Nurse taken\n"
    b"09/07/2016,Nowhere land,(3) Governorate,,0,No,<b>Not a place</b>\n"
)


def plan_data(run, **changes) -> dict:
    from tests.staff.test_import_areas_page import plan_data as data

    return data(run, **changes)


def test_a_published_file_is_corrected_on_its_plan_page_then_imported_and_its_refused_row_downloaded(
    client, geography, party, org_a, reporter
):
    login(client, reporter)
    upload = SimpleUploadedFile("health.csv", FILE)
    response = client.post("/staff/import/", {"kind": "incidents", "organization": org_a.pk, "file": upload})
    first = ImportRun.objects.get()
    page = client.get(response.url).content.decode()
    assert "Column plan" in page and "(3) Governorate" in page and "&lt;b&gt;Not a place&lt;/b&gt;" in page
    precision = next(entry for entry in first.column_plan if entry["column"] == "Geo Precision")
    assert precision["field"] == "geo_precision" and precision["unknown"] == [], "read by its words"
    data = plan_data(
        first,
        constant_category="5",
        constant_source_name="Health attacks dataset",
        constant_source_licence="CC BY 4.0",
        rules="category = 7 when Airstrike is yes",
        refused_rows="skip",
        save_mapping="Health attacks",
    )
    response = client.post(f"/staff/import/{first.pk}/plan/", data)
    checked = ImportRun.objects.exclude(pk=first.pk).get()
    assert checked.status == ImportStatus.DRY_RUN, checked.summary
    page = client.get(response.url).content.decode()
    assert "Import these rows" in page and "Download the refused rows" in page
    refused = client.get(f"/staff/import/{checked.pk}/refused.csv").content.decode("utf-8-sig")
    assert refused.splitlines()[0].endswith(",problem") and "Nowhere land" in refused
    client.post(f"/staff/import/{checked.pk}/commit/")
    assert Incident.objects.count() == 2
    clinic = Incident.objects.get(public_summary="Clinic hit")
    assert clinic.category == "7" and clinic.stated_area == geography["SY03"] and clinic.latitude is None
    mapping = ColumnMapping.objects.get(name="Health attacks")
    assert mapping.plan["rules"][0]["column"] == "Airstrike"


def test_a_mapping_exports_as_a_file_and_imports_back_under_a_new_name(client, org_a, reporter):
    login(client, reporter)
    mapping = ColumnMapping.objects.create(
        organization=org_a,
        kind="incidents",
        name="Weekly",
        columns={"occurred_on": "Day"},
        plan={"ignored": ["Notes"], "constants": {"category": "5"}},
    )
    exported = client.get(f"/staff/import/mappings/{mapping.pk}/export.json")
    data = json.loads(exported.content)
    assert data["columns"] == {"occurred_on": "Day"} and data["constants"] == {"category": "5"}
    upload = SimpleUploadedFile("weekly.json", exported.content, "application/json")
    client.post("/staff/import/mappings/import/", {"organization": org_a.pk, "file": upload, "name": "Weekly 2"})
    copy = ColumnMapping.objects.get(name="Weekly 2")
    assert copy.columns == mapping.columns and copy.plan == mapping.plan
    broken = SimpleUploadedFile("x.json", b'{"kind": "incidents"}', "application/json")
    page = client.post("/staff/import/mappings/import/", {"organization": org_a.pk, "file": broken})
    assert page.status_code == 200 and "not a column mapping file" in page.content.decode()
