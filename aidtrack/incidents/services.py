"""Writing incidents: reporting, editing, placing in admin areas, and verification."""

import functools
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aidtrack import bulk_writes
from aidtrack.errors import check_version
from aidtrack.geo.bulk import Target
from aidtrack.geo.services import Placement, place_point, placement_of_area
from aidtrack.incidents.models import Incident, IncidentDraft, IncidentSource, VerificationStatus
from aidtrack.orgs.models import Visibility
from aidtrack.orgs.permissions import can_review_for, can_write_for

# Fields a caller may not set directly: they are assigned by the services.
SERVICE_FIELDS = frozenset(
    {
        "reference",
        "organization",
        "reported_by",
        "admin1",
        "admin2",
        "admin3",
        "community",
        "placement_problem",
        "verification_status",
        "verified_by",
        "verified_at",
        "verification_note",
        "version",
        "created_at",
        "updated_at",
        "client_key",
    }
)
REVIEW_OUTCOMES = (VerificationStatus.VERIFIED, VerificationStatus.DISPUTED, VerificationStatus.REJECTED)
# What a review does not vouch for: the reporting organization's own identifier for the record.
UNVOUCHED_FIELDS = frozenset({"external_id"})
# Who may see a record, narrowest first: withdrawing it from readers needs no new review, showing it to more does.
VISIBILITY_WIDTH = [Visibility.RESTRICTED, Visibility.PARTNERS, Visibility.PUBLIC]
# Kept in the history row (at most 100 characters there); the history's table lists the fields changed.
SENT_BACK = "Edited after review: sent back for review."


@dataclass(frozen=True)
class SourceInput:
    kind: str
    name: str
    reference: str = ""
    reliability: str = "unknown"
    licence: str = ""
    contact: str = ""


def _check_fields(fields: dict) -> None:
    forbidden = SERVICE_FIELDS & set(fields)
    if forbidden:
        raise ValidationError(
            _("%(fields)s cannot be set directly: they are assigned by aidtrack.")
            % {"fields": ", ".join(sorted(forbidden))}
        )
    unknown = set(fields) - _known_fields()
    if unknown:
        raise ValidationError(_("Unknown incident field(s): %(fields)s.") % {"fields": ", ".join(sorted(unknown))})


def assign_admin_areas(incident: Incident) -> None:
    """Fill governorate, district, sub-district and community from the point or stated area."""
    if incident.latitude is not None and incident.longitude is not None:
        placement = place_point(incident.latitude, incident.longitude)
    elif incident.stated_area_id:
        placement = placement_of_area(incident.stated_area)
    else:
        placement = Placement()
    incident.admin1 = placement.admin1
    incident.admin2 = placement.admin2
    incident.admin3 = placement.admin3
    incident.community = placement.community
    incident.placement_problem = placement.problem


def incident_placement_target() -> Target:
    """Incidents with a point, for assigning admin areas in bulk after a boundary update."""
    return Target(
        name="incidents",
        model=Incident,
        points=lambda: (
            Incident.objects.filter(latitude__isnull=False, longitude__isnull=False)
            .values_list("pk", "latitude", "longitude")
            .iterator(chunk_size=10000)
        ),
        fields={"admin1": "admin1", "admin2": "admin2", "admin3": "admin3", "community": "community"},
        problem_field="placement_problem",
        label=lambda incident: incident.reference or f"incident {incident.pk}",
    )


def _check_not_in_future(incident: Incident) -> None:
    """An incident has happened: its date is today at the latest (in the site's time zone)."""
    today = timezone.localdate()
    if incident.occurred_on is not None and incident.occurred_on > today:
        raise ValidationError(
            {
                "occurred_on": _("%(date)s is in the future (today is %(today)s): give the day it happened.")
                % {"date": f"{incident.occurred_on:%Y-%m-%d}", "today": f"{today:%Y-%m-%d}"}
            }
        )


def _derive(incident: Incident) -> None:
    if incident.perpetrator_id and not incident.perpetrator_kind:
        incident.perpetrator_kind = incident.perpetrator.kind
    assign_admin_areas(incident)


def incident_sent_before(*, client_key, by) -> Incident | None:
    """The incident a device already sent under ``client_key``, if this user sent it (else None).

    A key another user sent is refused: the answer must not tell whose report it is.
    """
    if client_key is None:
        return None
    existing = Incident.objects.filter(client_key=client_key).first()
    if existing is not None and existing.reported_by_id != by.pk:
        raise ValidationError(
            {"client_key": _("This report's device id belongs to another report: save it again as a new report.")}
        )
    return existing


