"""The staff import page: check a file, read the report, then commit exactly the checked file."""

from django.core.files.uploadedfile import SimpleUploadedFile

from aidtrack.imports.models import ImportRun, ImportStatus
from aidtrack.incidents.models import Incident
from tests.staff.conftest import login

GOOD = b"id,date,category,summary,location\nA1,19 Sep 2016,5,Convoy attacked,Mudaya\n"
BAD = b"id,date,category,summary,latitude,longitude\nA1,2016-09-19,55,Convoy attacked,33.69,36.09\n"


def post(client, org, content, **extra):
    data = {"organization": org.pk, "file": SimpleUploadedFile("log.csv", content), **extra}
    return client.post("/staff/import/", data)


def test_check_shows_the_report_and_commit_writes_the_checked_rows(client, geography, org_a, reporter):
    login(client, reporter)
    response = post(client, org_a, GOOD)
    run = ImportRun.objects.get()
    assert response.url == f"/staff/import/{run.pk}/" and run.status == ImportStatus.DRY_RUN
    page = client.get(response.url).content.decode()
    assert "to create" in page and "Import these rows" in page
    assert "was matched to Madaya (C2450)" in page
    assert not Incident.objects.exists()
    response = client.post(f"/staff/import/{run.pk}/commit/")
    assert Incident.objects.get().stated_area == geography["madaya"]
    final = ImportRun.objects.get(options__checked_by_run=run.pk)
    assert response.url == f"/staff/import/{final.pk}/" and final.status == ImportStatus.SUCCEEDED
    checked = client.get(f"/staff/import/{run.pk}/").content.decode()
    assert "Import these rows" not in checked and f"import #{final.pk}</a>: succeeded." in checked
    assert client.post(f"/staff/import/{run.pk}/commit/").status_code == 302
    assert Incident.objects.count() == 1, "a checked file is written once"


def test_errors_are_listed_by_row_and_column_and_nothing_can_be_committed(client, geography, org_a, reporter):
    login(client, reporter)
    response = post(client, org_a, BAD)
    page = client.get(response.url).content.decode()
    assert '<tr class="row-error"><td>2</td>' in page, "row 2 is marked as an error in the row-by-row table"
    assert 'column <bdi>&#x27;category&#x27;</bdi>: <span dir="auto">found &#x27;55&#x27;' in page
    assert "Nothing was written" in page
    assert "Import these rows" not in page
    assert not Incident.objects.exists()


def test_a_file_checked_in_arabic_is_reported_in_arabic(client, geography, org_a, reporter):
    """The row problems, the summary and their places are worded in the language of the person who checked."""
    login(client, reporter)
    data = {"organization": org_a.pk, "file": SimpleUploadedFile("log.csv", BAD)}
    response = client.post("/staff/import/", data, HTTP_ACCEPT_LANGUAGE="ar")
    run = ImportRun.objects.get()
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'lang="ar"' in page
    assert "العمود <bdi>&#x27;category&#x27;</bdi>" in page and "وُجدت القيمة &#x27;55&#x27;: المتوقع إحدى القيم" in page
    assert "found &#x27;55&#x27;" not in page and "expected one of" not in page
    assert "لم يُكتب شيء" in run.summary and "problem(s)" not in run.summary


def test_a_mapping_typed_on_the_page_is_used_and_saved(client, geography, org_a, reporter):
    login(client, reporter)
    content = b"Day,Constraint,Narrative,Where\n2016-09-19,4,Text,C2450\n"
    response = post(
        client,
        org_a,
        content,
        mapping="occurred_on=Day\ncategory=Constraint\npublic_summary=Narrative\npcode=Where",
        save_mapping="Partner",
    )
    assert "to create" in client.get(response.url).content.decode()
    response = post(client, org_a, content, mapping_name="Partner")
    assert ImportRun.objects.get(pk=response.url.split("/")[-2]).status == ImportStatus.DRY_RUN


def test_a_reporter_cannot_import_for_another_organization_or_see_its_runs(
    client, geography, org_a, org_b, reporter, outsider
):
    login(client, outsider)
    response = post(client, org_a, GOOD)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    login(client, reporter)
    run = ImportRun.objects.get(pk=post(client, org_a, GOOD).url.split("/")[-2])
    login(client, outsider)
    assert client.get(f"/staff/import/{run.pk}/").status_code == 404
    assert client.post(f"/staff/import/{run.pk}/commit/").status_code == 404


def test_a_file_of_the_wrong_kind_is_refused_on_the_form(client, geography, org_a, reporter):
    login(client, reporter)
    data = {"organization": org_a.pk, "file": SimpleUploadedFile("log.pdf", b"%PDF-1.4")}
    response = client.post("/staff/import/", data)
    assert "is not a table; upload CSV or XLSX" in response.content.decode()
