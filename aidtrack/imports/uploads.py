"""Importing an uploaded table (staff page or API): checked for size and type, then run like the command does.

A small file is imported within the request, so its report comes back at
once. A large one (over ``AIDTRACK_IMPORT_BACKGROUND_BYTES``) is queued and
run in the background: the caller gets its ImportRun at once and follows its
progress there; the result is kept on the run. The uploaded file waits under
``upload_folder()`` until its run ends, and after a clean dry run until it is
committed, so what is written is exactly the file that was checked.
"""

import datetime
import json
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from aidtrack.imports.jobs import start_in_background
from aidtrack.imports.kinds import table_kind
from aidtrack.imports.models import ImportRun, ImportStatus
from aidtrack.imports.report import ImportFailed, ImportReport
from aidtrack.imports.runs import new_run, upload_folder
from aidtrack.imports.sources import default_max_bytes, file_sha256, human_size
from aidtrack.imports.table_runs import import_table_recorded
from aidtrack.imports.tables import TABLE_SUFFIXES
from aidtrack.orgs.models import Organization


@dataclass
class UploadOutcome:
    """What an upload did: the run record, its report and, for a dry run, the planned rows.

    ``queued`` means the run goes on in the background: follow ``run``.
    """

    run: ImportRun | None
    report: ImportReport
    failure: str = ""
    preview: list = field(default_factory=list)
    queued: bool = False

    @property
    def ok(self) -> bool:
        return not self.failure


def too_large_message(size: int, kind: str = "incidents") -> str | None:
    limit = default_max_bytes()
    if size > limit:
        return _(
            "The upload is %(size)s, more than the import limit of %(limit)s. Split the file (e.g. one month per "
            "file), or import it on the server with manage.py %(command)s."
        ) % {"size": human_size(size), "limit": human_size(limit), "command": table_kind(kind).command}
    return None


def parse_mapping_text(text: str) -> dict:
    """A column mapping typed as JSON ({"occurred_on": "Date"}) or as lines of FIELD=COLUMN."""
    text = (text or "").strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            mapping = json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportFailed(_("The column mapping is not valid JSON (%(error)s).") % {"error": error.msg}) from error
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise ImportFailed(_('The column mapping must be an object of field names to column names, {"a": "b"}.'))
        empty = sorted(field_name for field_name, column in mapping.items() if not column.strip())
        if empty:
            raise ImportFailed(
                _(
                    "The column mapping gives no column for %(fields)s: write the column's header, or leave the "
                    "field out (to leave a column unused, mark it ignored on the column plan)."
                )
                % {"fields": ", ".join(empty)}
            )
        return {field_name.strip(): column.strip() for field_name, column in mapping.items()}
    mapping = {}
    for line in text.splitlines():
        if line.strip():
            field_name, sep, column = line.partition("=")
            if not sep or not column.strip():
                raise ImportFailed(
                    _("Column mapping line %(line)r: write FIELD=COLUMN, e.g. occurred_on=Date.") % {"line": line}
                )
            mapping[field_name.strip()] = column.strip()
    return mapping


def stored_upload(run: ImportRun) -> Path | None:
    matches = sorted(upload_folder().glob(f"run-{run.pk}.*"))
    return matches[0] if matches else None


# How long files wait under upload_folder(): a file being imported is minutes old; a checked file waits for its
# commit this long, then it is checked again by uploading it again.
UPLOAD_KEEP = datetime.timedelta(days=1)
CHECKED_KEEP = datetime.timedelta(days=7)


def sweep_upload_folder(now: datetime.datetime | None = None) -> int:
    """Remove files left behind by stopped runs and checked files never committed; returns how many."""
    now = now or datetime.datetime.now(datetime.UTC)
    removed = 0
    for path in upload_folder().glob("*.*"):
        keep = UPLOAD_KEEP if path.name.startswith("upload-") else CHECKED_KEEP
        try:
            age = now - datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.UTC)
            if age > keep:
                path.unlink()
                removed += 1
        except OSError:
            pass
    return removed


def background_threshold() -> int:
    return int(getattr(settings, "AIDTRACK_IMPORT_BACKGROUND_BYTES", 1024 * 1024))