@transaction.atomic
def incident_create(
    *, by, organization, sources: list[SourceInput] = (), client_key: uuid.UUID | None = None, **fields
) -> Incident:
    """Report an incident for ``organization``; it starts unverified.

    ``client_key`` is the id a device gave a report in its outbox: a report sent again (the answer was
    lost on a bad connection) returns the incident the first sending created, marked ``sent_before``.
    """
    if not can_write_for(by, organization):
        raise PermissionDenied(
            _("%(user)s may not report incidents for %(organization)s: only its reporters and reviewers may.")
            % {"user": by, "organization": organization.short_name}
        )
    existing = incident_sent_before(client_key=client_key, by=by)
    if existing is not None:
        existing.sent_before = True
        return existing
    _check_fields(fields)
    fields.setdefault("reported_at", timezone.now())
    incident = Incident(organization=organization, reported_by=by, client_key=client_key, **fields)
    incident.full_clean()
    _check_not_in_future(incident)
    _derive(incident)
    incident._history_user = by
    incident.save()
    # The reference is built from the row's id, which exists only once saved.
    incident.reference = f"INC-{incident.occurred_on.year}-{incident.pk:06d}"
    incident.save(update_fields=["reference"])
    _add_sources(incident, sources, by)
    return incident


def incident_edit_sent_before(*, incident: Incident, edit_key, by) -> bool:
    """Whether this user's device already had the edit it calls ``edit_key`` applied to ``incident``.

    Every edit's key stays in the incident's history, so an edit sent again after later ones is still
    recognised. A key used on another incident or by another user is refused without saying which.
    """
    if edit_key is None:
        return False
    applied = Incident.history.filter(last_edit_key=edit_key).values_list("id", "history_user_id").first()
    if applied is None:
        return False
    if applied != (incident.pk, by.pk):
        raise ValidationError({"client_key": _("This edit's device id belongs to another record: save it again.")})
    return True


@transaction.atomic
def incident_update(
    *,
    incident: Incident,
    by,
    expected_version: int | None,
    add_sources: list[SourceInput] = (),
    edit_key: uuid.UUID | None = None,
    **changes,
) -> Incident:
    """Apply ``changes`` (and add ``add_sources``); refused if someone saved the incident since ``expected_version``.

    ``edit_key`` is the id a device gave the edit in its outbox (see ``incident_edit_sent_before``).

    A reviewed incident whose edit changes anything the review vouched for
    (every field the public reads, the place, the internal account, the
    sources; not the organization's own identifier, nor a narrower
    visibility) goes back to "reported", whoever edits it: what was verified
    is no longer what would be shown, so it leaves the public view until a
    reviewer who did not report it verifies it again. The history row says so.
    """
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    check_version(incident, expected_version)
    if not can_write_for(by, incident.organization_id):
        raise PermissionDenied(
            _("%(user)s may not edit incidents of %(organization)s.")
            % {"user": by, "organization": incident.organization.short_name}
        )
    _check_fields(changes)
    before = {name: getattr(incident, name) for name in changes}
    for name, value in changes.items():
        setattr(incident, name, value)
    if "perpetrator" in changes and "perpetrator_kind" not in changes:
        incident.perpetrator_kind = ""
    incident.full_clean()
    if "occurred_on" in changes:
        _check_not_in_future(incident)
    _derive(incident)
    reviewed = incident.verification_status != VerificationStatus.REPORTED
    if reviewed and _changes_what_was_vouched_for(incident, before, add_sources):
        incident.verification_status = VerificationStatus.REPORTED
        incident.verified_by = None
        incident.verified_at = None
        incident.verification_note = ""
        incident._change_reason = SENT_BACK
    incident.version += 1
    incident.last_edit_key = edit_key
    incident._history_user = by
    incident.save()
    _add_sources(incident, add_sources, by)
    return incident


def _changes_what_was_vouched_for(incident: Incident, before: dict, add_sources) -> bool:
    """Whether this edit changes anything a review vouched for (``before``: the edited fields' old values)."""
    if add_sources:
        return True
    for name, old in before.items():
        new = getattr(incident, name)
        if name in UNVOUCHED_FIELDS or new == old:
            continue
        if name == "visibility" and VISIBILITY_WIDTH.index(new) < VISIBILITY_WIDTH.index(old):
            continue
        return True
    return False


