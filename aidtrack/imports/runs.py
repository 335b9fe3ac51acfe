"""Keeping a record of every import run, successful or not, and of its progress while it runs."""

import datetime
import getpass
import inspect
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from aidtrack.imports.models import ImportRun, ImportStatus
from aidtrack.imports.report import ImportFailed, ImportReport
from aidtrack.imports.sources import file_sha256
from aidtrack.jobs import progress

MAX_STORED_PROBLEMS = 5000


def _fingerprint(source: str) -> tuple[str, int | None]:
    path = Path(source)
    try:
        if path.is_file():
            return file_sha256(path), path.stat().st_size
    except OSError:
        pass
    return "", None


def new_run(*, kind: str, source: str, options: dict, by, sha256: str = "", size=None, **fields) -> ImportRun:
    """Create the record of a run about to start (or, with status=queued, to start in the background)."""
    try:
        operator = getpass.getuser()
    except (KeyError, OSError):
        operator = ""
    return ImportRun.objects.create(
        kind=kind,
        source=source[:1000],
        source_sha256=sha256,
        source_bytes=size,
        options={key: value for key, value in options.items() if value not in (None, [], "")},
        started_by=by,
        started_by_name=by.get_username() if by else operator,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        **fields,
    )


def record_run(
    *,
    kind: str,
    source: str,
    options: dict,
    by,
    dry_run: bool,
    run: Callable[[], ImportReport],
    sha256: str = "",
    record: ImportRun | None = None,
):
    """Run an importer and keep an ImportRun of it. Returns (run record, report); re-raises ImportFailed.

    ``run`` may take the ImportRun as its one argument, to record progress on it while it works.
    ``record`` is a run created beforehand with ``new_run`` (e.g. queued for the background).
    """
    if record is None:
        found_sha256, size = _fingerprint(source) if kind != "assignment" else ("", None)
        record = new_run(kind=kind, source=source, options=options, by=by, sha256=sha256 or found_sha256, size=size)
    else:
        record.status = ImportStatus.RUNNING
        record.started_at = record.heartbeat_at = timezone.now()
        record.save(update_fields=["status", "started_at", "heartbeat_at"])
    try:
        report = run(record) if _takes_record(run) else run()
    except ImportFailed as failure:
        report = failure.report or ImportReport(source=source, dry_run=dry_run)
        _finish(record, ImportStatus.FAILED, report, str(failure))
        raise
    except Exception as error:
        _finish(
            record,
            ImportStatus.FAILED,
            ImportReport(source=source),
            gettext("Unexpected error: %(error)r") % {"error": error},
        )
        raise
    _finish(record, ImportStatus.DRY_RUN if dry_run else ImportStatus.SUCCEEDED, report, report.summary())
    return record, report


def _takes_record(run) -> bool:
    try:
        return len(inspect.signature(run).parameters) == 1
    except (TypeError, ValueError):
        return False


def upload_folder() -> Path:
    """Where an uploaded file waits for its run, and a checked one for its commit (named by its run)."""
    return Path(getattr(settings, "AIDTRACK_IMPORT_DIR", settings.VAR_DIR / "imports"))


def record_progress(record: ImportRun, rows_done: int, stage: str = "") -> None:
    """Keep the rows done and the stage of a run on its row, so a long import can be followed from any server
    (inside the import's own transaction too: see ``aidtrack.jobs.progress``)."""
    now = timezone.now()
    record.rows_done, record.heartbeat_at = rows_done, now
    record.stage = stage or record.stage
    progress.save(record, rows_done, record.stage, now)


def record_column_plan(record: ImportRun, column_plan: list) -> None:
    """Keep the column plan on the run as soon as it is known (from the file's first rows), so that its page
    shows it while the rest of the file is checked."""
    record.column_plan = column_plan
    ImportRun.objects.filter(pk=record.pk).update(column_plan=column_plan)


def no_progress(stage: str, rows: int) -> None:
    """The progress of an import nobody follows (a test, a script)."""


# What an importer reports ("checked" 20000 rows) -> what the run is doing.
STAGES = {"checked": "checking", "written": "writing"}


def run_progress(record: ImportRun | None, stdout=None) -> Callable[[str, int], None]:
    """The ``progress(stage, rows)`` an importer calls: kept on the run's record, and printed by a command.

    Stages: "checked" and "written" (rows so far), and "counted" (how many there are, when not known before).
    """

    def progress(stage: str, rows: int) -> None:
        if stage == "counted":  # how many rows (or features) there are, once an importer knows
            if record is not None:
                record.rows_total = rows
                ImportRun.objects.filter(pk=record.pk).update(rows_total=rows)
            return
        if record is not None:
            record_progress(record, rows, STAGES.get(stage, stage))
        if stdout is not None and stage == "checked":
            stdout.write(f"  {rows} rows checked")

    return progress


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(minutes=getattr(settings, "AIDTRACK_IMPORT_STALE_MINUTES", 10))


def live_progress(record: ImportRun) -> ImportRun:
    """The run with its latest progress; a run silent for longer than ``stale_after`` is marked interrupted.

    A run stops reporting only when its process died (a restart, a crash): its
    transaction was then rolled back, so nothing of it was written.
    """
    if record.status not in (ImportStatus.RUNNING, ImportStatus.QUEUED):
        return record
    progress.read(record)
    last = record.heartbeat_at or record.started_at
    if timezone.now() - last > stale_after():
        record.status = ImportStatus.INTERRUPTED
        record.finished_at = timezone.now()
        record.summary = gettext(
            "No progress since %(when)s: the server stopped while this import ran. Nothing of it was written (an "
            "import is written in one transaction). Run it again."
        ) % {"when": date_format(timezone.localtime(last), "DATETIME_FORMAT")}
        ImportRun.objects.filter(pk=record.pk, status__in=[ImportStatus.RUNNING, ImportStatus.QUEUED]).update(
            status=record.status, finished_at=record.finished_at, summary=record.summary
        )
        progress.forget(record.pk)
    return record


def _finish(record: ImportRun, status: str, report: ImportReport, summary: str) -> None:
    progress.forget(record.pk)
    record.status = status
    record.stage = ""
    record.finished_at = timezone.now()
    record.counts = dict(report.counts)
    record.problems = [problem.as_dict() for problem in report.problems[:MAX_STORED_PROBLEMS]]
    notes = "\n".join(report.notes)
    record.summary = summary + (f"\n{notes}" if notes else "")
    if len(report.problems) > MAX_STORED_PROBLEMS:
        record.summary += "\n" + gettext("Only the first %(kept)s of %(total)s problems are kept.") % {
            "kept": MAX_STORED_PROBLEMS,
            "total": len(report.problems),
        }
    record.save()