def estimate_rows(path: Path) -> int | None:
    """About how many data rows a table has (lines less the header), counted cheaply before the run."""
    try:
        if path.suffix.lower() == ".xlsx":
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True)
            try:
                rows = workbook.worksheets[0].max_row or 0
            finally:
                workbook.close()
        else:
            rows = 0
            with path.open("rb") as stream:
                lines = stream.read(1 << 16).split(b"\n", 2)
                stream.seek(0)
                while chunk := stream.read(1 << 20):
                    rows += chunk.count(b"\n")
            if len(lines) > 2 and lines[1].lstrip(b"\xef\xbb\xbf\"' ").startswith(b"#"):
                rows -= 1  # an HXL hashtag row under the header
        return max(rows - 1, 0)
    except Exception:  # a broken file is reported by the import itself, with a better message
        return None


def import_upload(
    uploaded,
    *,
    kind: str = "incidents",
    organization,
    by,
    dry_run: bool,
    mapping: dict,
    mapping_name: str = "",
    save_mapping: str = "",
    keep: bool = False,
    in_background: bool | None = None,
    plan: dict | None = None,
) -> UploadOutcome:
    """Run an import of an uploaded table; never raises for bad input (the outcome says what is wrong).

    With ``keep``, a dry run without errors keeps the file so that ``commit_stored`` can write it unchanged.
    ``in_background`` forces (True) or forbids (False) a background run; by default the size decides.
    """
    name = Path(uploaded.name or "upload").name
    suffix = Path(name).suffix.lower()
    empty = ImportReport(source=name, dry_run=dry_run)
    message = too_large_message(uploaded.size or 0, kind)
    if message:
        return UploadOutcome(None, empty, message)
    if suffix not in TABLE_SUFFIXES:
        return UploadOutcome(
            None,
            empty,
            _("%(name)s: %(suffix)s is not a table; upload CSV or XLSX.")
            % {"name": name, "suffix": suffix or _("no extension")},
        )
    path = store_upload(uploaded, suffix)
    size = path.stat().st_size
    if in_background is None:
        in_background = size > background_threshold()
    options = {"mapping": mapping, "plan": plan or {}, "mapping_name": mapping_name, "save_mapping": save_mapping}
    return _start(
        kind,
        path,
        display=name,
        organization=organization,
        by=by,
        dry_run=dry_run,
        options=options,
        keep=keep,
        in_background=in_background,
    )


def store_upload(uploaded, suffix: str) -> Path:
    """Write an uploaded file, chunk by chunk, under a fresh name in the upload folder (swept of old files)."""
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    sweep_upload_folder()
    path = folder / f"upload-{uuid.uuid4().hex}{suffix}"
    with path.open("wb") as stream:
        for chunk in uploaded.chunks():
            stream.write(chunk)
    return path


def claim_stored(path: Path) -> Path | None:
    """Move a checked file to its own name before committing it, so a second click cannot commit it twice; None
    when another commit claimed it first."""
    claimed = path.with_name(f"upload-{uuid.uuid4().hex}{path.suffix}")
    try:
        path.rename(claimed)
    except FileNotFoundError:
        return None
    return claimed


def commit_stored(run: ImportRun, *, by, in_background: bool | None = None) -> UploadOutcome:
    """Write the file checked by dry run ``run``, with the same organization and columns."""

    path = stored_upload(run)
    empty = ImportReport(source=run.source)
    if path is None or run.started_by_id != by.pk:
        return UploadOutcome(None, empty, _("This checked file is no longer kept (or is not yours): upload it again."))
    options = run.options
    organization = Organization.objects.filter(pk=options.get("organization_id")).first()
    if organization is None:
        return UploadOutcome(None, empty, _("The organization of this import no longer exists."))
    claimed = claim_stored(path)
    if claimed is None:
        return UploadOutcome(None, empty, _("This checked file is being imported already."))
    if in_background is None:
        in_background = claimed.stat().st_size > background_threshold()
    return _start(
        run.kind,
        claimed,
        display=run.source,
        organization=organization,
        by=by,
        dry_run=False,
        options={
            "mapping": options.get("mapping") or {},
            "plan": options.get("plan") or {},
            "mapping_name": options.get("mapping_name") or "",
            "save_mapping": options.get("save_mapping") or "",
            "checked_by_run": run.pk,
        },
        keep=False,
        in_background=in_background,
    )


