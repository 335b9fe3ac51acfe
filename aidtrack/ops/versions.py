"""The data version: one value in the shared cache that names the state of everything the public reads.

Every cached list is stored under a key that includes it, so a change makes
every server's copies unreachable at once (nothing to delete, nothing to
broadcast). Reading it is one cache lookup: no query runs before a cached list
is found, so cached public lists are served while the database is down.

The version is a hash of a stamp read from the database: the highest history
id of every model with a history (each save and delete adds a row), and the
conflict events' import times, ids and count. A save or delete through the ORM
drops the cached stamp at once (and again when its transaction commits);
writes that bypass the ORM's signals (bulk imports) are seen when the stamp is
read again, at most ``AIDTRACK_DATA_CHECK_SECONDS`` later, by one server at a
time.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction

from aidtrack.ops.outage import close_if_broken

logger = logging.getLogger("aidtrack.versions")

STATE_KEY = "data:state"
CHECK_LOCK_KEY = "data:checking"
PUBLIC_APPS = {"agreements", "areas", "convoys", "geo", "incidents", "orgs", "violence"}


def _stamp_sql() -> str:
    from django.apps import apps

    from aidtrack.violence.models import ConflictEvent

    qn = connection.ops.quote_name
    parts = []
    # Every history table (simple_history's, including those of many-to-many fields) of the public apps.
    for label in sorted(PUBLIC_APPS):
        for model in apps.get_app_config(label).get_models():
            if any(field.name == "history_id" for field in model._meta.fields):
                parts.append(f"(SELECT MAX({qn('history_id')}) FROM {qn(model._meta.db_table)})")
    events = qn(ConflictEvent._meta.db_table)
    parts += [
        f"(SELECT MAX({qn('imported_at')}) FROM {events})",
        f"(SELECT MAX({qn('id')}) FROM {events})",
        f"(SELECT COUNT(*) FROM {events})",
    ]
    return "SELECT " + ", ".join(parts)


_sql: dict[str, str] = {}


def database_stamp() -> str:
    """Read the stamp from the database (a dozen index-only maxima); the SQL is built once per process."""
    sql = _sql.get(connection.vendor)
    if sql is None:
        sql = _sql[connection.vendor] = _stamp_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return "|".join(str(part) for part in cursor.fetchone())


_memo = {"version": None, "until": 0.0}


def data_version() -> str:
    """The current data version: at most one cache lookup per ``AIDTRACK_DATA_VERSION_MEMO_SECONDS`` per process
    (half a second: a change made on another server is seen within it, on this one at once), and a stamp read
    from the database at most every few seconds per cluster.

    Raises DatabaseError only when no version is known and the database cannot give one.
    """
    now = time.time()
    if _memo["version"] is not None and now < _memo["until"]:
        return _memo["version"]
    version = _current_version(now)
    _memo["version"], _memo["until"] = version, now + settings.AIDTRACK_DATA_VERSION_MEMO_SECONDS
    return version


def _current_version(now: float) -> str:
    state = cache.get(STATE_KEY)
    if state is not None:
        if now - state["checked"] < settings.AIDTRACK_DATA_CHECK_SECONDS:
            return state["version"]
        # One server reads the stamp; the others keep the version they have meanwhile.
        if not cache.add(CHECK_LOCK_KEY, True, timeout=max(1, settings.AIDTRACK_DATA_CHECK_SECONDS)):
            return state["version"]
    try:
        stamp = database_stamp()
    except DatabaseError:
        close_if_broken()
        if state is not None:
            return state["version"]
        raise
    version = hashlib.sha256(stamp.encode()).hexdigest()[:24]
    cache.set(STATE_KEY, {"version": version, "checked": now}, timeout=None)
    cache.delete(CHECK_LOCK_KEY)
    if state is None or state["version"] != version:
        data_changed(version)
    return version


def data_changed(version: str) -> None:
    """A new version: queue the precomputation of the public lists once (across servers)."""
    if not settings.AIDTRACK_PRECOMPUTE_PUBLIC_LISTS:
        return
    if not cache.add(f"data:precompute:{version}", True, timeout=3600):
        return
    try:
        from aidtrack.ops.tasks import precompute_public_lists

        precompute_public_lists.enqueue(version=version)
    except Exception:  # the lists are then computed by their first reader, as without a queue
        logger.warning("Could not queue the precomputation of the public lists", exc_info=True)


def forget_version(**kwargs) -> None:
    """Connected to every save and delete of the public apps' models: the next reader reads the stamp again."""
    _forget()
    if connection.in_atomic_block:
        transaction.on_commit(_forget)


def _forget() -> None:
    _memo["version"] = None
    cache.delete(STATE_KEY)


def connect_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for label in PUBLIC_APPS:
        for model in apps.get_app_config(label).get_models():
            post_save.connect(forget_version, sender=model, dispatch_uid=f"data-version-save-{model._meta.label}")
            post_delete.connect(forget_version, sender=model, dispatch_uid=f"data-version-delete-{model._meta.label}")
    m2m_changed.connect(forget_version, dispatch_uid="data-version-m2m")
