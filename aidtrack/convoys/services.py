"""Writing convoy requests: creation, the status machine, deliveries and checkpoint removals.

Every caller (admin, staff screens, API, importers, demo data) goes through
these functions, so the rules below hold however a convoy is changed.
"""

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from aidtrack.convoys.models import (
    CargoLine,
    CheckpointRemoval,
    ConvoyDestination,
    ConvoyEvent,
    ConvoyRequest,
    ConvoyStatus,
)
from aidtrack.errors import check_version
from aidtrack.geo.bulk import Target
from aidtrack.geo.models import AdminLevel
from aidtrack.geo.services import place_point
from aidtrack.orgs.permissions import can_write_for

S = ConvoyStatus

# The inter-agency convoy lifecycle. On hold is left by resuming (back to the
# status held before the hold) or by cancelling; see allowed_transitions().
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.CANCELLED}),
    S.SUBMITTED: frozenset({S.APPROVED, S.PARTIALLY_APPROVED, S.DENIED, S.NO_RESPONSE, S.ON_HOLD, S.CANCELLED}),
    S.APPROVED: frozenset({S.DISPATCHED, S.ON_HOLD, S.CANCELLED}),
    S.PARTIALLY_APPROVED: frozenset({S.DISPATCHED, S.ON_HOLD, S.CANCELLED}),
    S.ON_HOLD: frozenset({S.CANCELLED}),
    S.DISPATCHED: frozenset({S.DELIVERED, S.PARTIALLY_DELIVERED, S.BLOCKED, S.ATTACKED}),
    S.DENIED: frozenset(),
    S.NO_RESPONSE: frozenset(),
    S.CANCELLED: frozenset(),
    S.DELIVERED: frozenset(),
    S.PARTIALLY_DELIVERED: frozenset(),
    S.BLOCKED: frozenset(),
    S.ATTACKED: frozenset(),
}
TERMINAL = frozenset(status for status, targets in TRANSITIONS.items() if not targets)
AFTER_DISPATCH = frozenset({S.DISPATCHED, S.DELIVERED, S.PARTIALLY_DELIVERED, S.BLOCKED, S.ATTACKED})
# Statuses from which a convoy can be put on hold and later resumed.
RESUMABLE = frozenset({S.SUBMITTED, S.APPROVED, S.PARTIALLY_APPROVED})
# These transitions say something went wrong: the event must say what.
NOTE_REQUIRED = frozenset({S.DENIED, S.ON_HOLD, S.CANCELLED, S.BLOCKED, S.ATTACKED})
DELIVERED_STATUSES = frozenset({S.DELIVERED, S.PARTIALLY_DELIVERED})

# Working days in Syria run Sunday to Thursday.
WEEKEND = frozenset({4, 5})  # Friday, Saturday (Monday is 0)
# Clocks disagree a little; an event a few minutes "in the future" is not an error.
CLOCK_SKEW = datetime.timedelta(minutes=5)


@dataclass(frozen=True)
class DestinationInput:
    area: object = None
    community: object = None
    planned_beneficiaries: int = 0


@dataclass(frozen=True)
class CargoInput:
    sector: str
    item: str
    quantity: Decimal | int | str
    unit: str


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end``."""
    days, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if day.weekday() not in WEEKEND:
            days += 1
    return days


def _label_of(status: str) -> str:
    """A status as a sentence names it, in the reader's language ("submitted", "مقدَّم")."""
    return str(S(status).label).lower()


def _check_may_write(convoy: ConvoyRequest, by) -> None:
    if not can_write_for(by, convoy.lead_organization_id):
        raise PermissionDenied(
            _(
                "%(user)s may not change convoy %(convoy)s: only reporters and reviewers of %(lead)s, the lead "
                "organization, may."
            )
            % {"user": by, "convoy": convoy, "lead": convoy.lead_organization.short_name}
        )


