"""Work a request queues for after its response is sent.

Queueing a task on the database queue is a committed insert (a disk flush, 10–20 ms); a public list served from
the cache takes a millisecond. So what such a list's reader sets going (rendering the new version of the list) is
queued once the response has gone out, when the WSGI server closes it.
"""

import logging
import threading
from collections.abc import Callable
from contextlib import contextmanager

logger = logging.getLogger("aidtrack.versions")
_local = threading.local()


@contextmanager
def deferring():
    """Within it, ``soon`` keeps the work it is given; the list it yields is what was kept."""
    _local.pending = pending = []
    try:
        yield pending
    finally:
        _local.pending = None


def soon(work: Callable[[], None]) -> None:
    """Run ``work`` after the response of the current request (at once outside one)."""
    pending = getattr(_local, "pending", None)
    if pending is None:
        work()
    else:
        pending.append(work)


def after(response, pending: list) -> None:
    """Run ``pending`` when ``response`` is closed (its body sent)."""
    if not pending:
        return

    def run():
        for work in pending:
            try:
                work()
            except Exception:
                logger.warning("Work queued for after a response failed", exc_info=True)

    response._resource_closers.append(run)