def recheck_stored(run: ImportRun, *, by, plan: dict, save_mapping: str = "") -> UploadOutcome:
    """Check the file of dry run ``run`` again with a corrected column plan: a new dry run of the same file."""
    path = stored_upload(run)
    empty = ImportReport(source=run.source, dry_run=True)
    if path is None or run.started_by_id != by.pk:
        return UploadOutcome(None, empty, _("This checked file is no longer kept (or is not yours): upload it again."))
    organization = Organization.objects.filter(pk=run.options.get("organization_id")).first()
    if organization is None:
        return UploadOutcome(None, empty, _("The organization of this import no longer exists."))
    copy = path.with_name(f"upload-{uuid.uuid4().hex}{path.suffix}")
    shutil.copyfile(path, copy)
    options = {
        "mapping": {},
        "plan": plan,
        "mapping_name": "",  # the plan from the page is whole: it already holds the saved mapping's choices
        "save_mapping": save_mapping,
        "checked_again_from": run.pk,
    }
    return _start(
        run.kind,
        copy,
        display=run.source,
        organization=organization,
        by=by,
        dry_run=True,
        options=options,
        keep=True,
        in_background=copy.stat().st_size > background_threshold(),
    )


def _start(kind, path: Path, *, display, organization, by, dry_run, options, keep, in_background) -> UploadOutcome:
    record = new_run(
        kind=kind,
        source=display,
        options={
            **options,
            "dry_run": dry_run,
            "organization": organization.short_name,
            "organization_id": organization.pk,
        },
        by=by,
        sha256=file_sha256(path),
        size=path.stat().st_size,
        status=ImportStatus.QUEUED,
        rows_total=estimate_rows(path),
    )

    arguments = {
        "kind": kind,
        "path": str(path),
        "display": display,
        "organization_id": organization.pk,
        "by_id": by.pk if by else None,
        "dry_run": dry_run,
        "options": options,
        "keep": keep,
    }
    if in_background:
        # A worker of the job queue runs it; the file waits under AIDTRACK_IMPORT_DIR.
        start_in_background(record, arguments)
        return UploadOutcome(record, ImportReport(source=display, dry_run=dry_run), queued=True)
    return run_queued(run_id=record.pk, **arguments)


def run_queued(
    *, run_id, kind, path, display, by_id, dry_run, options, organization_id=None, keep=False, uploaded=False
) -> UploadOutcome | None:
    """Run an import queued by ``_start`` (or a whole file queued by ``files.queue_file_import``), in the request
    or in a job worker (from JSON arguments)."""
    from django.contrib.auth import get_user_model

    from aidtrack.imports.files import file_kinds, run_queued_file

    if kind in file_kinds():
        return run_queued_file(
            run_id=run_id,
            kind=kind,
            path=path,
            by_id=by_id,
            dry_run=dry_run,
            options=options,
            display=display,
            uploaded=uploaded,
            keep=keep,
        )

    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    return _run(
        kind,
        Path(path),
        ImportRun.objects.get(pk=run_id),
        display=display,
        organization=Organization.objects.get(pk=organization_id),
        by=by,
        dry_run=dry_run,
        options=options,
        keep=keep,
    )


def _run(kind, path: Path, record, *, display, organization, by, dry_run, options, keep) -> UploadOutcome:
    try:
        run, report, result = import_table_recorded(
            kind,
            path,
            display=display,
            organization=organization,
            by=by,
            dry_run=dry_run,
            options={**options, "dry_run": dry_run},
            record=record,
            mapping=options.get("mapping") or {},
            plan=options.get("plan") or None,
            mapping_name=options.get("mapping_name") or None,
            save_mapping=options.get("save_mapping") or None,
        )
    except ImportFailed as failure:
        if keep and dry_run:
            # Kept so that its column plan can be corrected and the same file checked again.
            path.replace(upload_folder() / f"run-{record.pk}{path.suffix}")
        else:
            path.unlink(missing_ok=True)
        record.refresh_from_db()
        return UploadOutcome(record, failure.report or ImportReport(source=display), str(failure), record.preview)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if keep and dry_run:
        path.replace(upload_folder() / f"run-{run.pk}{path.suffix}")
    else:
        path.unlink(missing_ok=True)
    return UploadOutcome(run, report, preview=result.preview() if result else [])
