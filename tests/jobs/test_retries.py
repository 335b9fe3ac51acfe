"""Tasks that may run twice (rendering the public lists) are run again, within a bound, when their database stopped
or their worker was killed; other errors fail them with their reason."""

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks import default_task_backend
from django_tasks_db.models import DBTaskResult

from aidtrack.jobs import retry, sweep_stale_runs
from aidtrack.ops import outage
from aidtrack.ops.tasks import check_data_version, precompute_public_lists
from tests.jobs.test_stale_runs import a_dead_worker_id


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    monkeypatch.setattr(retry, "wait_for_database", lambda seconds: True)
    yield
    outage._down_since = None


GONE = OperationalError("server closed the connection unexpectedly")


def flaky(failures: int, error: Exception = GONE):
    calls = []

    @retry.retried
    def work(*, attempt: int = 1):
        calls.append(attempt)
        if len(calls) <= failures:
            raise error
        return "done"

    return work, calls


def test_a_task_whose_database_stopped_runs_again_once_it_is_back(settings):
    settings.AIDTRACK_JOBS_RETRIES = 3
    work, calls = flaky(2)
    assert work() == "done" and calls == [1, 2, 3]


def test_retries_are_bounded(settings):
    settings.AIDTRACK_JOBS_RETRIES = 2
    work, calls = flaky(10)
    with pytest.raises(OperationalError):
        work()
    assert calls == [1, 2, 3]


def test_other_errors_fail_the_task_at_once():
    work, calls = flaky(1, ValueError("a bug"))
    with pytest.raises(ValueError, match="a bug"):
        work()
    assert calls == [1]


def test_a_database_that_does_not_return_fails_the_task(monkeypatch):
    monkeypatch.setattr(retry, "wait_for_database", lambda seconds: False)
    work, calls = flaky(1)
    with pytest.raises(OperationalError):
        work()
    assert calls == [1]


def killed(task, attempt: int, **kwargs) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": [], "kwargs": {**kwargs, "attempt": attempt}},
        task_path=task.module_path,
        backend_name="default",
        run_after=timezone.now(),
        worker_ids=[a_dead_worker_id()],
        exception_class_path="",
        traceback="",
    )


@pytest.fixture
def queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return default_task_backend


def test_a_task_whose_worker_was_killed_is_queued_again_with_its_next_attempt(db, queue, settings):
    settings.AIDTRACK_JOBS_RETRIES = 3
    result = killed(precompute_public_lists, 1, version="v1")
    assert sweep_stale_runs() == 1
    stored = DBTaskResult.objects.get(pk=result.pk)
    assert stored.status == "FAILED" and "worker stopped" in stored.traceback
    [again] = queue.results
    assert again.task.name == "precompute_public_lists" and again.kwargs == {"version": "v1", "attempt": 2}


def test_a_killed_task_past_its_retries_stays_failed(db, queue, settings):
    settings.AIDTRACK_JOBS_RETRIES = 1
    result = killed(check_data_version, 2)
    sweep_stale_runs()
    assert DBTaskResult.objects.get(pk=result.pk).status == "FAILED" and queue.results == []