# Columns a bulk import may not fill from a file (the import checks them against existing rows).
BULK_UNCHECKED = ["organization", "reported_by", "stated_area", "perpetrator", "area", "convoy"]
BULK_BATCH = 5000


@functools.cache
def _known_fields() -> frozenset[str]:
    return frozenset(field.name for field in Incident._meta.get_fields())


@functools.cache
def _field_names() -> dict[str, str]:
    """Field name by attribute name (``stated_area_id`` -> ``stated_area``) of the incident's fields."""
    return {field.attname: field.name for field in Incident._meta.concrete_fields}


@functools.cache
def _valid_defaults() -> frozenset[str]:
    """The incident fields whose default value passes the field's own validation."""
    blank = Incident()
    names = set()
    for field in Incident._meta.concrete_fields:
        if field.primary_key or field.name in BULK_UNCHECKED:
            continue
        try:
            field.clean(getattr(blank, field.attname), blank)
        except ValidationError:
            continue
        names.add(field.name)
    return frozenset(names)


@functools.cache
def _blank_values() -> tuple[list, dict[str, int]] | None:
    """A new incident's values in field order (each field's default) and each attribute's position, or None when
    a default is made anew for each incident."""
    fields = Incident._meta.concrete_fields
    if any(field.has_default() and callable(field.default) for field in fields):
        return None
    defaults = [None if field.primary_key else field.get_default() for field in fields]
    return defaults, {field.attname: position for position, field in enumerate(fields)}


def _unsaved(*, organization, by, fields: dict) -> Incident:
    """``Incident(organization=organization, reported_by=by, **fields)``, built from the values in field order
    when ``fields`` are attribute names (as a bulk import gives them): Django's handling of keywords is then
    skipped, which a check of 100,000 rows pays for every one."""
    blank = _blank_values()
    if blank is None or not fields.keys() <= blank[1].keys():
        return Incident(organization=organization, reported_by=by, **fields)
    defaults, positions = blank
    values = defaults.copy()
    for name, value in fields.items():
        values[positions[name]] = value
    values[positions["organization_id"]], values[positions["reported_by_id"]] = organization.pk, by.pk
    incident = Incident(*values)
    meta = Incident._meta
    meta.get_field("organization").set_cached_value(incident, organization)
    meta.get_field("reported_by").set_cached_value(incident, by)
    return incident


def incident_check(*, organization, by, **fields) -> Incident:
    """An unsaved incident built from ``fields`` and validated as ``incident_create`` would, without queries.

    Bulk imports call it for every row in a dry run; foreign keys must already
    be resolved ids (``stated_area_id``, ``perpetrator_id``) that the caller read from the database.
    """
    given = {name.removesuffix("_id") if name != "external_id" else name for name in fields}
    _check_fields(dict.fromkeys(given))
    fields.setdefault("reported_at", timezone.now())
    incident = _unsaved(organization=organization, by=by, fields=fields)
    # A field left at a default that passes its own checks needs no check on every row of a bulk import.
    unchecked = [*BULK_UNCHECKED, *(_valid_defaults() - given - {"reported_at"})]
    incident.full_clean(exclude=unchecked, validate_unique=False, validate_constraints=False)
    _check_not_in_future(incident)
    return incident


@dataclass(frozen=True, slots=True)
class CreatedIncident:
    """What ``incidents_bulk_create`` says of each incident it wrote."""

    pk: int
    reference: str
    placement_problem: str


def _new_row(*, organization, by, now) -> tuple[dict, list]:
    """A new incident's values by attribute name before the caller's (every field's default, the writer and the
    time), and the fields whose default is made anew for each row."""
    row, made = {}, []
    for field in Incident._meta.concrete_fields:
        if field.has_default() and callable(field.default):
            made.append(field)
        else:
            row[field.attname] = field.get_default() if not field.primary_key else None
    for field in Incident._meta.concrete_fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            row[field.attname] = now
    row.update(organization_id=organization.pk, reported_by_id=by.pk, reported_at=now)
    return row, made


