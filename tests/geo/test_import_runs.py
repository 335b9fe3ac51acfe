"""Boundaries, communities and population on the import framework's runs: progress kept on the run while it
works, the job queue for a run started in the background, and a site administrator following it (or reading its
refusal) on the same staff page as a table import."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from aidtrack.geo.importers.boundaries import import_boundaries
from aidtrack.geo.importers.population import import_population
from aidtrack.geo.models import AdminArea
from aidtrack.imports.models import ImportRun, ImportStatus
from tests.geo.builders import ADM0, ADM1, csv_file, import_all, write, write_levels
from tests.staff.conftest import login

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def heard():
    stages = []
    return stages, lambda stage, count: stages.append((stage, count))


@pytest.mark.django_db
def test_the_boundary_import_reports_how_many_features_it_counted_checked_and_wrote(tmp_path):
    import_boundaries(str(write(ADM0, tmp_path / "country.geojson")))
    stages, progress = heard()
    import_boundaries(str(write(ADM1, tmp_path / "governorates.geojson")), progress=progress)
    assert stages == [("counted", 2), ("checked", 2), ("written", 0), ("written", 2)]
    assert AdminArea.objects.count() == 3


@pytest.mark.django_db
def test_a_dry_run_reports_its_check_and_writes_nothing(tmp_path):
    stages, progress = heard()
    import_boundaries(str(write(ADM0, tmp_path / "one.geojson")), dry_run=True, progress=progress)
    assert stages == [("counted", 1), ("checked", 1)] and not AdminArea.objects.exists()


@pytest.mark.django_db
def test_the_population_import_reports_its_rows(tmp_path):
    import_all(tmp_path)
    stages, progress = heard()
    rows = [["SY010000", 10], ["SY020000", 20], ["SY990000", 5]]
    import_population(str(csv_file(tmp_path / "p.csv", ["Admin3_Pcode", "Pop_2017"], rows)), progress=progress)
    assert stages == [("counted", 3), ("checked", 3), ("written", 2)]


@pytest.mark.django_db
def test_a_command_keeps_its_progress_on_the_run(tmp_path, site_admin):
    (path,) = write_levels(tmp_path, levels=(0,))
    out = io.StringIO()
    call_command("import_boundaries", str(path), "--user", site_admin.username, stdout=out, stderr=io.StringIO())
    run = ImportRun.objects.get()
    assert (run.status, run.rows_total, run.rows_done) == (ImportStatus.SUCCEEDED, 1, 1)
    assert run.options["dry_run"] is False and "1 rows checked" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_run_queued_from_the_command_line_is_run_by_a_job_worker(tmp_path, site_admin, settings):
    settings.TASKS = DATABASE_QUEUE
    import_all(tmp_path)
    path = csv_file(tmp_path / "p.csv", ["Admin3_Pcode", "Pop_2017"], [["SY010000", 10], ["SY020000", 20]])
    out = io.StringIO()
    call_command("import_population", str(path), "--background", "--user", site_admin.username, stdout=out)
    run = ImportRun.objects.get(kind="population")
    assert run.status == ImportStatus.QUEUED and f"/staff/import/{run.pk}/" in out.getvalue()
    assert AdminArea.objects.get(pcode="SY010000").population is None, "nothing runs in the command"
    call_command("jobs_worker", "--batch", "--interval", "0")
    run.refresh_from_db()
    assert (run.status, run.rows_total, run.rows_done, run.counts["updated"]) == (ImportStatus.SUCCEEDED, 2, 2, 2)
    assert AdminArea.objects.get(pcode="SY010000").population == 10


@pytest.mark.django_db(transaction=True)
def test_a_refused_queued_run_keeps_its_refusal_and_the_staff_page_shows_it(tmp_path, site_admin, settings, client):
    settings.TASKS = DATABASE_QUEUE
    path = write(ADM0 + ADM0, tmp_path / "twice.geojson")  # one P-code on two features
    call_command("import_boundaries", str(path), "--background", "--user", site_admin.username, stdout=io.StringIO())
    call_command("jobs_worker", "--batch", "--interval", "0")
    run = ImportRun.objects.get(kind="boundaries")
    assert run.status == ImportStatus.FAILED and run.error_count and not AdminArea.objects.exists()
    assert "repeats the P-code" in run.problems[0]["message"]
    page = login(client, site_admin).get(reverse("staff:import_run", args=[run.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "Nothing was written." in text and "run its import again" in text
    assert run.problems[0]["message"] in text
    progress = client.get(reverse("staff:import_progress", args=[run.pk])).json()
    assert progress["finished"] and progress["status"] == "failed"


@pytest.mark.django_db
def test_only_a_site_administrator_follows_geodata_runs(tmp_path, site_admin, reporter, client):
    (path,) = write_levels(tmp_path, levels=(0,))
    call_command("import_boundaries", str(path), "--user", site_admin.username, stdout=io.StringIO())
    run = ImportRun.objects.get()
    assert login(client, reporter).get(reverse("staff:import_run", args=[run.pk])).status_code == 404


@pytest.mark.django_db
def test_a_bad_date_is_refused_before_anything_is_queued(tmp_path, site_admin):
    path = csv_file(tmp_path / "c.csv", ["Admin4_Pcode", "Latitude", "Longitude"], [["C1", 33.5, 36.5]])
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("import_communities", str(path), "--background", "--as-of", "31/10/2016", stdout=io.StringIO())
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_the_progress_of_a_table_run_says_when_its_column_plan_is_there(reporter, client):
    """The run's page reloads itself once the plan arrives, while the rest of the file is checked."""
    from aidtrack.imports.runs import new_run

    run = new_run(kind="incidents", source="log.csv", options={}, by=reporter, status=ImportStatus.RUNNING)
    url = reverse("staff:import_progress", args=[run.pk])
    assert login(client, reporter).get(url).json()["column_plan"] is False
    ImportRun.objects.filter(pk=run.pk).update(column_plan=[{"column": "date", "samples": [], "status": "field"}])
    progress = client.get(url).json()
    assert progress["column_plan"] is True and not progress["finished"]