def _check_reference_free(convoy: ConvoyRequest) -> None:
    """A lead organization gives each of its requests its own reference (in any case: CV-1 and cv-1 are one).

    Only the lead's own requests are compared, which its writers may all see: nothing is said of others'.
    """
    taken = ConvoyRequest.objects.filter(
        lead_organization_id=convoy.lead_organization_id, reference__iexact=convoy.reference
    ).exclude(pk=convoy.pk)
    existing = taken.values_list("reference", flat=True).first()
    if existing is not None:
        raise ValidationError(
            {
                "reference": _("%(lead)s already has a convoy request %(reference)s: choose another reference.")
                % {"lead": convoy.lead_organization.short_name, "reference": existing}
            }
        )


def _status_before_hold(convoy: ConvoyRequest) -> str | None:
    hold = convoy.events.filter(to_status=S.ON_HOLD).order_by("-occurred_at", "-pk").first()
    return hold.from_status if hold else None


def allowed_transitions(convoy: ConvoyRequest) -> list[str]:
    """The statuses this convoy may move to now, in lifecycle order."""
    allowed = set(TRANSITIONS[convoy.status])
    if convoy.status == S.ON_HOLD:
        resume_to = _status_before_hold(convoy)
        if resume_to in RESUMABLE:
            allowed.add(resume_to)
    return [status for status in S.values if status in allowed]


def destination_point(destination: ConvoyDestination) -> tuple[float, float] | None:
    """A destination is where its register area's point is, or else its community's."""
    area, community = destination.area, destination.community
    if area is not None and area.latitude is not None:
        return area.latitude, area.longitude
    if community is not None and community.centroid_lat is not None:
        return community.centroid_lat, community.centroid_lon
    return None


def destination_register_area(community):
    """The register area a community belongs to, when exactly one area covers it (else None).

    A destination given as a community counts for that area (its last delivery, people reached). A
    community split between areas (a city divided by a front line) is left to the user to choose.
    """
    if community is None or community.level != AdminLevel.COMMUNITY:
        return None
    covering = list(community.register_areas.all()[:2])
    return covering[0] if len(covering) == 1 else None


def destination_assign_admin_areas(destination: ConvoyDestination) -> None:
    point = destination_point(destination)
    placement = place_point(*point) if point else None
    destination.admin1 = placement.admin1 if placement else None
    destination.admin2 = placement.admin2 if placement else None
    destination.admin3 = placement.admin3 if placement else None


def destination_placement_target() -> Target:
    """Convoy destinations, placed at their area's or community's point, for bulk assignment."""

    def points():
        rows = ConvoyDestination.objects.annotate(
            lat=Coalesce("area__latitude", "community__centroid_lat"),
            lon=Coalesce("area__longitude", "community__centroid_lon"),
        ).filter(lat__isnull=False, lon__isnull=False)
        return rows.values_list("pk", "lat", "lon")

    return Target(
        name="convoy destinations",
        model=ConvoyDestination,
        points=points,
        fields={"admin1": "admin1", "admin2": "admin2", "admin3": "admin3"},
    )


@transaction.atomic
def convoy_create(
    *,
    by,
    reference: str,
    lead_organization,
    origin_name: str,
    destinations: list[DestinationInput] = (),
    cargo_lines: list[CargoInput] = (),
    partner_organizations=(),
    created_at: datetime.datetime | None = None,
    **fields,
) -> ConvoyRequest:
    """Create a draft convoy request with its destinations and cargo lines."""
    convoy = ConvoyRequest(
        reference=reference,
        lead_organization=lead_organization,
        origin_name=origin_name,
        **fields,
    )
    convoy_register_new(convoy=convoy, by=by, created_at=created_at)
    convoy.partner_organizations.set(partner_organizations)
    _add_destinations(convoy, destinations)
    _add_cargo_lines(convoy, cargo_lines)
    return convoy


def _place_origin(convoy: ConvoyRequest) -> None:
    """An origin given as an admin area (a community, a town's sub-district) and no point is drawn at the area's
    centre, so that every convoy with a known origin draws its route; a point given stays as it is."""
    area = convoy.origin_area
    if area is not None and convoy.origin_latitude is None and area.centroid_lat is not None:
        convoy.origin_latitude, convoy.origin_longitude = area.centroid_lat, area.centroid_lon
    if area is not None and not convoy.origin_name:
        convoy.origin_name = area.name_en


