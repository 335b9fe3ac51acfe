"""The staff import page for besieged areas: check a file, read it row by row, then commit the checked file."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from aidtrack.areas.models import Area
from aidtrack.areas.services import area_create, status_period_add
from aidtrack.imports.models import ImportRun, ImportStatus
from tests.staff.conftest import login

GOOD = (
    "name,name_ar,communities,status,start,source\n"
    "Madaya,مضايا,C2450,hard to reach,2015-01-01,OCHA hard-to-reach list\n"
    "Madaya,مضايا,C2450,محاصر,01/07/2015,OCHA besieged list\n"
    "Az-Zabdani,الزبداني,C2429,besieged,1 Jul 2015,OCHA besieged list\n"
).encode()


def post(client, org, content, **extra):
    data = {"kind": "areas", "organization": org.pk, "file": SimpleUploadedFile("areas.csv", content), **extra}
    return client.post("/staff/import/", data)


def plan_data(run, **changes) -> dict:
    """What the column plan form of ``run`` posts when only ``changes`` are made on it."""
    from aidtrack.staff.views.import_plan import plan_form

    form = plan_form(run)
    data = {name: field.initial for name, field in form.fields.items() if field.initial not in (None, "")}
    return {**data, **changes}


def test_the_areas_tab_lists_its_columns(client, geography, reporter):
    login(client, reporter)
    page = client.get("/staff/import/?kind=areas").content.decode()
    assert "Import besieged areas from a spreadsheet" in page
    assert '<a href="?kind=areas" aria-current="page">Besieged areas</a>' in page
    assert "<code>besieging_parties</code>" in page and "<code>#group+besieging</code>" in page


def test_check_shows_each_row_and_commit_writes_the_checked_rows(client, geography, org_a, reporter):
    login(client, reporter)
    response = post(client, org_a, GOOD)
    asked = ImportRun.objects.get()
    assert asked.status == ImportStatus.FAILED and "read two ways" in asked.summary
    page = client.get(response.url).content.decode()
    assert "Day and month in start_date" in page and "Check the file again with this plan" in page
    response = client.post(f"/staff/import/{asked.pk}/plan/", plan_data(asked, date_order_start_date="dmy"))
    run = ImportRun.objects.exclude(pk=asked.pk).get()
    assert run.kind == "areas" and run.status == ImportStatus.DRY_RUN
    page = client.get(response.url).content.decode()
    assert '<tr class="row-create"><td>2</td>' in page and '<tr class="row-create"><td>4</td>' in page
    assert "Madaya: new area Madaya (C2450); hard to reach from 2015-01-01 (until 2015-07-01)" in page
    assert "areas to create" in page and "Import these rows" in page
    assert not Area.objects.exists()
    response = client.post(f"/staff/import/{run.pk}/commit/")
    final = ImportRun.objects.get(options__checked_by_run=run.pk)
    assert response.url == f"/staff/import/{final.pk}/" and final.status == ImportStatus.SUCCEEDED
    assert set(Area.objects.values_list("name_en", flat=True)) == {"Madaya", "Az-Zabdani"}
    assert Area.objects.get(name_en="Madaya").status_periods.count() == 2


def test_a_clash_with_the_stored_history_is_shown_on_its_row_and_nothing_can_be_committed(
    client, geography, org_a, reporter, site_admin
):
    madaya = area_create(by=site_admin, name_en="Madaya", communities=[geography["madaya"]])
    status_period_add(
        area=madaya, status="besieged", start_date=datetime.date(2015, 7, 1), end_date=None, source="OCHA",
        by=site_admin,
    )  # fmt: skip
    login(client, reporter)
    response = post(client, org_a, b"name,status,start,source\nMadaya,accessible,2015-07-01,x\n")
    page = client.get(response.url).content.decode()
    assert '<tr class="row-error"><td>2</td>' in page
    assert "clashes with the register&#x27;s period besieged from 2015-07-01 (current, source: OCHA)" in page
    assert "Import these rows" not in page and "Nothing was written" in page
    assert madaya.status_periods.count() == 1
