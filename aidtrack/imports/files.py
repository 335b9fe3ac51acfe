"""Imports of whole files (boundaries, communities, population) on the same run machinery as the table imports.

A boundary layer or a community list is read whole (geometry, parents before
children, parts of one community), so its importer keeps its own reading and
checking; what it shares with the table imports is everything around that,
done here once: the run record, progress kept on the run's row (rows or
features checked, then written) so that any server shows it, the refusal
kept on the run, and the job queue (``jobs.start_in_background``) for a run
started in the background. The domain apps register their kinds from their
``AppConfig.ready()`` (``geo`` boundaries and population, ``areas``
communities), so this kernel imports none of them.

A kind's ``run(path_or_url, *, by, dry_run, progress, max_bytes, **options)``
returns an ``ImportReport`` or raises ``ImportFailed``; ``options`` are JSON
values (as a queued job carries them), checked by the kind.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from aidtrack.imports.jobs import start_in_background
from aidtrack.imports.models import ImportRun, ImportStatus
from aidtrack.imports.report import ImportFailed, ImportReport
from aidtrack.imports.runs import new_run, record_run, run_progress, upload_folder
from aidtrack.imports.sources import file_sha256


@dataclass(frozen=True)
class FileKind:
    """One kind of whole-file import: its ImportRun kind, how to run it, and what an upload of it may be."""

    name: str  # the ImportRun kind
    run: Callable[..., ImportReport]
    suffixes: frozenset[str] = frozenset()  # the file names an upload may end with
    perms: tuple[str, ...] = ()  # the Django permissions an account needs to upload it (a site admin has all)
    bound: str = ""  # the option that bounds how many features or rows an upload may hold ("max_features")
    position: int = 0  # where the kind comes on the staff import page, after the tables


def may_import_file(user, kind: FileKind) -> bool:
    """Whether ``user`` may upload this kind of file: platform-wide data, so a site administrator, or an account
    given the permissions of the data it writes (a data officer: a member of the "Data officers" group that
    migrate makes, ``aidtrack.geo.data_officers``; see README, "Importing OCHA geodata")."""
    return bool(user and user.is_authenticated and user.is_active and kind.perms and user.has_perms(kind.perms))


_KINDS: dict[str, FileKind] = {}


def register(kind: FileKind) -> None:
    """Make a kind of file importable on the run machinery; its app registers it from AppConfig.ready()."""
    _KINDS[kind.name] = kind


def file_kinds() -> dict[str, FileKind]:
    """Every registered kind, in the order the staff page lists them."""
    return dict(sorted(_KINDS.items(), key=lambda item: item[1].position))


def file_kind(name: str) -> FileKind:
    if name not in _KINDS:
        raise ImportFailed(
            _("%(name)r is not a kind of file aidtrack imports; use one of %(kinds)s.")
            % {"name": name, "kinds": ", ".join(_KINDS)}
        )
    return _KINDS[name]


def runner(kind: str, source: str, *, by, dry_run: bool, options: dict, stdout=None) -> Callable:
    """What ``record_run`` calls with the run's record: the kind's import, its progress kept on that record."""
    found = file_kind(kind)
    return lambda record: found.run(source, by=by, dry_run=dry_run, progress=run_progress(record, stdout), **options)


def run_file_import(
    kind: str, source: str, *, by, dry_run: bool, options: dict, record: ImportRun | None = None, stdout=None
) -> tuple[ImportRun, ImportReport]:
    """Run a whole-file import with its record and progress; returns (run, report). Re-raises ImportFailed."""
    return record_run(
        kind=kind,
        source=source,
        options={**options, "dry_run": dry_run},
        by=by,
        dry_run=dry_run,
        record=record,
        run=runner(kind, source, by=by, dry_run=dry_run, options=options, stdout=stdout),
    )


def queue_file_import(kind: str, source: str, *, by, dry_run: bool, options: dict) -> ImportRun:
    """Queue a whole-file import for a worker of the job queue; its run (status "queued") is returned at once."""
    file_kind(kind)
    path = Path(source)
    local = path.is_file()
    record = new_run(
        kind=kind,
        source=source,
        options={**options, "dry_run": dry_run},
        by=by,
        sha256=file_sha256(path) if local else "",
        size=path.stat().st_size if local else None,
        status=ImportStatus.QUEUED,
    )
    start_in_background(
        record,
        {
            "kind": kind,
            "path": source,
            "display": source,
            "by_id": by.pk if by else None,
            "dry_run": dry_run,
            "options": options,
        },
    )
    return record


def run_queued_file(
    *,
    run_id: int,
    kind: str,
    path: str,
    by_id,
    dry_run: bool,
    options: dict,
    display: str = "",
    uploaded: bool = False,
    keep: bool = False,
    **_,
) -> None:
    """Run a queued whole-file import in a job worker (from the JSON arguments of ``queue_file_import`` or of
    ``file_uploads.queue_upload``). An ``uploaded`` file is the server's copy: with ``keep``, a clean check keeps
    it for its commit, named by its run (``uploads.stored_upload``); otherwise it is deleted when its run ends."""
    from django.contrib.auth import get_user_model

    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    record = ImportRun.objects.get(pk=run_id)
    if display:
        options = {**options, "display": display}
    upload = Path(path) if uploaded else None
    try:
        run_file_import(kind, path, by=by, dry_run=dry_run, options=options, record=record)
    except ImportFailed:  # kept on the run: its status, summary and problems
        if upload is not None:
            upload.unlink(missing_ok=True)
        return
    except BaseException:
        if upload is not None:
            upload.unlink(missing_ok=True)
        raise
    if upload is not None:
        if dry_run and keep:
            upload.replace(upload_folder() / f"run-{record.pk}{upload.suffix}")
        else:
            upload.unlink(missing_ok=True)
