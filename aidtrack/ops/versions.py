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

import datetime
import functools
import hashlib
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from aidtrack.ops import later
from aidtrack.ops.outage import close_if_broken

logger = logging.getLogger("aidtrack.versions")

STATE_KEY = "data:state"
CHECK_LOCK_KEY = "data:checking"
CHECK_SCHEDULED_KEY = "data:check-scheduled"
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
        return _publish(now, state)
    except DatabaseError:
        close_if_broken()
        if state is not None:
            return state["version"]
        raise


def _publish(now: float, state: dict | None) -> str:
    """Read the stamp from the database and make the version it names every server's (a new one queues the
    precomputation of the public lists)."""
    version = hashlib.sha256(database_stamp().encode()).hexdigest()[:24]
    cache.set(STATE_KEY, {"version": version, "checked": now}, timeout=None)
    cache.delete(CHECK_LOCK_KEY)
    if state is None or state["version"] != version:
        data_changed(version)
    return version


def refresh_version() -> str:
    """Read the data version from the database now, whatever the cache holds, and publish it."""
    forget_memo()
    version = _publish(time.time(), cache.get(STATE_KEY))
    _memo["version"], _memo["until"] = version, time.time() + settings.AIDTRACK_DATA_VERSION_MEMO_SECONDS
    return version


# Writes made by this thread, and how many of them a published version covers (hooks run after the commit, in order).
_writes = threading.local()


def publish_on_commit(through: int) -> None:
    """The writer publishes the new version once its write commits: every server reads it from the shared cache
    (no reader reads the stamp from the database), and the precomputation of the public lists is queued at once,
    so that they are ready, or nearly, when the first reader comes (meanwhile readers get the lists as they were,
    ``aidtrack.ops.public_cache.previous_entry``).

    ``through`` numbers the write this was queued for: when the hooks run, every write this thread made so far has
    committed or was rolled back, so one reading of the stamp covers them all and the hooks of the transaction's
    other rows do nothing."""
    if getattr(_writes, "published", 0) >= through:
        return
    _writes.published = _writes.count
    if not settings.AIDTRACK_PRECOMPUTE_PUBLIC_LISTS:
        # No task renders the lists: the next reader reads the stamp (a version a reader set from a stamp read
        # before the commit is dropped again) and renders them.
        _forget()
        return
    try:
        refresh_version()
    except Exception:  # the write has committed and must not fail now: the next reader reads the stamp itself
        close_if_broken()
        _forget()
        logger.warning("Could not publish the new data version after a write", exc_info=True)


def data_changed(version: str) -> None:
    """A new version: queue the precomputation of the public lists once (across servers)."""
    if not settings.AIDTRACK_PRECOMPUTE_PUBLIC_LISTS:
        return
    if not cache.add(f"data:precompute:{version}", True, timeout=3600):
        return

    def enqueue():
        try:
            from aidtrack.ops.tasks import precompute_public_lists

            precompute_public_lists.enqueue(version=version)
        except Exception:  # the lists are then computed by their first reader, as without a queue
            logger.warning("Could not queue the precomputation of the public lists", exc_info=True)

    later.soon(enqueue)  # a reader that found the new version does not wait for the queue


def forget_version(**kwargs) -> None:
    """Connected to every save and delete of the public apps' models: once the write commits, the writer publishes
    the new version and the public lists are rendered again by a task (until then, or if publishing fails, the
    next reader reads the stamp again)."""
    _forget()
    through = _writes.count = getattr(_writes, "count", 0) + 1
    transaction.on_commit(functools.partial(publish_on_commit, through))
    transaction.on_commit(schedule_precompute)


