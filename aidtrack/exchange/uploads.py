"""Importing an uploaded file (staff page or API): checked for size and type, then run like the command does."""

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from aidtrack.exchange.runs import import_incidents_recorded
from aidtrack.geo.importers.report import ImportFailed, ImportReport
from aidtrack.geo.importers.sources import default_max_bytes, human_size
from aidtrack.geo.importers.tables import TABLE_SUFFIXES
from aidtrack.geo.models import ImportRun

PREVIEW_ROWS = 200


@dataclass
class UploadOutcome:
    """What an upload did: the run record, its report and, for a dry run, the planned rows."""

    run: ImportRun | None
    report: ImportReport
    failure: str = ""
    plans: list = None
    stored: bool = False

    @property
    def ok(self) -> bool:
        return not self.failure


def too_large_message(size: int) -> str | None:
    limit = default_max_bytes()
    if size > limit:
        return (
            f"The upload is {human_size(size)}, more than the import limit of {human_size(limit)}. "
            "Split the file (e.g. one month per file), or import it on the server with manage.py import_incidents."
        )
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
            raise ImportFailed(f"The column mapping is not valid JSON ({error.msg}).") from error
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise ImportFailed('The column mapping must be an object of field names to column names, {"a": "b"}.')
        return mapping
    mapping = {}
    for line in text.splitlines():
        if line.strip():
            field, sep, column = line.partition("=")
            if not sep or not column.strip():
                raise ImportFailed(f"Column mapping line {line!r}: write FIELD=COLUMN, e.g. occurred_on=Date.")
            mapping[field.strip()] = column.strip()
    return mapping


def upload_folder() -> Path:
    """Where a checked upload waits to be committed (one file per dry run, named by its run)."""
    return Path(getattr(settings, "AIDTRACK_IMPORT_DIR", settings.VAR_DIR / "imports"))


def stored_upload(run: ImportRun) -> Path | None:
    matches = sorted(upload_folder().glob(f"run-{run.pk}.*"))
    return matches[0] if matches else None


def import_upload(
    uploaded,
    *,
    organization,
    by,
    dry_run: bool,
    mapping: dict,
    mapping_name: str = "",
    save_mapping: str = "",
    keep: bool = False,
) -> UploadOutcome:
    """Run an incident import of an uploaded file; never raises for bad input (the outcome says what is wrong).

    With ``keep``, a dry run without errors keeps the file so that ``commit_stored`` can write it unchanged.
    """
    name = Path(uploaded.name or "upload").name
    suffix = Path(name).suffix.lower()
    empty = ImportReport(source=name, dry_run=dry_run)
    message = too_large_message(uploaded.size or 0)
    if message:
        return UploadOutcome(None, empty, message)
    if suffix not in TABLE_SUFFIXES:
        return UploadOutcome(None, empty, f"{name}: {suffix or 'no extension'} is not a table; upload CSV or XLSX.")
    with tempfile.TemporaryDirectory(prefix="aidtrack-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as stream:
            for chunk in uploaded.chunks():
                stream.write(chunk)
        try:
            run, report, result = import_incidents_recorded(
                path,
                display=name,
                organization=organization,
                by=by,
                dry_run=dry_run,
                options={
                    "mapping": mapping,
                    "mapping_name": mapping_name,
                    "save_mapping": save_mapping,
                    "organization_id": organization.pk,
                },
                mapping=mapping,
                mapping_name=mapping_name or None,
                save_mapping=save_mapping or None,
            )
        except ImportFailed as failure:
            run = ImportRun.objects.filter(kind="incidents", started_by=by).order_by("-pk").first()
            return UploadOutcome(run, failure.report or empty, str(failure))
        stored = False
        if keep and dry_run:
            folder = upload_folder()
            folder.mkdir(parents=True, exist_ok=True)
            path.replace(folder / f"run-{run.pk}{suffix}")
            stored = True
    return UploadOutcome(run, report, plans=result.plans[:PREVIEW_ROWS] if result else [], stored=stored)


def commit_stored(run: ImportRun, *, by) -> UploadOutcome:
    """Write the file checked by dry run ``run``, with the same organization and columns; then forget the file."""
    from aidtrack.orgs.models import Organization

    path = stored_upload(run)
    empty = ImportReport(source=run.source)
    if path is None or run.started_by_id != by.pk:
        return UploadOutcome(None, empty, "This checked file is no longer kept (or is not yours): upload it again.")
    options = run.options
    organization = Organization.objects.filter(pk=options.get("organization_id")).first()
    if organization is None:
        return UploadOutcome(None, empty, "The organization of this import no longer exists.")
    try:
        new_run, report, _ = import_incidents_recorded(
            path,
            display=run.source,
            organization=organization,
            by=by,
            dry_run=False,
            options={**options, "checked_by_run": run.pk},
            mapping=options.get("mapping") or {},
            mapping_name=options.get("mapping_name") or None,
            save_mapping=options.get("save_mapping") or None,
        )
    except ImportFailed as failure:
        new_run = ImportRun.objects.filter(kind="incidents", started_by=by).order_by("-pk").first()
        return UploadOutcome(new_run, failure.report or empty, str(failure))
    path.unlink(missing_ok=True)
    return UploadOutcome(new_run, report)
