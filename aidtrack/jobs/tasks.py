"""The tasks the job worker runs. Arguments are JSON values: a task can run on any worker of any machine."""

from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
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
    from aidtrack.bulk_writes import refresh_statistics
    from aidtrack.imports.uploads import run_queued
    from aidtrack.jobs import progress

    try:
        with translation.override(language or settings.LANGUAGE_CODE):
            run_queued(run_id=run_id, **arguments)
        if not arguments.get("dry_run"):  # a check writes nothing; an import may add 100,000 rows
            refresh_statistics()
    except Exception as error:
        if not _recorded_as_stopped(run_id, error):
            raise
        return "database stopped"
    finally:
        progress.close()
    return "done"


# The admin's roads upload used to queue this task, which loaded the file at once, unchecked. The admin now sends a
# roads file to the staff page (checked first, then imported), and the task's body is gone; a job of it queued
# before the update is ended with this message on its run rather than left "queued" for ever, or run unchecked.
OLD_ROADS_UPLOAD = gettext_noop(
    "This roads file was queued before an update of aidtrack and was not loaded; nothing was written. Upload it "
    "again on the Roads tab of the staff import page: it is checked first, then you import it."
)


@task()
def load_context_layer(*, run_id: int, path: str = "", language: str = "", **_) -> str:
    """A roads upload queued by an earlier version (``run_id`` its import run, ``path`` the server's copy of the
    file): recorded as failed in the uploader's language, telling them to upload it again; the copy is deleted."""
    from aidtrack.jobs.runs import fail_run

    try:
        with translation.override(language or settings.LANGUAGE_CODE):
            fail_run(run_id, gettext(OLD_ROADS_UPLOAD))
    except Exception as error:
        if not _recorded_as_stopped(run_id, error):
            raise
        return "database stopped"
    finally:
        _delete_upload(path)
    return "refused"


def _delete_upload(path: str) -> None:
    """Delete a server's copy of an upload, and nothing outside the upload folder whatever a job's arguments say."""
    from aidtrack.imports.runs import upload_folder

    if not path:
        return
    copy = Path(path)
    if copy.parent.resolve() == upload_folder().resolve() and copy.name.startswith("upload-"):
        copy.unlink(missing_ok=True)