def _add_destinations(convoy: ConvoyRequest, destinations) -> None:
    for destination in destinations:
        row = ConvoyDestination(
            convoy=convoy,
            area=destination.area or destination_register_area(destination.community),
            community=destination.community,
            planned_beneficiaries=destination.planned_beneficiaries,
        )
        destination_assign_admin_areas(row)
        row.full_clean()
        row.save()


def _add_cargo_lines(convoy: ConvoyRequest, cargo_lines) -> None:
    for line in cargo_lines:
        row = CargoLine(
            convoy=convoy,
            sector=line.sector,
            item=line.item,
            quantity=Decimal(str(line.quantity)),
            unit=line.unit,
        )
        row.full_clean()
        row.save()


# What an edit may change; the status moves only through convoy_transition and
# the lead organization, which decides who may write, is fixed at creation.
EDITABLE_FIELDS = frozenset(
    {
        "reference",
        "title",
        "modality",
        "origin_name",
        "origin_area",
        "origin_latitude",
        "origin_longitude",
        "plan_month",
        "trucks",
        "requested_date",
        "planned_date",
        "notes",
        "visibility",
    }
)


@transaction.atomic
def convoy_update(
    *,
    convoy: ConvoyRequest,
    by,
    expected_version: int | None,
    partner_organizations=None,
    destinations: list[DestinationInput] | None = None,
    cargo_lines: list[CargoInput] | None = None,
    **fields,
) -> ConvoyRequest:
    """Edit a convoy request; refused if it was saved since ``expected_version``.

    Destinations and cargo lines are replaced only while the request is a
    draft: once submitted they are what the parties were asked to approve.
    """
    convoy = ConvoyRequest.objects.select_for_update().select_related("lead_organization").get(pk=convoy.pk)
    check_version(convoy, expected_version)
    _check_may_write(convoy, by)
    fixed = set(fields) - EDITABLE_FIELDS
    if fixed:
        raise ValidationError(
            _(
                "%(fields)s cannot be edited: the status changes through a transition and the lead organization is "
                "fixed when the request is created."
            )
            % {"fields": ", ".join(sorted(fixed))}
        )
    if (destinations is not None or cargo_lines is not None) and convoy.status != S.DRAFT:
        raise ValidationError(
            _(
                "Convoy %(convoy)s is %(status)s: destinations and cargo can only be changed while it is a draft. "
                "Record removals at checkpoints, or create a new request."
            )
            % {"convoy": convoy, "status": S(convoy.status).label.lower()}
        )
    for name, value in fields.items():
        setattr(convoy, name, value)
    if "reference" in fields:
        _check_reference_free(convoy)
    _place_origin(convoy)
    convoy.full_clean()
    convoy.version += 1
    convoy._history_user = by
    convoy.save()
    if partner_organizations is not None:
        convoy.partner_organizations.set(partner_organizations)
    if destinations is not None:
        convoy.destinations.all().delete()
        _add_destinations(convoy, destinations)
    if cargo_lines is not None:
        convoy.cargo_lines.all().delete()
        _add_cargo_lines(convoy, cargo_lines)
    return convoy


@transaction.atomic
def convoy_register_new(*, convoy: ConvoyRequest, by, created_at: datetime.datetime | None = None) -> None:
    """Save a new, unsaved convoy request as a draft and record its first event."""
    if not can_write_for(by, convoy.lead_organization):
        raise PermissionDenied(
            _("%(user)s may not create convoy requests for %(lead)s: ask an organization admin for the reporter role.")
            % {"user": by, "lead": convoy.lead_organization.short_name}
        )
    convoy.status = S.DRAFT
    convoy.created_by = by
    _check_reference_free(convoy)
    _place_origin(convoy)
    convoy.full_clean()
    convoy._history_user = by
    convoy.save()
    ConvoyEvent.objects.create(
        convoy=convoy,
        from_status="",
        to_status=S.DRAFT,
        occurred_at=created_at or timezone.now(),
        recorded_by=by,
        note="Request created.",
    )


