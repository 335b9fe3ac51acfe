"""Running an incident import with its record, saved column mapping and progress: one door for every caller.

The management command, the staff upload page and the API all call
``run_incident_import`` (through ``geo.importers.runs.record_run``), so a file
gives the same report whichever way it arrives.
"""

from aidtrack.exchange.incidents import FIELDS, import_incidents
from aidtrack.exchange.models import ColumnMapping, TableKind
from aidtrack.geo.importers.report import ImportFailed, ImportReport
from aidtrack.geo.importers.runs import record_progress, record_run
from aidtrack.geo.models import ImportKind


def saved_mapping(organization, name: str | None) -> dict:
    if not name:
        return {}
    mapping = ColumnMapping.objects.filter(organization=organization, kind=TableKind.INCIDENTS, name=name).first()
    if mapping is None:
        names = ", ".join(
            ColumnMapping.objects.filter(organization=organization, kind=TableKind.INCIDENTS).values_list(
                "name", flat=True
            )
        )
        raise ImportFailed(
            f"{organization.short_name} has no saved column mapping named {name!r}"
            + (f"; its mappings are: {names}." if names else "; save one with --save-mapping NAME.")
        )
    return mapping.columns


def column_mapping_save(*, organization, name: str, columns: dict, by) -> ColumnMapping:
    """Create or replace a named mapping of incident fields to column headers."""
    unknown = set(columns) - set(FIELDS)
    if unknown:
        raise ImportFailed(f"Unknown field(s) in the mapping: {', '.join(sorted(unknown))}.")
    mapping, _ = ColumnMapping.objects.update_or_create(
        organization=organization,
        kind=TableKind.INCIDENTS,
        name=name.strip()[:100],
        defaults={"columns": columns, "updated_by": by},
    )
    return mapping


def run_incident_import(
    path_or_url: str,
    *,
    organization,
    by,
    dry_run: bool,
    mapping: dict | None = None,
    mapping_name: str | None = None,
    save_mapping: str | None = None,
    sheet: str | None = None,
    max_bytes: int | None = None,
    display: str | None = None,
    record=None,
    stdout=None,
    keep: dict | None = None,
) -> ImportReport:
    """Import (or dry-run) an incident table; ``keep`` receives the full result (row plans) for a preview."""

    def progress(stage: str, rows: int) -> None:
        if record is not None and stage == "checked":
            record_progress(record, rows)
        if stdout is not None and stage == "checked":
            stdout.write(f"  {rows} rows checked")

    result = import_incidents(
        path_or_url,
        organization=organization,
        by=by,
        dry_run=dry_run,
        mapping=mapping,
        saved_mapping=saved_mapping(organization, mapping_name),
        sheet=sheet,
        max_bytes=max_bytes,
        display=display,
        progress=progress,
    )
    if save_mapping:
        column_mapping_save(organization=organization, name=save_mapping, columns=result.columns, by=by)
        result.report.notes.append(f"Column mapping saved as {save_mapping!r}.")
    if keep is not None:
        keep["result"] = result
    return result.report


def import_incidents_recorded(path, *, display: str, organization, by, dry_run: bool, options: dict, **kwargs):
    """Run an incident import with an ImportRun record; returns (record, report, result). Re-raises ImportFailed."""
    keep = {}
    record, report = record_run(
        kind=ImportKind.INCIDENTS,
        source=display,
        options={**options, "organization": organization.short_name, "organization_id": organization.pk},
        by=by,
        dry_run=dry_run,
        run=lambda record: run_incident_import(
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
