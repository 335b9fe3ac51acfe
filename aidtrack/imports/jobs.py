"""The one door from the imports to whatever runs work in the background: the job queue of ``aidtrack.jobs``.

A queued import is run by ``uploads.run_queued`` in a worker, from the JSON ``arguments`` given here.
"""


def start_in_background(run, arguments: dict) -> None:
    """Queue the import of ``run`` (saved with status "queued"); its progress is kept on the run."""
    from aidtrack import jobs

    jobs.enqueue_import(run, **arguments)
