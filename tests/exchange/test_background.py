"""Large uploads run in the background: the caller gets the run at once, follows its progress, then its result."""

import datetime
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from aidtrack.imports.models import ImportRun, ImportStatus
from aidtrack.imports.runs import live_progress, new_run, record_progress
from aidtrack.imports.uploads import (
    commit_stored,
    estimate_rows,
    import_upload,
    stored_upload,
    sweep_upload_folder,
    upload_folder,
)
from aidtrack.incidents.models import Incident
from tests.staff.conftest import login

HEADER = "id,date,category,summary,latitude,longitude\n"


def table(rows: int, start: int = 1) -> bytes:
    lines = [f"B{i},2016-09-{1 + i % 28:02d},3,Road closed {i},33.69,36.09" for i in range(start, start + rows)]
    return (HEADER + "\n".join(lines) + "\n").encode()


def upload(content: bytes, name="log.csv"):
    return SimpleUploadedFile(name, content, "text/csv")


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_a_large_upload_is_checked_by_the_job_worker_and_its_result_kept(settings, geography, org_a, reporter):
    settings.TASKS = DATABASE_QUEUE
    settings.AIDTRACK_IMPORT_BACKGROUND_BYTES = 1000
    content = table(300)
    assert len(content) > 1000
    outcome = import_upload(
        upload(content), kind="incidents", organization=org_a, by=reporter, dry_run=True, mapping={}, keep=True
    )
    assert outcome.queued and outcome.ok
    assert outcome.run.status == ImportStatus.QUEUED and outcome.run.rows_total == 300
    assert ImportRun.objects.get(pk=outcome.run.pk).status == ImportStatus.QUEUED, "nothing runs in the request"
    call_command("jobs_worker", "--batch", "--interval", "0")
    run = ImportRun.objects.get(pk=outcome.run.pk)
    assert run.status == ImportStatus.DRY_RUN and run.counts["to create"] == 300 and run.rows_done == 300
    assert [row["row"] for row in run.preview[:3]] == [2, 3, 4] and run.preview[0]["action"] == "create"
    assert stored_upload(run) is not None, "the checked file waits for its commit"
    assert not Incident.objects.exists()

    committed = commit_stored(run, by=reporter)
    assert committed.queued
    call_command("jobs_worker", "--batch", "--interval", "0")
    final = ImportRun.objects.get(pk=committed.run.pk)
    assert final.status == ImportStatus.SUCCEEDED and final.counts["created"] == 300
    assert Incident.objects.count() == 300 and stored_upload(run) is None


def test_small_uploads_run_in_the_request(geography, org_a, reporter):
    outcome = import_upload(upload(table(2)), organization=org_a, by=reporter, dry_run=True, mapping={})
    assert not outcome.queued and outcome.run.status == ImportStatus.DRY_RUN
    assert [row["key"] for row in outcome.preview] == ["B1", "B2"]


def test_a_failed_check_keeps_every_row_with_its_problem(geography, org_a, reporter):
    content = (HEADER + "A1,2016-09-19,5,Fine,33.69,36.09\nA2,2016-02-30,5,Bad date,33.69,36.09\n").encode()
    outcome = import_upload(upload(content), organization=org_a, by=reporter, dry_run=True, mapping={})
    assert not outcome.ok and outcome.run.status == ImportStatus.FAILED
    rows = {row["row"]: row for row in ImportRun.objects.get(pk=outcome.run.pk).preview}
    assert rows[2]["action"] == "create" and rows[3]["action"] == "error"
    assert rows[3]["problems"][0]["column"] == "column 'date'" and "2016-02-30" in rows[3]["problems"][0]["message"]


def test_progress_written_inside_the_import_transaction_is_seen_by_other_servers(org_a, reporter):
    run = new_run(kind="incidents", source="log.csv", options={}, by=reporter, status=ImportStatus.RUNNING)
    with transaction.atomic():
        record_progress(run, 5000, "writing")
    # This test's own transaction hides the run's row from a second connection, so the progress is in the
    # shared cache; a worker's run (committed before it starts writing) gets it on its row.
    seen = live_progress(ImportRun.objects.get(pk=run.pk))
    assert (seen.rows_done, seen.stage, seen.status) == (5000, "writing", ImportStatus.RUNNING)


def test_a_run_that_stopped_reporting_is_shown_interrupted(settings, org_a, reporter):
    settings.AIDTRACK_IMPORT_STALE_MINUTES = 10
    run = new_run(kind="incidents", source="log.csv", options={}, by=reporter, status=ImportStatus.RUNNING)
    ImportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=11))
    seen = live_progress(ImportRun.objects.get(pk=run.pk))
    assert seen.status == ImportStatus.INTERRUPTED and "Nothing of it was written" in seen.summary
    assert ImportRun.objects.get(pk=run.pk).status == ImportStatus.INTERRUPTED


def test_files_left_by_stopped_runs_and_never_committed_are_swept(settings):
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    files = {name: folder / name for name in ("upload-old.csv", "upload-new.csv", "run-7.csv", "run-8.csv")}
    for path in files.values():
        path.write_text("id\n")
    ages = {"upload-old.csv": 2, "upload-new.csv": 0, "run-7.csv": 8, "run-8.csv": 3}
    for name, days in ages.items():
        moment = (now - datetime.timedelta(days=days, minutes=1)).timestamp()
        os.utime(files[name], (moment, moment))
    assert sweep_upload_folder(now) == 2
    assert sorted(p.name for p in folder.glob("*.*")) == ["run-8.csv", "upload-new.csv"]


def test_row_estimates(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(table(42))
    assert estimate_rows(path) == 42
    hxl = tmp_path / "hxl.csv"
    hxl.write_bytes(b"id,date\n#event+id,#date+occurred\nA1,2016-09-19\nA2,2016-09-20\n")
    assert estimate_rows(hxl) == 2


def test_the_api_answers_202_and_the_run_url_for_a_background_import(settings, geography, org_a, reporter):
    settings.AIDTRACK_IMPORT_BACKGROUND_BYTES = 100  # the executor is "inline" in tests: the work is done at once
    client = APIClient()
    client.force_authenticate(reporter)
    response = client.post(
        "/api/v1/imports/incidents/",
        {"file": upload(table(20)), "organization": org_a.pk, "dry_run": "false"},
        format="multipart",
    )
    assert response.status_code == 202
    assert response["Location"].endswith(f"/api/v1/imports/{response.json()['run']}/")
    assert response.json()["kind"] == "incidents"
    body = client.get(response["Location"]).json()
    assert body["status"] == "succeeded" and body["finished"] and body["counts"]["created"] == 20
    assert body["rows_done"] == 20 and body["rows_total"] == 20


def test_the_staff_page_follows_a_running_import(client, org_a, reporter):
    login(client, reporter)
    run = new_run(
        kind="incidents", source="big.csv", options={}, by=reporter, status=ImportStatus.RUNNING, rows_total=100000
    )
    record_progress(run, 40000, "checking")
    page = client.get(f"/staff/import/{run.pk}/").content.decode()
    assert 'max="100000" value="40000"' in page and "Checking: 40000 of about 100000 rows" in page
    assert "import-progress.js" in page and "You can leave this page" in page
    progress = client.get(f"/staff/import/{run.pk}/progress.json").json()
    assert progress == {
        "status": "running",
        "status_label": "Running",
        "stage": "checking",
        "rows_done": 40000,
        "rows_total": 100000,
        "unit": "rows",  # a table counts rows; a boundary or roads file counts features
        "finished": False,
        "url": f"/staff/import/{run.pk}/",
        "column_plan": False,  # not yet known: the page reloads itself once it is
    }