def _place_rows(rows: list[dict]) -> None:
    """Fill governorate, district, sub-district and community of rows from their points (one pass for all of
    them) or stated areas, as ``assign_admin_areas`` does for one incident."""
    import numpy as np

    from aidtrack.geo.placement import NO_MATCH, placement_index, placement_of_area_id

    index = placement_index()
    with_point = [row for row in rows if row["latitude"] is not None]
    if with_point:
        placed = index.place_many(
            np.array([row["latitude"] for row in with_point], dtype=float),
            np.array([row["longitude"] for row in with_point], dtype=float),
        )
        columns = [
            (f"{name}_id", getattr(placed, f"{name}_ids").tolist())
            for name in ("admin1", "admin2", "admin3", "community")
        ]
        for name, ids in columns:
            for row, pk in zip(with_point, ids, strict=True):
                row[name] = None if pk == NO_MATCH else pk
        for position, problem in placed.problems.items():
            with_point[position]["placement_problem"] = problem
    for row in rows:
        if row["latitude"] is None and row["stated_area_id"]:
            for name, pk in placement_of_area_id(row["stated_area_id"], index).items():
                row[f"{name}_id"] = pk


def _perpetrator_kinds(rows: list[dict]) -> None:
    """A row naming a party without its kind takes the party's, as ``_derive`` does for one incident."""
    from aidtrack.orgs.models import Party

    wanting = [row for row in rows if row["perpetrator_id"] and not row["perpetrator_kind"]]
    if wanting:
        kinds = dict(Party.objects.filter(pk__in={row["perpetrator_id"] for row in wanting}).values_list("pk", "kind"))
        for row in wanting:
            row["perpetrator_kind"] = kinds[row["perpetrator_id"]]


@transaction.atomic
def incidents_bulk_create(
    *, by, organization, rows: list[dict], sources: dict[int, list[SourceInput]] | None = None
) -> list[CreatedIncident]:
    """Save many incidents whose values ``incident_check`` passed, at once, placed in admin areas in one pass.

    ``rows`` are the values given to ``incident_check`` (by attribute name: ``stated_area_id``); ``sources``
    maps a position in ``rows`` to its sources. The same rules as ``incident_create`` apply (who may write,
    references, placement, history, sources checked as ``IncidentSource`` checks them); only the writing is
    batched: each batch's incidents are one INSERT with their references (their keys are taken first), their
    history rows another, their sources two more.
    """
    if not can_write_for(by, organization):
        raise PermissionDenied(
            _("%(user)s may not report incidents for %(organization)s: only its reporters and reviewers may.")
            % {"user": by, "organization": organization.short_name}
        )
    given = set().union(*rows) if rows else set()
    _check_fields(dict.fromkeys(_field_names().get(name, name) for name in given))
    template, made = _new_row(organization=organization, by=by, now=timezone.now())
    sources = sources or {}
    created = []
    for start in range(0, len(rows), BULK_BATCH):
        batch = [{**template, **values} for values in rows[start : start + BULK_BATCH]]
        for field in made:
            for row in batch:
                if field.attname not in row:
                    row[field.attname] = field.get_default()
        _place_rows(batch)
        _perpetrator_kinds(batch)
        for row, pk in zip(batch, bulk_writes.reserve_ids(Incident, len(batch)), strict=True):
            # The reference is built from the row's id, as in incident_create: known before the row is written.
            row["id"], row["reference"] = pk, f"INC-{row['occurred_on'].year}-{pk:06d}"
        bulk_writes.rows_insert(Incident, batch, with_history=True, by=by, reason="Bulk import")
        _sources_insert(
            [(row["id"], source) for position, row in enumerate(batch, start) for source in sources.get(position, ())],
            by,
        )
        created.extend(CreatedIncident(row["id"], row["reference"], row["placement_problem"]) for row in batch)
    return created


# Fields a bulk update places again when they change.
PLACING_FIELDS = {"latitude", "longitude", "stated_area_id"}


