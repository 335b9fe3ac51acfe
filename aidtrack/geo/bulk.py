"""Assigning admin areas to many stored records at once, after a boundary update.

Each app says which of its records have points and which fields hold the
placement; this module places all the points in one pass over the placement
index and writes back only the rows whose areas changed, with history.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from aidtrack.geo.placement import NO_MATCH, placement_index

WRITE_BATCH = 5000


@dataclass
class Unplaced:
    pk: int
    label: str
    problem: str


@dataclass
class ReassignResult:
    """What one bulk assignment did to one kind of record."""

    name: str
    total: int = 0
    changed: int = 0
    unplaced: list[Unplaced] = field(default_factory=list)

    def as_counts(self) -> dict:
        return {"with a point": self.total, "changed": self.changed, "outside every boundary": len(self.unplaced)}


@dataclass(frozen=True)
class Target:
    """A kind of record to place: its points and the fields its placement goes into.

    ``fields`` maps "admin1", "admin2", "admin3" and "community" to the
    model's foreign-key field names; a kind of record may leave some out.
    """

    name: str
    model: type
    points: Callable[[], Iterable[tuple[int, float, float]]]
    fields: dict[str, str]
    problem_field: str | None = None
    label: Callable[[object], str] = str


@transaction.atomic
def reassign(target: Target, *, dry_run: bool = False, by=None, reason: str = "") -> ReassignResult:
    """Place every point of ``target`` and write the placements that changed."""
    rows = list(target.points())
    result = ReassignResult(name=target.name, total=len(rows))
    if not rows:
        return result
    pks = np.array([row[0] for row in rows], dtype=np.int64)
    lats = np.array([row[1] for row in rows], dtype=float)
    lons = np.array([row[2] for row in rows], dtype=float)
    placement = placement_index().place_many(lats, lons, communities="community" in target.fields)
    new = {key: getattr(placement, f"{key}_ids") for key in target.fields}
    columns = [f"{name}_id" for name in target.fields.values()]
    if target.problem_field:
        columns.append(target.problem_field)
    stored = {
        row[0]: row[1:]
        for row in target.model.objects.filter(pk__in=pks.tolist()).values_list("pk", *columns).iterator()
    }
    problems = {int(pks[i]): text for i, text in placement.problems.items()}
    updates = {}
    for i, pk in enumerate(pks.tolist()):
        values = tuple(None if new[key][i] == NO_MATCH else int(new[key][i]) for key in new)
        if target.problem_field:
            values = (*values, problems.get(pk, ""))
        if stored.get(pk) != values:
            updates[pk] = values
    result.changed = len(updates)
    by_pk = {}
    if problems:
        by_pk = target.model.objects.in_bulk(list(problems))
    result.unplaced = [
        Unplaced(pk, target.label(by_pk[pk]) if pk in by_pk else str(pk), text) for pk, text in sorted(problems.items())
    ]
    if dry_run or not updates:
        return result
    _write(target, updates, by=by, reason=reason or "Admin areas reassigned in bulk")
    return result


def _write(target: Target, updates: dict[int, tuple], *, by, reason: str) -> None:
    """One parameterised UPDATE per row, sent in batches, then one history row per changed record.

    ``QuerySet.bulk_update`` builds a CASE expression per column over the
    whole batch, which grows quadratically; plain executemany stays linear.
    """
    meta = target.model._meta
    quote = connection.ops.quote_name
    names = list(target.fields.values()) + ([target.problem_field] if target.problem_field else [])
    columns = [meta.get_field(name).column for name in names]
    has_updated_at = any(f.name == "updated_at" for f in meta.concrete_fields)
    if has_updated_at:
        columns.append(meta.get_field("updated_at").column)
        stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    pending = list(updates.items())
    with connection.cursor() as cursor:
        for start in range(0, len(pending), WRITE_BATCH):
            chunk = pending[start : start + WRITE_BATCH]
            cursor.executemany(sql, [(*values, *((stamp,) if has_updated_at else ()), pk) for pk, values in chunk])
    if hasattr(target.model, "history"):
        for start in range(0, len(pending), WRITE_BATCH):
            pks = [pk for pk, _ in pending[start : start + WRITE_BATCH]]
            target.model.history.bulk_history_create(
                list(target.model.objects.filter(pk__in=pks)),
                update=True,
                default_user=by,
                default_change_reason=reason,
            )
