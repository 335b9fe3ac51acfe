"""The tasks the job worker runs. Arguments are JSON values: a task can run on any worker of any machine."""

from django.conf import settings
from django.utils import translation
from django_tasks import task

from aidtrack.ops import outage


def _recorded_as_stopped(run_id: int, error: BaseException) -> bool:
    """Whether ``error`` says the database went away; if so the run is recorded as failed once it is back
    (nothing of it was written: its transaction was lost with the connection)."""
    if not outage.is_database_unreachable(error):
        return False
    from aidtrack.jobs.runs import record_when_database_returns

    outage.database_down(error)
    record_when_database_returns(run_id, wait_seconds=settings.AIDTRACK_JOBS_DATABASE_WAIT_SECONDS)
    return True


@task()
def run_import(*, run_id: int, language: str = "", **arguments) -> str:
    """Run queued import ``run_id`` (see ``aidtrack.imports.uploads.run_queued`` for ``arguments``).

    If the database goes away meanwhile, the import's transaction is lost with
    it (nothing was written); the run is recorded as failed once it is back.
    """
    from aidtrack.imports.uploads import run_queued
    from aidtrack.jobs import progress

    try:
        with translation.override(language or settings.LANGUAGE_CODE):
            run_queued(run_id=run_id, **arguments)
    except Exception as error:
        if not _recorded_as_stopped(run_id, error):
            raise
        return "database stopped"
    finally:
        progress.close()
    return "done"
