"""A record's change history (django-simple-history) as people read it: who, when, field, old, new."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

# Bookkeeping columns that change on every save and say nothing to a reader.
SKIPPED = {"version", "updated_at", "created_at", "client_key", "last_edit_key"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: object
    who: str
    action: str
    changes: list[Change] = field(default_factory=list)
    version: int | None = None
    reason: str = ""


def _display(model, name: str, value, cache: dict) -> str:
    try:
        model_field = model._meta.get_field(name)
    except Exception:
        return "" if value is None else str(value)
    if value in (None, ""):
        return "—"
    if isinstance(value, list):  # many-to-many: a list of through rows
        return ", ".join(_display_m2m(model_field, row, cache) for row in value) or "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        key = (model_field.related_model, value)
        if key not in cache:
            obj = model_field.related_model._default_manager.filter(pk=value).first()
            cache[key] = str(obj) if obj else _("#%(id)s (deleted)") % {"id": value}
        return cache[key]
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    return str(value)


def _display_m2m(model_field, row: dict, cache: dict) -> str:
    target = model_field.related_model
    name = target._meta.model_name
    pk = row.get(name)
    key = (target, pk)
    if key not in cache:
        obj = target._default_manager.filter(pk=pk).first()
        cache[key] = str(obj) if obj else f"#{pk}"
    return cache[key]


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name.replace("_", " ")


def changes_between(model, older, newer, cache: dict | None = None) -> list[Change]:
    """Field-by-field differences between two historical rows of ``model``."""
    cache = {} if cache is None else cache
    changes = []
    # simple-history's own diff leaves out non-editable fields, but status, verification
    # and admin areas are set by the services (not editable in forms) and matter most here.
    for tracked in older.tracked_fields:
        if tracked.name in SKIPPED:
            continue
        old, new = getattr(older, tracked.attname), getattr(newer, tracked.attname)
        if old != new:
            name = tracked.name
            changes.append(
                Change(_label(model, name), _display(model, name, old, cache), _display(model, name, new, cache))
            )
    m2m_names = [f.name for f in older._history_m2m_fields]
    if m2m_names:
        for change in newer.diff_against(older, included_fields=m2m_names).changes:
            changes.append(
                Change(
                    _label(model, change.field),
                    _display(model, change.field, change.old, cache),
                    _display(model, change.field, change.new, cache),
                )
            )
    return changes


def _rows(record) -> list:
    history = record.history.select_related("history_user")
    if any(f.name == "history_organization" for f in history.model._meta.fields):
        history = history.select_related("history_organization")
    return list(history.order_by("history_date", "history_id"))


def username(row) -> str:
    """Who saved a history row, by user name: for readers who may know it."""
    return row.history_user.get_username() if row.history_user else _("system")


def record_history(record, author: Callable = username) -> list[HistoryEntry]:
    """Every saved version of ``record``, newest first, with what changed from the one before.

    ``author`` names who saved each row, as the reader may know it (by default, the user name).
    """
    model = type(record)
    rows = _rows(record)
    cache: dict = {}
    entries, previous = [], None
    for row in rows:
        action = {"+": "created", "~": "changed", "-": "deleted"}[row.history_type]
        entry = HistoryEntry(
            when=row.history_date,
            who=author(row),
            action=action,
            version=getattr(row, "version", None),
            reason=row.history_change_reason or "",
        )
        if previous is not None:
            entry.changes = changes_between(model, previous, row, cache)
        entries.append(entry)
        previous = row
    return list(reversed(entries))


def changes_since(record, version: int, author: Callable = username) -> list[HistoryEntry]:
    """What was saved after ``version`` of a versioned record: shown when a stale edit is refused."""
    model = type(record)
    rows = _rows(record)
    base = next((r for r in reversed(rows) if getattr(r, "version", None) == version), None)
    cache: dict = {}
    entries, previous = [], base
    for row in rows:
        if getattr(row, "version", 0) <= version:
            continue
        entry = HistoryEntry(
            when=row.history_date,
            who=author(row),
            action="changed",
            version=row.version,
            changes=changes_between(model, previous, row, cache) if previous is not None else [],
        )
        entries.append(entry)
        previous = row
    return entries
