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


def conflict_events_save(*, events: list[dict], dry_run: bool = False) -> SaveCounts:
    """Add or update conflict events, matched by their source's ``event_id``; placed in admin areas first.

    Each dict holds model field names (``SOURCE_FIELDS``; missing ones keep the model's default on a new
    event and the stored value on an update). An event whose values are all unchanged is left alone, so its
    ``imported_at`` tells when it last changed. ``dry_run`` counts and writes nothing.
    """
    if not events:
        return SaveCounts(0, 0, 0)
    rows = [dict(values) for values in events]
    _place(rows)
    existing = ConflictEvent.objects.in_bulk([row["event_id"] for row in rows], field_name="event_id")
    new, changed = [], []
    for values in rows:
        event = existing.get(values["event_id"])
        if event is None:
            new.append(ConflictEvent(**values))
        elif any(getattr(event, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(event, name, value)
            changed.append(event)
    if not dry_run:
        now = timezone.now()
        for event in changed:
            # bulk_update() does not run auto_now, and sync clients ask for ?updated_since= on this field.
            event.imported_at = now
        with transaction.atomic():
            ConflictEvent.objects.bulk_create(new, batch_size=2000)
            ConflictEvent.objects.bulk_update(changed, UPDATED_FIELDS, batch_size=500)
    return SaveCounts(added=len(new), updated=len(changed), unchanged=len(rows) - len(new) - len(changed))


def _place(rows: list[dict]) -> None:
    placed = placement_index().place_many(
        np.array([r["latitude"] for r in rows]), np.array([r["longitude"] for r in rows]), communities=False
    )
    for i, values in enumerate(rows):
        for name in ("admin1", "admin2", "admin3"):
            pk = int(getattr(placed, f"{name}_ids")[i])
            values[f"{name}_id"] = None if pk == NO_MATCH else pk