def convoy_transition_check(
    *,
    from_status: str,
    to_status: str,
    allowed: list[str] | None = None,
    reference: str = "",
    note: str = "",
    on: datetime.date | None = None,
    submitted_on: datetime.date | None = None,
) -> None:
    """The lifecycle's rules for one step, without writing: raises ValidationError by field, or passes.

    ``convoy_transition`` asks it before it writes, and the convoy importer asks it for every step a file's
    row implies, so the rules have one home: the allowed next statuses (``allowed``, by default the table;
    a convoy on hold may also resume), a note for a denial, block or attack, and "no response" only after
    the agreed working days since ``submitted_on``.
    """
    label = reference or _("this convoy")
    if to_status not in S.values:
        raise ValidationError(
            {
                "to_status": _("%(status)r is not a convoy status: use one of %(statuses)s.")
                % {"status": to_status, "statuses": ", ".join(S.values)}
            }
        )
    allowed = allowed if allowed is not None else [status for status in S.values if status in TRANSITIONS[from_status]]
    if to_status not in allowed:
        current = _label_of(from_status)
        target = _label_of(to_status)
        if allowed:
            options = _(", ").join(_label_of(status) for status in allowed)
            hint = _("From %(current)s it can go to: %(options)s.") % {"current": current, "options": options}
        else:
            hint = _("%(status)s is final: create a new request instead.") % {"status": S(from_status).label}
        message = _("Convoy %(convoy)s is %(current)s and cannot become %(target)s. %(hint)s") % {
            "convoy": label,
            "current": current,
            "target": target,
            "hint": hint,
        }
        raise ValidationError({"to_status": ValidationError(message, code="forbidden_transition")})
    if to_status in NOTE_REQUIRED and not note.strip():
        message = _("Say why the convoy is %(status)s: a note is required.") % {"status": _label_of(to_status)}
        raise ValidationError({"note": ValidationError(message, code="note_required")})
    if to_status == S.NO_RESPONSE and submitted_on is not None and on is not None:
        waited = working_days_between(submitted_on, on)
        required = settings.AIDTRACK_NO_RESPONSE_WORKING_DAYS
        if waited < required:
            message = _(
                "Convoy %(convoy)s was submitted %(waited)s working day(s) ago; it counts as 'no response' "
                "only after %(required)s working days without an answer."
            ) % {"convoy": label, "waited": waited, "required": required}
            raise ValidationError({"to_status": ValidationError(message, code="answer_not_overdue")})


