"""Writing conflict events: the ACLED importer and the demo loader go through here."""

from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone

from aidtrack.geo.placement import NO_MATCH, placement_index
from aidtrack.violence.models import ConflictEvent

SOURCE_FIELDS = [
    "event_id",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "admin1_name",
    "admin2_name",
    "admin3_name",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
    "notes",
    "source",
]
UPDATED_FIELDS = [*SOURCE_FIELDS[1:], "admin1", "admin2", "admin3", "imported_at"]


@dataclass(frozen=True)
class SaveCounts:
    added: int
    updated: int
    unchanged: int


@dataclass
class EventsPlan:
    """What saving conflict events will do: the events to add, those to change, and the ids left unchanged."""

    new: list[ConflictEvent]
    changed: list[ConflictEvent]
    unchanged: list[str]

    @property
    def counts(self) -> SaveCounts:
        return SaveCounts(added=len(self.new), updated=len(self.changed), unchanged=len(self.unchanged))


def conflict_events_check(*, events: list[dict]) -> EventsPlan:
    """Place the events in admin areas and match them to the stored ones by ``event_id``; writes nothing.

    Each dict holds model field names (``SOURCE_FIELDS``; missing ones keep the model's default on a new
    event and the stored value on an update). An event whose values are all unchanged is left alone.
    """
    rows = [dict(values) for values in events]
    if not rows:
        return EventsPlan([], [], [])
    _place(rows)
    existing = ConflictEvent.objects.in_bulk([row["event_id"] for row in rows], field_name="event_id")
    plan = EventsPlan([], [], [])
    for values in rows:
        event = existing.get(values["event_id"])
        if event is None:
            plan.new.append(ConflictEvent(**values))
        elif any(getattr(event, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(event, name, value)
            plan.changed.append(event)
        else:
            plan.unchanged.append(values["event_id"])
    return plan


def conflict_events_save(*, events: list[dict], dry_run: bool = False, checked: EventsPlan | None = None) -> SaveCounts:
    """Add or update conflict events, matched by their source's ``event_id``; placed in admin areas first.

    See ``conflict_events_check``; ``checked`` is its plan when the caller (the importer) made it already, so
    that the events are not placed and matched twice. An unchanged event keeps its ``imported_at``, which
    tells when it last changed. ``dry_run`` counts and writes nothing.
    """
    plan = checked if checked is not None else conflict_events_check(events=events)
    if not dry_run:
        now = timezone.now()
        for event in plan.changed:
            # bulk_update() does not run auto_now, and sync clients ask for ?updated_since= on this field.
            event.imported_at = now
        with transaction.atomic():
            ConflictEvent.objects.bulk_create(plan.new, batch_size=2000)
            ConflictEvent.objects.bulk_update(plan.changed, UPDATED_FIELDS, batch_size=500)
    return plan.counts


def _place(rows: list[dict]) -> None:
    placed = placement_index().place_many(
        np.array([r["latitude"] for r in rows]), np.array([r["longitude"] for r in rows]), communities=False
    )
    for i, values in enumerate(rows):
        for name in ("admin1", "admin2", "admin3"):
            pk = int(getattr(placed, f"{name}_ids")[i])
            values[f"{name}_id"] = None if pk == NO_MATCH else pk