def schedule_precompute() -> None:
    """After a write commits: queue one check of the data version a moment later
    (``AIDTRACK_PRECOMPUTE_DELAY_SECONDS``), whatever the number of writes meanwhile; a new version queues the
    precomputation of the public lists. It catches what publishing on commit can miss: two writers committing at
    once may publish their versions in the wrong order, and the later write's would be lost until the next check."""
    if not settings.AIDTRACK_PRECOMPUTE_PUBLIC_LISTS:
        return
    delay = settings.AIDTRACK_PRECOMPUTE_DELAY_SECONDS
    try:
        if not cache.add(CHECK_SCHEDULED_KEY, True, timeout=max(1, int(delay))):
            return
        from aidtrack.ops.tasks import check_data_version

        if check_data_version.get_backend().supports_defer and delay > 0:
            check_data_version.using(run_after=timezone.now() + datetime.timedelta(seconds=delay)).enqueue()
        else:
            check_data_version.enqueue()
    except Exception:  # the next reader finds the new version and queues it, as before
        logger.warning("Could not queue the check of the data version", exc_info=True)


# Withdrawals: after one, no list rendered before it is served stale (aidtrack.ops.public_cache.previous_entry).
WITHDRAWN_KEY = "data:withdrawn-at"
_WAS_PUBLIC = "_aidtrack_was_public"


def public_views() -> dict:
    """The models whose rows can leave the public's view by a save: their public rule, and the fields whose
    narrowing shows the public less of a row that stays (an exact point withdrawn)."""
    from aidtrack.convoys.models import ConvoyRequest
    from aidtrack.convoys.selectors import convoy_published_q
    from aidtrack.incidents.models import Incident
    from aidtrack.incidents.selectors import incident_visibility_q
    from aidtrack.orgs.audience import PUBLIC

    return {
        Incident: (incident_visibility_q(PUBLIC), ("publish_exact_location",)),
        ConvoyRequest: (convoy_published_q(), ()),
    }


def withdrawn() -> None:
    """Something the public saw was deleted, hidden or narrowed: stale copies of the public lists are not served."""
    cache.set(WITHDRAWN_KEY, time.time(), timeout=settings.AIDTRACK_PUBLIC_CACHE_SECONDS)


def note_public_before_save(sender, instance, **kwargs) -> None:
    rule = public_views().get(sender)
    if rule is None or instance._state.adding or instance.pk is None:
        return
    query, narrowing = rule
    setattr(instance, _WAS_PUBLIC, sender._default_manager.filter(query, pk=instance.pk).values(*narrowing).first())


def check_withdrawal_after_save(sender, instance, **kwargs) -> None:
    before = getattr(instance, _WAS_PUBLIC, None)
    if before is None:
        return  # new, or not public before: no list the public saw shows it
    delattr(instance, _WAS_PUBLIC)
    query, narrowing = public_views()[sender]
    now = sender._default_manager.filter(query, pk=instance.pk).values(*narrowing).first()
    if now is None or any(before[field] and not now[field] for field in narrowing):
        withdrawn()


def withdrawn_by_delete(**kwargs) -> None:
    withdrawn()


def withdrawn_by_relation(action: str, **kwargs) -> None:
    if action in ("post_remove", "post_clear"):
        withdrawn()


def _forget() -> None:
    forget_memo()
    cache.delete(STATE_KEY)


def forget_memo() -> None:
    _memo["version"] = None


def connect_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

    for label in PUBLIC_APPS:
        for model in apps.get_app_config(label).get_models():
            post_save.connect(forget_version, sender=model, dispatch_uid=f"data-version-save-{model._meta.label}")
            post_delete.connect(forget_version, sender=model, dispatch_uid=f"data-version-delete-{model._meta.label}")
            post_delete.connect(withdrawn_by_delete, sender=model, dispatch_uid=f"withdrawn-{model._meta.label}")
    m2m_changed.connect(forget_version, dispatch_uid="data-version-m2m")
    m2m_changed.connect(withdrawn_by_relation, dispatch_uid="withdrawn-m2m")
    for model in public_views():
        pre_save.connect(note_public_before_save, sender=model, dispatch_uid=f"public-before-{model._meta.label}")
        post_save.connect(check_withdrawal_after_save, sender=model, dispatch_uid=f"public-after-{model._meta.label}")