@transaction.atomic
def convoy_transition(
    *,
    convoy: ConvoyRequest,
    to_status: str,
    by,
    note: str = "",
    occurred_at: datetime.datetime | None = None,
    reached_beneficiaries: dict[int, int] | None = None,
    expected_version: int | None = None,
    client_key: uuid.UUID | None = None,
) -> ConvoyEvent:
    """Move a convoy to ``to_status`` if the lifecycle allows it, and record the event.

    ``reached_beneficiaries`` maps destination ids to people reached; it is
    accepted with a delivery only. ``client_key`` is the id a device gave a step
    in its outbox: sent again (the first answer was lost), the step recorded the
    first time is returned, marked ``sent_before``, and nothing else changes.
    """
    # Lock the row so that two people answering the same request at once are
    # served one after the other, the second seeing the first one's status.
    convoy = ConvoyRequest.objects.select_for_update().select_related("lead_organization").get(pk=convoy.pk)
    sent_before = convoy_step_sent_before(convoy=convoy, client_key=client_key, by=by)
    if sent_before is not None:
        return sent_before
    check_version(convoy, expected_version)
    _check_may_write(convoy, by)

    note = note.strip()
    now = timezone.now()
    occurred_at = occurred_at or now
    if occurred_at > now + CLOCK_SKEW:
        raise ValidationError(
            {"occurred_at": _("%(moment)s is in the future.") % {"moment": f"{occurred_at:%Y-%m-%d %H:%M}"}}
        )
    last = convoy.events.order_by("-occurred_at", "-pk").first()
    if last and last.from_status == "" and occurred_at < last.occurred_at:
        # A request entered after the fact: typing the draft in today does not date the steps the
        # parties saw last week. The draft existed by its first step, so its moment moves back to it;
        # when it was typed in stays as its recorded_at, and the timeline shows both.
        last.occurred_at = occurred_at
        last.save(update_fields=["occurred_at"])
    elif last and occurred_at < last.occurred_at:
        raise ValidationError(
            {
                "occurred_at": _(
                    "The previous event (%(status)s) happened at %(moment)s; a later event cannot happen before it."
                )
                % {
                    "status": str(last.get_to_status_display()).lower(),
                    "moment": f"{timezone.localtime(last.occurred_at):%Y-%m-%d %H:%M}",
                }
            }
        )
    submitted = None
    if to_status == S.NO_RESPONSE:
        event = convoy.events.filter(to_status=S.SUBMITTED).order_by("-occurred_at").first()
        submitted = timezone.localdate(event.occurred_at) if event else None
    convoy_transition_check(
        from_status=convoy.status,
        to_status=to_status,
        allowed=allowed_transitions(convoy),
        reference=str(convoy),
        note=note,
        on=timezone.localdate(occurred_at),
        submitted_on=submitted,
    )
    if reached_beneficiaries and to_status not in DELIVERED_STATUSES:
        raise ValidationError(
            {"reached_beneficiaries": _("People reached are recorded with a delivery or partial delivery.")}
        )

    event = ConvoyEvent.objects.create(
        convoy=convoy,
        from_status=convoy.status,
        to_status=to_status,
        occurred_at=occurred_at,
        recorded_by=by,
        note=note,
        client_key=client_key,
    )
    if to_status == S.SUBMITTED and convoy.requested_date is None:
        convoy.requested_date = timezone.localdate(occurred_at)
    if reached_beneficiaries:
        _record_reached(convoy, reached_beneficiaries)
    convoy.status = to_status
    convoy.version += 1
    convoy._history_user = by
    convoy.save()
    return event


def convoy_step_sent_before(*, convoy: ConvoyRequest, client_key, by) -> ConvoyEvent | None:
    """The step a device already sent under ``client_key`` for this convoy and user (else None).

    A key used for another convoy or by another user is refused without saying which.
    """
    if client_key is None:
        return None
    existing = ConvoyEvent.objects.filter(client_key=client_key).first()
    if existing is None:
        return None
    if existing.convoy_id != convoy.pk or existing.recorded_by_id != by.pk:
        raise ValidationError(
            {"client_key": _("This step's device id belongs to another record: record the step again as a new one.")}
        )
    existing.sent_before = True
    return existing


def checkpoint_removal_sent_before(*, convoy: ConvoyRequest, client_key, by) -> CheckpointRemoval | None:
    """The removal a device already sent under ``client_key`` for this convoy and user (else None).

    A key used for another convoy or by another user is refused without saying which.
    """
    if client_key is None:
        return None
    existing = CheckpointRemoval.objects.filter(client_key=client_key).select_related("incident").first()
    if existing is None:
        return None
    if existing.convoy_id != convoy.pk or existing.recorded_by_id != by.pk:
        raise ValidationError(
            {"client_key": _("This removal's device id belongs to another record: record it again as a new one.")}
        )
    existing.sent_before = True
    return existing


def _record_reached(convoy: ConvoyRequest, reached: dict[int, int]) -> None:
    destinations = {d.pk: d for d in convoy.destinations.all()}
    for destination_id, people in reached.items():
        destination = destinations.get(int(destination_id))
        if destination is None:
            raise ValidationError(
                {
                    "reached_beneficiaries": _("Destination %(id)s is not one of convoy %(convoy)s's.")
                    % {"id": destination_id, "convoy": convoy}
                }
            )
        if people is None or int(people) < 0:
            raise ValidationError({"reached_beneficiaries": _("People reached cannot be negative.")})
        destination.reached_beneficiaries = int(people)
        destination.save(update_fields=["reached_beneficiaries"])


