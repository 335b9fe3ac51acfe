"""The job queue behind every long piece of work, so callers never care which backend runs it.

Work is a task of Django's tasks interface (the ``django-tasks`` backport,
``aidtrack/jobs/tasks.py``). By default the database backend
(``django-tasks-db``) keeps the queue in the application's own database and
``manage.py jobs_worker`` runs it; ``AIDTRACK_TASKS_BACKEND`` chooses another
(``immediate`` runs a task at once in the caller, as the tests do, or the
dotted path of any django-tasks backend, such as an RQ or Celery one).

A task's progress lives on its import run's row. An import writes in one
transaction, so a worker that dies or loses its database mid-task leaves
nothing half-written; ``sweep_stale_runs`` then records the run as failed with
a plain reason (at worker start, after an outage, and on each readiness check).
"""

from aidtrack.jobs.runs import DATABASE_STOPPED, WORKER_STOPPED, sweep_stale_runs

__all__ = [
    "DATABASE_STOPPED",
    "WORKER_STOPPED",
    "enqueue_import",
    "queue_reachable",
    "sweep_stale_runs",
]


def enqueue_import(run, **arguments) -> None:
    """Queue the import of run ``run`` (an ImportRun saved with status "queued"); ``arguments`` are JSON values
    passed to ``aidtrack.imports.uploads.run_queued`` in the worker."""
    from django.utils import translation

    from aidtrack.jobs.tasks import run_import

    # The worker reports the import's problems in the language of the person who started it.
    run_import.enqueue(run_id=run.pk, language=translation.get_language() or "", **arguments)


def queue_reachable() -> None:
    """Raise when the job queue cannot take work (for /readyz)."""
    from django_tasks import default_task_backend

    backend = default_task_backend
    if type(backend).__name__ == "DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.filter(status="READY").exists()
