"""Running a table import with its record, saved column mapping and progress: one door for every caller.

The management commands, the staff upload page and the API all call
``run_table_import`` (through ``geo.importers.runs.record_run``), so a file
gives the same report whichever way it arrives.
"""

import json
from pathlib import Path

from aidtrack.imports.kinds import table_kind
from aidtrack.imports.mappings import column_mapping_save, saved_mapping
from aidtrack.imports.report import ImportFailed, ImportReport
from aidtrack.imports.runs import record_column_plan, record_run, run_progress, upload_folder


def run_table_import(
    kind: str,
    path_or_url: str,
    *,
    organization,
    by,
    dry_run: bool,
    mapping: dict | None = None,
    plan: dict | None = None,
    mapping_name: str | None = None,
    save_mapping: str | None = None,
    sheet: str | None = None,
    max_bytes: int | None = None,
    display: str | None = None,
    record=None,
    stdout=None,
    keep: dict | None = None,
) -> ImportReport:
    """Import (or dry-run) a table; ``keep`` receives the full result (row plans) for a preview."""

    progress = run_progress(record, stdout)
    try:
        result = table_kind(kind).importer(
            path_or_url,
            organization=organization,
            by=by,
            dry_run=dry_run,
            mapping=mapping,
            plan=plan,
            saved_mapping=saved_mapping(kind, organization, mapping_name),
            sheet=sheet,
            max_bytes=max_bytes,
            display=display,
            progress=progress,
            show_plan=(lambda column_plan: record_column_plan(record, column_plan)) if record is not None else None,
        )
    except ImportFailed as failure:
        if record is not None and getattr(failure, "result", None) is not None:
            record.preview = failure.result.preview()  # kept when the run's record is finished
            record.column_plan = failure.result.column_plan
            record.options = {**record.options, "effective_plan": failure.result.plan.as_data()}
        raise
    if record is not None:
        record.preview = result.preview()
        record.column_plan = result.column_plan
        record.options = {**record.options, "effective_plan": result.plan.as_data()}
        keep_refused(record, result.refused)
    if save_mapping:
        saved = {key: value for key, value in result.plan.as_data().items() if key != "columns"}
        column_mapping_save(
            kind=kind, organization=organization, name=save_mapping, columns=result.columns, plan=saved, by=by
        )
        result.report.notes.append(f"Column mapping saved as {save_mapping!r}.")
    if keep is not None:
        keep["result"] = result
    return result.report


def refused_path(record) -> Path:
    return upload_folder() / f"refused-{record.pk}.json"


def keep_refused(record, refused: list) -> None:
    """Keep the rows a run left out (their cells as the file gave them, and their problems) for their own file."""
    path = refused_path(record)
    if not refused:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(refused, ensure_ascii=False))


def refused_rows(record) -> list[dict]:
    try:
        return json.loads(refused_path(record).read_text())
    except (OSError, ValueError):
        return []


def import_table_recorded(
    kind: str, path, *, display: str, organization, by, dry_run: bool, options: dict, record=None, **kwargs
):
    """Run a table import with an ImportRun record; returns (record, report, result). Re-raises ImportFailed.

    ``record`` is an ImportRun created beforehand (a queued background run), or None to create one now.
    """
    keep = {}
    record, report = record_run(
        kind=kind,
        source=display,
        options={**options, "organization": organization.short_name, "organization_id": organization.pk},
        by=by,
        dry_run=dry_run,
        record=record,
        run=lambda record: run_table_import(
            kind,
            str(path),
            organization=organization,
            by=by,
            dry_run=dry_run,
            display=display,
            record=record,
            keep=keep,
            **kwargs,
        ),
    )
    return record, report, keep.get("result")
