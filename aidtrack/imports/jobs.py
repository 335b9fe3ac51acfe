"""The one door from the imports to whatever runs work in the background.

Today it is the thread runner of ``background``; when the job queue of the "many servers" work lands, only
this function changes.
"""

from collections.abc import Callable

from aidtrack.imports import background


def start_in_background(run_pk: int, work: Callable[[], object]) -> None:
    """Run ``work`` (an import of run ``run_pk``) away from the request; its progress is kept on the run."""
    background.start(run_pk, work)
