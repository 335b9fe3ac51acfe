"""The staff import page for convoy requests: check a file, read it convoy by convoy, commit what was checked."""

from django.core.files.uploadedfile import SimpleUploadedFile

from aidtrack.convoys.models import ConvoyRequest, ConvoyStatus
from aidtrack.imports.models import ImportRun, ImportStatus
from tests.staff.conftest import login

GOOD = (
    b"Reference,Origin,Status,Requested date,Approval date,Dispatch date,Delivery date,Destination,Planned,Reached,"
    b"Sector,Item,Quantity,Unit\n"
    b"CV-2016-09-014,Aleppo warehouses,Delivered,2016-09-05,2016-09-15,2016-09-19,2016-09-19,Urum al-Kubra,78000,"
    b"78000,food,Family food parcels,15600,parcels\n"
    b"CV-2016-09-014,,,,,,,,,,health,Medicines,2,truckloads\n"
    b"CV-2016-09-015,Damascus,submitted,2016-09-20,,,,Mudaya,38000,,,,,\n"
)


def post(client, org, content, **extra):
    data = {"organization": org.pk, "kind": "convoys", "file": SimpleUploadedFile("convoys.csv", content), **extra}
    return client.post("/staff/import/", data)


def test_the_convoy_tab_lists_its_columns(client, geography, org_a, reporter):
    login(client, reporter)
    page = client.get("/staff/import/?kind=convoys").content.decode()
    assert "Import convoy requests from a spreadsheet" in page
    assert "<code>#activity+code</code>" in page and "required when the status is denied" in page


def test_check_shows_one_row_per_convoy_and_commit_writes_them(client, geography, org_a, reporter):
    login(client, reporter)
    response = post(client, org_a, GOOD)
    run = ImportRun.objects.get()
    assert run.kind == "convoys" and run.status == ImportStatus.DRY_RUN
    page = client.get(response.url).content.decode()
    assert "Import these rows" in page and "to create" in page
    assert "dispatched 2016-09-19 → delivered 2016-09-19 (rows 2-3)" in page
    assert "was matched to Madaya (C2450) (confidence" in page
    assert not ConvoyRequest.objects.exists()
    response = client.post(f"/staff/import/{run.pk}/commit/")
    final = ImportRun.objects.get(options__checked_by_run=run.pk)
    assert final.status == ImportStatus.SUCCEEDED and final.counts["created"] == 2
    delivered = ConvoyRequest.objects.get(reference="CV-2016-09-014")
    assert delivered.status == ConvoyStatus.DELIVERED and delivered.cargo_lines.count() == 2
    assert delivered.destinations.get().reached_beneficiaries == 78000


def test_an_impossible_status_is_shown_on_its_row_and_nothing_can_be_committed(client, geography, org_a, reporter):
    login(client, reporter)
    post(client, org_a, GOOD)
    client.post(f"/staff/import/{ImportRun.objects.get().pk}/commit/")
    back = GOOD.replace(b"Delivered,2016-09-05", b"Approved,2016-09-05").replace(b"2016-09-19,2016-09-19", b",")
    response = post(client, org_a, back)
    page = client.get(response.url).content.decode()
    assert '<tr class="row-error"><td>2</td>' in page
    assert "is delivered since 2016-09-19 and cannot become approved" in page
    assert "Import these rows" not in page
