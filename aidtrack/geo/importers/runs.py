"""Keeping a record of every import run, successful or not."""

import getpass
import inspect
from collections.abc import Callable
from pathlib import Path

from django.utils import timezone

from aidtrack.geo.importers.report import ImportFailed, ImportReport
from aidtrack.geo.importers.sources import file_sha256
from aidtrack.geo.models import ImportRun, ImportStatus

MAX_STORED_PROBLEMS = 5000


def _fingerprint(source: str) -> tuple[str, int | None]:
    path = Path(source)
    try:
        if path.is_file():
            return file_sha256(path), path.stat().st_size
    except OSError:
        pass
    return "", None


def record_run(
    *, kind: str, source: str, options: dict, by, dry_run: bool, run: Callable[[], ImportReport], sha256: str = ""
):
    """Run an importer and keep an ImportRun of it. Returns (run record, report); re-raises ImportFailed.

    ``run`` may take the ImportRun as its one argument, to record progress on it while it works.
    """
    try:
        operator = getpass.getuser()
    except (KeyError, OSError):
        operator = ""
    found_sha256, size = _fingerprint(source) if kind != "assignment" else ("", None)
    sha256 = sha256 or found_sha256
    record = ImportRun.objects.create(
        kind=kind,
        source=source[:1000],
        source_sha256=sha256,
        source_bytes=size,
        options={key: value for key, value in options.items() if value not in (None, [], "")},
        started_by=by,
        started_by_name=by.get_username() if by else operator,
        started_at=timezone.now(),
    )
    try:
        report = run(record) if _takes_record(run) else run()
    except ImportFailed as failure:
        report = failure.report or ImportReport(source=source, dry_run=dry_run)
        _finish(record, ImportStatus.FAILED, report, str(failure))
        raise
    except Exception as error:
        _finish(record, ImportStatus.FAILED, ImportReport(source=source), f"Unexpected error: {error!r}")
        raise
    _finish(record, ImportStatus.DRY_RUN if dry_run else ImportStatus.SUCCEEDED, report, report.summary())
    return record, report


def _takes_record(run) -> bool:
    try:
        return len(inspect.signature(run).parameters) == 1
    except (TypeError, ValueError):
        return False


def record_progress(record: ImportRun, rows_done: int) -> None:
    """Keep the number of rows done on the run, so a long import can be followed from another screen."""
    ImportRun.objects.filter(pk=record.pk).update(rows_done=rows_done)
    record.rows_done = rows_done


def _finish(record: ImportRun, status: str, report: ImportReport, summary: str) -> None:
    record.status = status
    record.finished_at = timezone.now()
    record.counts = dict(report.counts)
    record.problems = [problem.as_dict() for problem in report.problems[:MAX_STORED_PROBLEMS]]
    notes = "\n".join(report.notes)
    record.summary = summary + (f"\n{notes}" if notes else "")
    if len(report.problems) > MAX_STORED_PROBLEMS:
        record.summary += f"\nOnly the first {MAX_STORED_PROBLEMS} of {len(report.problems)} problems are kept."
    record.save()
