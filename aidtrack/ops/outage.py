"""What the app does while its database is out of reach: answer 503 clearly, say so in the log once, recover by itself.

An outage is noticed by the exception a query raises (no query is added to a
request to look for one). The first failure logs one warning and the return of
the database one line; requests in between are not logged at all, so a
thirteen-second outage under load is two lines, not thousands of tracebacks.
Each process keeps its own flag; the shared cache, when it answers, keeps the
warning to one per outage across all of them.
"""

import logging
import threading
import time

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError

logger = logging.getLogger("aidtrack.outage")

RETRY_AFTER_SECONDS = 10
_LOGGED_KEY = "ops:database-outage-logged"

_lock = threading.Lock()
_down_since: float | None = None


def is_database_unreachable(error: BaseException | None) -> bool:
    """Whether this exception (or one it was raised from) says the database cannot be reached.

    ``OperationalError`` covers a refused or dropped connection on PostgreSQL
    and a missing or unopenable file on SQLite; ``InterfaceError`` a
    connection that was closed under us. Errors in a query itself (a
    constraint, bad SQL) are not outages and keep their usual handling.
    """
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OperationalError | InterfaceError):
            return not _is_lock_timeout(error)
        if not isinstance(error, DatabaseError) and error.__cause__ is None and error.__context__ is None:
            return False
        error = error.__cause__ or error.__context__
    return False


def _is_lock_timeout(error: BaseException) -> bool:
    # SQLite's "database is locked" is a busy database, not a missing one.
    return "locked" in str(error).lower()


def database_down(error: BaseException) -> None:
    """Note that the database failed; the first failure of an outage is logged, with its reason."""
    global _down_since
    with _lock:
        if _down_since is not None:
            return
        _down_since = time.monotonic()
    try:
        first = cache.add(_LOGGED_KEY, True, timeout=300)
    except Exception:
        first = True
    if first:
        logger.warning(
            "The database cannot be reached (%s): answering 503 until it is back.",
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
        )


def database_up() -> None:
    """Called after a request that reached the database: ends an outage this process had noticed."""
    global _down_since
    if _down_since is None:
        return
    with _lock:
        if _down_since is None:
            return
        lasted = time.monotonic() - _down_since
        _down_since = None
    try:
        last = cache.delete(_LOGGED_KEY)
    except Exception:
        last = True
    if last:
        logger.warning("The database is back after %.0f s: serving normally.", lasted)


def in_outage() -> bool:
    return _down_since is not None


_last_probe = 0.0


def probe_if_down() -> None:
    """During an outage, try the database at most once a second per process; end the outage when it answers."""
    global _last_probe
    if _down_since is None or time.monotonic() - _last_probe < 1:
        return
    _last_probe = time.monotonic()
    if database_reachable():
        database_up()


def database_reachable() -> bool:
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        close_if_broken()
        return False


def close_if_broken() -> None:
    """Drop a connection that failed, so the next request connects afresh (not inside a transaction: tests)."""
    from django.db import connection

    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()
