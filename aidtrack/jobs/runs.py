"""Recording import runs that cannot finish themselves: their worker died, or their database went away."""

import logging
import os
import socket
import time

from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from aidtrack.ops import outage

logger = logging.getLogger("aidtrack.jobs")

DATABASE_STOPPED = gettext_noop("The database stopped while this import ran; nothing was written. Run it again.")
WORKER_STOPPED = gettext_noop("The job worker stopped while this import ran; nothing was written. Run it again.")
# Kept on the task's row only (operators read it, in English like every traceback).
TASK_WORKER_STOPPED = "The job worker stopped while this task ran (killed?); queued again if within its retries."


def this_worker_id() -> str:
    """Names a worker process by machine and process id, so a worker starting later can tell whether it is alive."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _dead_here(worker_id: str, also_dead: set[str]) -> bool:
    """A worker of this machine whose process is gone (or one we know has given up its task)."""
    if worker_id in also_dead:
        return True
    host, _, pid = worker_id.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def fail_run(run_id: int, summary: str) -> bool:
    """Record a queued or running run as failed with ``summary``; False if it had already ended."""
    from aidtrack.imports.models import ImportRun, ImportStatus

    return bool(
        ImportRun.objects.filter(pk=run_id, status__in=[ImportStatus.RUNNING, ImportStatus.QUEUED]).update(
            status=ImportStatus.FAILED, stage="", finished_at=timezone.now(), summary=summary
        )
    )


def sweep_stale_runs(*, given_up_by: set[str] = frozenset()) -> int:
    """Fail the runs whose task can no longer finish them; returns how many.

    - a task still marked running by a worker of this machine that no longer
      exists (killed, out of memory): its transaction was rolled back;
    - a task that ended (failed or not) while its run still says running or
      queued: the worker could not record the end, because the database had gone.
    Workers on other machines are left to the staleness rule (``live_progress``).
    """
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return 0
    from aidtrack.jobs.tasks import run_import

    swept = 0
    tasks = DBTaskResult.objects.filter(task_path=run_import.module_path).exclude(status="READY")
    for task in tasks.filter(status="RUNNING").only("id", "worker_ids", "args_kwargs"):
        if task.worker_ids and _dead_here(task.worker_ids[-1], set(given_up_by)):
            run_id = task.args_kwargs.get("kwargs", {}).get("run_id")
            DBTaskResult.objects.filter(pk=task.pk, status="RUNNING").update(
                status="FAILED", finished_at=timezone.now(), exception_class_path="", traceback=WORKER_STOPPED
            )
            if run_id and fail_run(run_id, gettext(WORKER_STOPPED)):
                swept += 1
    from aidtrack.imports.models import ImportRun, ImportStatus

    unfinished = ImportRun.objects.filter(status__in=[ImportStatus.RUNNING, ImportStatus.QUEUED]).values_list(
        "pk", flat=True
    )
    if unfinished:
        ended = tasks.filter(status__in=["FAILED", "SUCCESSFUL"]).only("args_kwargs")
        ended_runs = {task.args_kwargs.get("kwargs", {}).get("run_id") for task in ended.iterator()}
        for run_id in set(unfinished) & ended_runs:
            if fail_run(run_id, gettext(DATABASE_STOPPED)):
                swept += 1
    if swept:
        logger.warning("Recorded %s import run(s) as failed: their worker or database stopped while they ran.", swept)
    return swept + requeue_killed_tasks(DBTaskResult, set(given_up_by))


def requeue_killed_tasks(results, given_up_by: set[str]) -> int:
    """Tasks that may run twice (``aidtrack.jobs.retry.RETRIED``) whose worker of this machine died: recorded as
    failed with the reason, and queued again with the next attempt while within ``AIDTRACK_JOBS_RETRIES``."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    import aidtrack.ops.tasks  # noqa: F401 - its tasks are the retried ones
    from aidtrack.jobs.retry import RETRIED

    requeued = 0
    for result in results.objects.filter(status="RUNNING", task_path__in=RETRIED).only(
        "id", "worker_ids", "args_kwargs", "task_path"
    ):
        if not (result.worker_ids and _dead_here(result.worker_ids[-1], given_up_by)):
            continue
        if not results.objects.filter(pk=result.pk, status="RUNNING").update(
            status="FAILED", finished_at=timezone.now(), exception_class_path="", traceback=TASK_WORKER_STOPPED
        ):
            continue
        kwargs = dict(result.args_kwargs.get("kwargs", {}))
        attempt = int(kwargs.get("attempt", 1)) + 1
        if attempt > settings.AIDTRACK_JOBS_RETRIES + 1:
            continue
        kwargs["attempt"] = attempt
        import_string(result.task_path).enqueue(*result.args_kwargs.get("args", []), **kwargs)
        requeued += 1
    if requeued:
        logger.warning("Queued %s task(s) again: their worker stopped while they ran.", requeued)
    return requeued


def record_when_database_returns(run_id: int, *, wait_seconds: float, interval: float = 2.0) -> bool:
    """After a task lost its database: wait for it to return, then record the run as failed (nothing was written).

    Returns False if the database did not return in time (the sweep records it later).
    """
    deadline = time.monotonic() + wait_seconds
    while True:
        for connection in connections.all():
            if not connection.in_atomic_block:
                connection.close()
        try:
            fail_run(run_id, gettext(DATABASE_STOPPED))
            outage.database_up()
            return True
        except DatabaseError as error:
            outage.database_down(error)
            if time.monotonic() >= deadline:
                return False
        time.sleep(interval)
        close_old_connections()