@transaction.atomic
def incidents_bulk_update(*, by, organization, changes: list[tuple[int, int, dict]]) -> int:
    """Apply many edits checked by ``incident_check`` at once: ``changes`` are (incident id, the version read,
    the changed fields by attribute name, e.g. ``stated_area_id``).

    The rules of ``incident_update`` hold for each: who may write, an edit on an out-of-date copy is refused,
    the place is assigned again when the point or area changes, and a reviewed incident whose edit changes what
    the review vouched for goes back to "reported". Only the writing is batched (and history kept in bulk).
    """
    import numpy as np

    from aidtrack.geo.placement import NO_MATCH, placement_index, placement_of_area_id

    if not can_write_for(by, organization):
        raise PermissionDenied(
            _("%(user)s may not edit incidents of %(organization)s.")
            % {"user": by, "organization": organization.short_name}
        )
    now = timezone.now()
    written = 0
    for start in range(0, len(changes), BULK_BATCH):
        batch = changes[start : start + BULK_BATCH]
        stored = Incident.objects.select_for_update().in_bulk([pk for pk, _version, _values in batch])
        incidents, fields = [], {"version", "updated_at"}
        for pk, version, values in batch:
            incident = stored.get(pk)
            if incident is None or incident.organization_id != organization.pk:
                raise ValidationError(
                    _("Incident #%(id)s is not one of %(organization)s's any more.")
                    % {"id": pk, "organization": organization.short_name}
                )
            if incident.version != version:
                raise ValidationError(
                    _("%(reference)s was changed by someone else while the file was checked; check the file again.")
                    % {"reference": incident.reference}
                )
            before = {name: getattr(incident, name) for name in values}
            for name, value in values.items():
                setattr(incident, name, value)
            if "perpetrator_id" in values and "perpetrator_kind" not in values:
                incident.perpetrator_kind = ""
            # The stored values were checked when they were written: only the changed ones are checked again.
            changed = {_field_names().get(name, name) for name in values}
            unchecked = [*BULK_UNCHECKED, *(set(_field_names().values()) - changed)]
            incident.full_clean(exclude=unchecked, validate_unique=False, validate_constraints=False)
            if "occurred_on" in values:
                _check_not_in_future(incident)
            if incident.perpetrator_id and not incident.perpetrator_kind:
                incident.perpetrator_kind = incident.perpetrator.kind
            reviewed = incident.verification_status != VerificationStatus.REPORTED
            if reviewed and _changes_what_was_vouched_for(incident, before, ()):
                incident.verification_status = VerificationStatus.REPORTED
                incident.verified_by, incident.verified_at, incident.verification_note = None, None, ""
                incident._change_reason = SENT_BACK
                fields |= {"verification_status", "verified_by", "verified_at", "verification_note"}
            incident.version += 1
            incident.updated_at = now
            fields |= {name.removesuffix("_id") if name.endswith("_id") else name for name in values}
            if "perpetrator_id" in values:
                fields.add("perpetrator_kind")
            incidents.append((incident, bool(PLACING_FIELDS & set(values))))
        moved = [incident for incident, placing in incidents if placing]
        index = placement_index() if moved else None
        with_point = [incident for incident in moved if incident.latitude is not None]
        if with_point:
            placed = placement_index().place_many(
                np.array([incident.latitude for incident in with_point], dtype=float),
                np.array([incident.longitude for incident in with_point], dtype=float),
            )
            for position, incident in enumerate(with_point):
                for name in ("admin1", "admin2", "admin3", "community"):
                    pk = int(getattr(placed, f"{name}_ids")[position])
                    setattr(incident, f"{name}_id", None if pk == NO_MATCH else pk)
                incident.placement_problem = placed.problems.get(position, "")
        for incident in moved:
            if incident.latitude is None:
                placement = placement_of_area_id(incident.stated_area_id, index) if incident.stated_area_id else {}
                for name in ("admin1", "admin2", "admin3", "community"):
                    setattr(incident, f"{name}_id", placement.get(name))
                incident.placement_problem = ""
        if moved:
            fields |= {"admin1", "admin2", "admin3", "community", "placement_problem"}
        rows = [incident for incident, _placing in incidents]
        bulk_writes.rows_update(Incident, rows, sorted(fields))
        bulk_writes.history_insert(Incident, rows, by=by, reason="Bulk import update", update=True)
        written += len(rows)
    if written:
        # Written without save signals: an edit may have hidden a record or sent a review back, so no copy of a
        # public list rendered before it is served while the new one is rendered (aidtrack.ops.versions).
        from aidtrack.ops.versions import withdrawn

        transaction.on_commit(withdrawn)
    return written


def _add_sources(incident: Incident, sources, by) -> None:
    for source in sources:
        row = IncidentSource(incident=incident, **source.__dict__)
        row.full_clean()
        row._history_user = by
        row.save()


def _sources_insert(pairs: list[tuple[int, SourceInput]], by) -> None:
    """Add sources to incidents just written (``pairs``: incident id, source) in one INSERT and one of history.

    Each different source is checked once, as ``_add_sources`` checks it (its incident is known to exist).
    """
    if not pairs:
        return
    checked = set()
    for incident_id, source in pairs:
        if source not in checked:
            IncidentSource(incident_id=incident_id, **source.__dict__).full_clean(exclude=["incident"])
            checked.add(source)
    template = {field.attname: field.get_default() for field in IncidentSource._meta.concrete_fields}
    rows = [
        {**template, "id": pk, "incident_id": incident_id, **source.__dict__}
        for (incident_id, source), pk in zip(pairs, bulk_writes.reserve_ids(IncidentSource, len(pairs)), strict=True)
    ]
    bulk_writes.rows_insert(IncidentSource, rows, with_history=True, by=by, reason="Bulk import")


