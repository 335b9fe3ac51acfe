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


@task()
def load_context_layer(*, run_id: int, path: str, display: str, by_id, options: dict, language: str = "") -> str:
    """Load an uploaded roads file for the maps (import run ``run_id``); the file is deleted afterwards.

    A refused file is recorded on the run with its message, as the command would print it; nothing is written.
    """
    from pathlib import Path

    from django.contrib.auth import get_user_model

    from aidtrack.geo.context_layers import load_context_layer_recorded
    from aidtrack.imports.models import ImportRun
    from aidtrack.imports.report import ImportFailed

    try:
        with translation.override(language or settings.LANGUAGE_CODE):
            by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
            record = ImportRun.objects.get(pk=run_id)
            try:
                load_context_layer_recorded(path, by=by, record=record, display=display, **options)
            except ImportFailed:
                return "refused"
    except Exception as error:
        if not _recorded_as_stopped(run_id, error):
            raise
        return "database stopped"
    finally:
        Path(path).unlink(missing_ok=True)
    return "done"
