"""Retrying idempotent tasks when their database went away, within a bound.

A task decorated with ``retried`` (under ``@task()``) takes an ``attempt`` keyword argument. When it fails because
the database cannot be reached, it waits for the database to return (at most
``AIDTRACK_JOBS_DATABASE_WAIT_SECONDS``) and runs again, up to ``AIDTRACK_JOBS_RETRIES`` more times; any other
error, or an outage longer than that, fails the task with its reason. A task whose worker was killed is queued
again by ``aidtrack.jobs.runs.sweep_stale_runs`` with the next attempt, within the same bound.

Only tasks that may run twice without harm are retried (README, "The job queue"): imports are not (they are
recorded as failed, with the reason, and the person who started one runs it again).
"""

import functools
import logging
import time

from django.conf import settings
from django.db import close_old_connections, connections

from aidtrack.ops import outage

logger = logging.getLogger("aidtrack.jobs")

# The dotted paths of the retried tasks (filled by the decorator), for the sweep of killed workers.
RETRIED: set[str] = set()


def wait_for_database(wait_seconds: float, interval: float = 2.0) -> bool:
    """Wait until the database answers again; False if it did not within ``wait_seconds``."""
    deadline = time.monotonic() + wait_seconds
    while True:
        for connection in connections.all():
            if not connection.in_atomic_block:
                connection.close()
        if outage.database_reachable():
            outage.database_up()
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
        close_old_connections()


def retried(function):
    RETRIED.add(f"{function.__module__}.{function.__qualname__}")

    @functools.wraps(function)
    def run(*args, attempt: int = 1, **kwargs):
        while True:
            try:
                return function(*args, attempt=attempt, **kwargs)
            except Exception as error:
                if not outage.is_database_unreachable(error) or attempt > settings.AIDTRACK_JOBS_RETRIES:
                    raise
                outage.database_down(error)
                if not wait_for_database(settings.AIDTRACK_JOBS_DATABASE_WAIT_SECONDS):
                    raise
                attempt += 1
                logger.warning("Running %s again (attempt %s): its database had stopped.", function.__name__, attempt)

    return run
