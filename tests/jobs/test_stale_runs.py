"""A run whose worker or database went away is recorded as failed with a plain reason, never left "running"."""

import subprocess
import sys

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aidtrack.geo.importers.runs import new_run
from aidtrack.geo.models import ImportRun, ImportStatus
from aidtrack.jobs import DATABASE_STOPPED, WORKER_STOPPED, sweep_stale_runs
from aidtrack.jobs.runs import this_worker_id
from aidtrack.jobs.tasks import run_import


def a_dead_worker_id() -> str:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return this_worker_id().rsplit(":", 1)[0] + f":{process.pid}"


def task_for(run, *, status, worker_id):
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {"run_id": run.pk}},
        task_path=run_import.module_path,
        backend_name="default",
        run_after=timezone.now(),
        worker_ids=[worker_id],
        exception_class_path="",
        traceback="",
    )


@pytest.fixture
def running(reporter):
    return new_run(kind="incidents", source="big.csv", options={}, by=reporter, status=ImportStatus.RUNNING)


def test_a_run_whose_worker_was_killed_is_recorded_failed(running):
    task = task_for(running, status="RUNNING", worker_id=a_dead_worker_id())
    assert sweep_stale_runs() == 1
    run = ImportRun.objects.get(pk=running.pk)
    assert run.status == ImportStatus.FAILED and run.summary == WORKER_STOPPED and run.finished_at
    assert DBTaskResult.objects.get(pk=task.pk).status == "FAILED"


def test_a_run_of_a_live_worker_is_left_alone(running):
    task_for(running, status="RUNNING", worker_id=this_worker_id())
    assert sweep_stale_runs() == 0
    assert ImportRun.objects.get(pk=running.pk).status == ImportStatus.RUNNING


def test_a_run_whose_task_ended_without_recording_it_failed_for_lack_of_database(running):
    task_for(running, status="FAILED", worker_id=this_worker_id())
    assert sweep_stale_runs() == 1
    run = ImportRun.objects.get(pk=running.pk)
    assert run.status == ImportStatus.FAILED and run.summary == DATABASE_STOPPED
    assert "nothing was written" in run.summary


def test_a_task_that_loses_its_database_records_its_run_failed_once_it_is_back(running, monkeypatch):
    def database_gone(**arguments):
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as error:
            raise RuntimeError("Unexpected error") from error

    monkeypatch.setattr("aidtrack.exchange.uploads.run_queued", database_gone)
    monkeypatch.setattr("aidtrack.jobs.runs.time.sleep", lambda seconds: None)
    result = run_import.enqueue(run_id=running.pk)
    assert result.return_value == "database stopped"
    run = ImportRun.objects.get(pk=running.pk)
    assert run.status == ImportStatus.FAILED and run.summary == DATABASE_STOPPED