@transaction.atomic
def checkpoint_removal_record(
    *,
    convoy: ConvoyRequest,
    cargo_line: CargoLine,
    quantity_removed: Decimal | int | str,
    removed_on: datetime.date,
    place_name: str,
    by,
    party=None,
    reason: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    client_key=None,
) -> CheckpointRemoval:
    """Record cargo removed at a checkpoint, and the obstruction incident it amounts to.

    ``client_key`` is the id a device gave the removal in its outbox (see ``checkpoint_removal_sent_before``).
    """
    from aidtrack.incidents.models import AccessEffect, Category, Incident, IncidentKind
    from aidtrack.incidents.services import incident_create

    convoy = ConvoyRequest.objects.select_for_update().select_related("lead_organization").get(pk=convoy.pk)
    _check_may_write(convoy, by)
    if convoy.status not in AFTER_DISPATCH:
        raise ValidationError(
            _("Convoy %(convoy)s is %(status)s: cargo can only be removed from a convoy that has been dispatched.")
            % {"convoy": convoy, "status": _label_of(convoy.status)}
        )
    quantity = Decimal(str(quantity_removed))
    already = cargo_line.removals.aggregate(total=Sum("quantity_removed"))["total"] or Decimal(0)
    if quantity + already > cargo_line.quantity:
        raise ValidationError(
            {
                "quantity_removed": _(
                    "Only %(left)s %(unit)s of %(item)s are left on the convoy; %(asked)s cannot be removed."
                )
                % {
                    "left": f"{(cargo_line.quantity - already).normalize():f}",
                    "unit": cargo_line.unit,
                    "item": cargo_line.item,
                    "asked": f"{quantity.normalize():f}",
                }
            }
        )
    removal = CheckpointRemoval(
        convoy=convoy,
        cargo_line=cargo_line,
        quantity_removed=quantity,
        removed_on=removed_on,
        place_name=place_name,
        party=party,
        reason=reason,
        latitude=latitude,
        longitude=longitude,
        recorded_by=by,
        client_key=client_key,
    )
    removal.full_clean()

    destination = convoy.destinations.select_related("area", "community").first()
    stated_area = None
    if latitude is None:
        # Without a checkpoint point, the incident is placed at the destination.
        stated_area = destination.community if destination else None
        if stated_area is None and destination and destination.area:
            stated_area = destination.area.communities.first()
        if stated_area is None:
            raise ValidationError(
                {
                    "latitude": _(
                        "Give the checkpoint's coordinates: the convoy's destination has no community to place the "
                        "obstruction incident at."
                    )
                }
            )
    removal.incident = incident_create(
        by=by,
        organization=convoy.lead_organization,
        kind=IncidentKind.OBSTRUCTION,
        category=Category.INTERFERENCE,
        # An item and a checkpoint may each take 200 characters; the title holds 200 (the summary has it all).
        title=Truncator(f"{cargo_line.item} removed from convoy {convoy} at {place_name}").chars(
            Incident._meta.get_field("title").max_length
        ),
        occurred_on=removed_on,
        location_name=place_name,
        latitude=latitude,
        longitude=longitude,
        geo_precision=1 if latitude is not None else 3,
        stated_area=stated_area,
        perpetrator=party,
        convoy=convoy,
        area=destination.area if destination else None,
        public_summary=(
            f"{quantity.normalize():f} {cargo_line.unit} of {cargo_line.item} were removed from convoy {convoy} "
            f"at {place_name}." + (f" Reason given: {reason}" if reason else "")
        ),
        access_effect=AccessEffect.RESTRICTED,
        visibility=convoy.visibility,
    )
    removal._history_user = by
    removal.save()
    return removal
