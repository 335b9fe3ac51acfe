"""Saved column mappings: kept per organization and kind of table, reused for the next file, edited by hand."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aidtrack.imports.kinds import table_kind, table_kinds
from aidtrack.imports.models import ColumnMapping
from aidtrack.imports.plan import ImportPlan
from aidtrack.imports.report import ImportFailed
from aidtrack.orgs.permissions import can_write_for

PRESET = "preset:"  # a mapping name that chooses a preset of the kind
PLAN_KEYS = ("ignored", "constants", "recodings", "rules", "date_order", "refused_rows")


def saved_mapping(kind: str, organization, name: str | None) -> dict:
    """The columns of the organization's mapping ``name`` for this kind of table ({} without a name)."""
    if not name:
        return {}
    if name.startswith(PRESET):
        preset = table_kind(kind).presets.get(name.removeprefix(PRESET))
        if preset is None:
            raise ImportFailed(
                _("There is no preset %(name)r for %(kind)s.")
                % {"name": name.removeprefix(PRESET), "kind": table_kind(kind).noun}
            )
        return {"columns": {}, **preset["plan"]}
    mappings = ColumnMapping.objects.filter(organization=organization, kind=kind)
    mapping = mappings.filter(name=name).first()
    if mapping is None:
        names = ", ".join(mappings.values_list("name", flat=True))
        values = {"organization": organization.short_name, "kind": table_kind(kind).noun, "name": name}
        if names:
            raise ImportFailed(
                _(
                    "%(organization)s has no saved column mapping of %(kind)s named %(name)r; "
                    "its mappings are: %(names)s."
                )
                % {**values, "names": names}
            )
        raise ImportFailed(
            _(
                "%(organization)s has no saved column mapping of %(kind)s named %(name)r; "
                "save one with --save-mapping NAME."
            )
            % values
        )
    return {"columns": mapping.columns, **(mapping.plan or {})}


def mapping_file(mapping: ColumnMapping) -> dict:
    """A saved mapping as a file to keep or share (``column_mapping_from_file`` reads it back)."""
    return {
        "aidtrack_column_mapping": 1,
        "kind": mapping.kind,
        "name": mapping.name,
        "columns": mapping.columns,
        **(mapping.plan or {}),
    }


def column_mapping_from_file(data, *, organization, by, name: str = "") -> ColumnMapping:
    """Save a mapping read from a file written by ``mapping_file``; refuses what is not one, saying why."""
    if not isinstance(data, dict) or data.get("aidtrack_column_mapping") != 1:
        raise ImportFailed(_("This is not a column mapping file of aidtrack (export one from the list of mappings)."))
    kind = data.get("kind")
    if kind not in table_kinds():
        raise ImportFailed(_("The file's kind of table %(kind)r is not one aidtrack imports.") % {"kind": kind})
    plan = {key: data[key] for key in PLAN_KEYS if key in data}
    ImportPlan.from_data({"columns": data.get("columns") or {}, **plan}, fields=table_kind(kind).fields)
    return column_mapping_save(
        kind=kind,
        organization=organization,
        name=name or str(data.get("name") or "Imported mapping"),
        columns=data.get("columns") or {},
        plan=plan,
        by=by,
    )


def _check(kind: str, organization, by, columns: dict) -> None:
    if not can_write_for(by, organization):
        raise PermissionDenied(
            _("%(user)s may not keep column mappings for %(organization)s.")
            % {"user": by, "organization": organization.short_name}
        )
    fields = table_kind(kind).fields
    unknown = sorted(set(columns) - set(fields))
    if unknown:
        raise ValidationError(
            {
                "columns": _("Unknown field(s): %(unknown)s. The fields of %(kind)s are: %(fields)s.")
                % {"unknown": ", ".join(unknown), "kind": table_kind(kind).noun, "fields": ", ".join(fields)}
            }
        )
    empty = sorted(field for field, column in columns.items() if not str(column).strip())
    if empty:
        raise ValidationError({"columns": _("Give the column header for: %(fields)s.") % {"fields": ", ".join(empty)}})


def column_mapping_save(
    *, kind: str, organization, name: str, columns: dict, by, plan: dict | None = None
) -> ColumnMapping:
    """Create the named mapping, or replace its columns and plan (what an import's "save these columns as" does)."""
    try:
        _check(kind, organization, by, columns)
    except (ValidationError, PermissionDenied) as error:
        raise ImportFailed(" ".join(getattr(error, "messages", [str(error)]))) from error
    mapping, _ = ColumnMapping.objects.update_or_create(
        organization=organization,
        kind=kind,
        name=name.strip()[:100],
        defaults={"columns": columns, "plan": plan or {}, "updated_by": by},
    )
    return mapping


@transaction.atomic
def column_mapping_edit(
    *, mapping: ColumnMapping | None, kind: str, organization, name: str, columns: dict, by, loaded_at=None
) -> ColumnMapping:
    """Create (``mapping`` None) or edit a mapping from the staff screen; refused if it changed since ``loaded_at``."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the mapping a name, e.g. the partner and the file (SARC weekly log).")})
    _check(kind, organization, by, columns)
    if mapping is not None:
        mapping = ColumnMapping.objects.select_for_update().get(pk=mapping.pk)
        if not can_write_for(by, mapping.organization):
            raise PermissionDenied(
                _("%(user)s may not edit the column mappings of %(organization)s.")
                % {"user": by, "organization": mapping.organization.short_name}
            )
        if loaded_at is not None and mapping.updated_at != loaded_at:
            who = mapping.updated_by or _("someone")
            raise ValidationError(
                _(
                    "%(who)s changed this mapping at %(time)s while you edited it; its columns are shown again as they "
                    "are now. Make your change again."
                )
                % {"who": who, "time": f"{mapping.updated_at:%H:%M:%S}"}
            )
    clash = ColumnMapping.objects.filter(organization=organization, kind=kind, name=name)
    if mapping is not None:
        clash = clash.exclude(pk=mapping.pk)
    if clash.exists():
        raise ValidationError(
            {
                "name": _("%(organization)s already has a mapping named %(name)r.")
                % {"organization": organization.short_name, "name": name}
            }
        )
    mapping = mapping or ColumnMapping()
    mapping.organization, mapping.kind, mapping.name = organization, kind, name[:100]
    mapping.columns, mapping.updated_by = columns, by
    mapping.save()
    return mapping


def column_mapping_delete(*, mapping: ColumnMapping, by) -> None:
    if not can_write_for(by, mapping.organization):
        raise PermissionDenied(
            _("%(user)s may not delete the column mappings of %(organization)s.")
            % {"user": by, "organization": mapping.organization.short_name}
        )
    mapping.delete()