@transaction.atomic
def incident_review(
    *, incident: Incident, by, outcome: str, note: str = "", expected_version: int | None = None
) -> Incident:
    """Verify, dispute or reject an incident: only a reviewer who did not report it may."""
    incident = Incident.objects.select_for_update().select_related("organization").get(pk=incident.pk)
    check_version(incident, expected_version)
    if outcome not in REVIEW_OUTCOMES:
        raise ValidationError(
            {
                "verification_status": _("%(outcome)r is not a review outcome: use verified, disputed or rejected.")
                % {"outcome": outcome}
            }
        )
    if by.pk == incident.reported_by_id:
        raise PermissionDenied(
            _("%(user)s reported incident %(reference)s and so cannot review it: another reviewer must verify it.")
            % {"user": by, "reference": incident.reference}
        )
    if not can_review_for(by, incident.organization_id):
        raise PermissionDenied(
            _("%(user)s is not a reviewer for %(organization)s and cannot review its incidents.")
            % {"user": by, "organization": incident.organization.short_name}
        )
    note = note.strip()
    if outcome != VerificationStatus.VERIFIED and not note:
        raise ValidationError(
            {
                "note": _("Say why the incident is %(outcome)s: a reason is required.")
                % {"outcome": VerificationStatus(outcome).label.lower()}
            }
        )
    incident.verification_status = outcome
    incident.verified_by = by
    incident.verified_at = timezone.now()
    incident.verification_note = note
    incident.version += 1
    incident._history_user = by
    incident.save()
    return incident


@transaction.atomic
def incident_delete(*, incident: Incident, by) -> None:
    """Delete an incident: reviewers of its organization and site admins only.

    The history keeps the deleted record, and API sync clients are told of the
    deletion (a tombstone), so mirrors do not keep it.
    """
    incident = Incident.objects.select_for_update().select_related("organization").get(pk=incident.pk)
    if not can_review_for(by, incident.organization_id):
        raise PermissionDenied(
            _("%(user)s may not delete incidents of %(organization)s: only its reviewers may.")
            % {"user": by, "organization": incident.organization.short_name}
        )
    if hasattr(incident, "checkpoint_removal"):
        convoy = incident.checkpoint_removal.convoy
        raise ValidationError(
            _(
                "Incident %(reference)s records a checkpoint removal on convoy %(convoy)s; correct it instead of "
                "deleting it."
            )
            % {"reference": incident.reference, "convoy": convoy}
        )
    incident._history_user = by
    incident.delete()


# Form fields a draft does not keep: the page's CSRF token is not part of the report.
DRAFT_SKIPPED = frozenset({"csrfmiddlewaretoken", "save_draft", "draft"})
DRAFT_MOST_FIELDS = 500


@transaction.atomic
def incident_draft_save(*, by, data: dict[str, list[str]], draft: IncidentDraft | None = None) -> IncidentDraft:
    """Keep an unfinished report's fields as typed (nothing is checked), for its author to complete later."""
    if draft is not None:
        draft = IncidentDraft.objects.select_for_update().get(pk=draft.pk)
        if draft.created_by_id != by.pk:
            raise PermissionDenied(_("Only the person who saved a draft may change it."))
    else:
        draft = IncidentDraft(created_by=by)
    kept = {name: [str(v) for v in values] for name, values in data.items() if name not in DRAFT_SKIPPED}
    if len(kept) > DRAFT_MOST_FIELDS:
        raise ValidationError(
            _("A draft keeps at most %(most)s fields; this form sent %(sent)s.")
            % {"most": DRAFT_MOST_FIELDS, "sent": len(kept)}
        )
    draft.data = kept
    draft.title = (kept.get("title") or [""])[0].strip()[: IncidentDraft._meta.get_field("title").max_length]
    draft.full_clean()
    draft.save()
    return draft


@transaction.atomic
def incident_draft_delete(*, draft: IncidentDraft, by) -> None:
    """Delete a draft: its author only (once reported, or given up)."""
    if draft.created_by_id != by.pk:
        raise PermissionDenied(_("Only the person who saved a draft may delete it."))
    draft.delete()
