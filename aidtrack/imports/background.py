"""Running a long import in the background of the web process, so the upload returns at once.

There is no task queue to install: the import runs in a thread of the
process that received the upload, keeps its progress on its ImportRun, and
closes its database connection when it ends. If the process stops meanwhile,
the import's transaction is rolled back and the run, silent from then on, is
shown as interrupted (``geo.importers.runs.live_progress``).

``AIDTRACK_IMPORT_EXECUTOR = "inline"`` runs the work at once instead, in the
caller's thread (tests use it where a thread could not see their data).
"""

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

_running: dict[int, threading.Thread] = {}


def start(run_pk: int, work: Callable[[], object]) -> None:
    if getattr(settings, "AIDTRACK_IMPORT_EXECUTOR", "thread") == "inline":
        work()
        return
    thread = threading.Thread(target=_run, args=(run_pk, work), name=f"aidtrack-import-{run_pk}", daemon=True)
    _running[run_pk] = thread
    thread.start()


def _run(run_pk: int, work: Callable[[], object]) -> None:
    try:
        work()
    except Exception:
        logger.exception("Import run #%s failed unexpectedly", run_pk)
    finally:
        connections.close_all()
        _running.pop(run_pk, None)


def wait(run_pk: int, timeout: float | None = None) -> bool:
    """Wait for a background run of this process to end (for tests and the benchmark); False on timeout."""
    thread = _running.get(run_pk)
    if thread is None:
        return True
    thread.join(timeout)
    return not thread.is_alive()
