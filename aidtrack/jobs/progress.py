"""Where a running import's progress goes, so that any server shows it: the run's own row.

Outside a transaction the row is updated directly. While the import writes, it
holds its one transaction open, and an update made on that connection would
stay invisible until the end; the progress then goes through a second
connection of its own (PostgreSQL, with a short lock timeout). SQLite allows
one writer at a time, so there (or whenever the second connection cannot
write) the progress goes to the shared cache instead, and ``read`` adds it.
"""

import contextlib
import datetime
import threading

from django.core.cache import cache
from django.db import DatabaseError, connection, connections

_local = threading.local()


def _cache_key(run_id: int) -> str:
    return f"jobs:progress:{run_id}"


def _side_connection():
    side = getattr(_local, "connection", None)
    if side is None:
        side = connections.create_connection("default")
        side.connect()
        side.set_autocommit(True)
        with side.cursor() as cursor:
            cursor.execute("SET lock_timeout = '500ms'")
        _local.connection = side
    return side


def close() -> None:
    """Close this thread's progress connection (at the end of a task)."""
    side = getattr(_local, "connection", None)
    if side is not None:
        _local.connection = None
        side.close()


def save(run, rows_done: int, stage: str, at: datetime.datetime) -> None:
    from aidtrack.geo.models import ImportRun

    if not connection.in_atomic_block:
        ImportRun.objects.filter(pk=run.pk).update(rows_done=rows_done, stage=stage, heartbeat_at=at)
        return
    if connection.vendor == "postgresql":
        try:
            table = connection.ops.quote_name(ImportRun._meta.db_table)
            with _side_connection().cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET rows_done = %s, stage = %s, heartbeat_at = %s WHERE id = %s",  # noqa: S608
                    [rows_done, stage, at, run.pk],
                )
                if cursor.rowcount:
                    return
        except DatabaseError:
            close()
    # Progress is a courtesy: the import goes on whatever happens to it.
    with contextlib.suppress(Exception):
        cache.set(_cache_key(run.pk), {"rows_done": rows_done, "stage": stage, "at": at.isoformat()}, timeout=3600)


def read(run) -> None:
    """Add progress kept in the cache (newer than the row's) to ``run``."""
    try:
        latest = cache.get(_cache_key(run.pk))
    except Exception:  # noqa: BLE001
        return
    if not latest:
        return
    at = datetime.datetime.fromisoformat(latest["at"])
    if run.heartbeat_at is None or at > run.heartbeat_at:
        run.rows_done, run.stage, run.heartbeat_at = latest["rows_done"], latest["stage"], at


def forget(run_id: int) -> None:
    with contextlib.suppress(Exception):
        cache.delete(_cache_key(run_id))
