"""Periodic work that the job worker queues itself, so that a deployment needs no cron.

Each entry is a task and the setting that gives its period in seconds (0 turns it off). Every worker looks
every few seconds; the shared cache decides which one queues an entry, so with several workers on several
machines (Redis as the cache) an entry is queued about once per period. Were two to queue it at once (the
file cache of one machine is not strictly atomic), nothing is sent twice: the alerts pass is idempotent.
"""

import logging
import threading

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections

logger = logging.getLogger("aidtrack.jobs")

# (name, setting with the period in seconds, dotted path of the task)
PERIODIC = [
    ("alerts_tick", "AIDTRACK_ALERTS_TICK_SECONDS", "aidtrack.alerts.tasks.alerts_tick"),
]


def _task(path: str):
    from django.utils.module_loading import import_string

    return import_string(path)


def queue_due() -> list[str]:
    """Queue every periodic task whose period has passed since any worker last queued it; return their names."""
    queued = []
    for name, setting, path in PERIODIC:
        period = int(getattr(settings, setting))
        if period <= 0:
            continue
        # cache.add only sets a key that is not there: the first worker to look in a period wins it.
        key = f"aidtrack:jobs:periodic:{name}"
        if not cache.add(key, 1, timeout=period):
            continue
        try:
            _task(path).enqueue()
        except Exception:
            cache.delete(key)  # not queued: the next look tries again
            raise
        queued.append(name)
    return queued


class Scheduler(threading.Thread):
    """A daemon thread of ``jobs_worker`` that calls ``queue_due`` every ``every`` seconds until stopped."""

    def __init__(self, every: float = 15.0):
        super().__init__(name="aidtrack-periodic", daemon=True)
        self.every = every
        self.stopped = threading.Event()
        self.failing = False

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            try:
                for name in queue_due():
                    logger.info("Queued the periodic task %s.", name)
                self.failing = False
            except DatabaseError as error:
                if not self.failing:  # said once per outage, not every few seconds
                    logger.warning("Periodic tasks wait for the database: %s", error)
                self.failing = True
            finally:
                connections.close_all()  # this thread's own connections

    def stop(self) -> None:
        self.stopped.set()
