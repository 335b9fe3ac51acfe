"""Run the job queue's worker (the database backend): imports and other long work, one task at a time."""

import logging
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections
from django_tasks_db.management.commands.db_worker import Worker

from aidtrack.jobs.runs import sweep_stale_runs, this_worker_id
from aidtrack.jobs.schedule import Scheduler
from aidtrack.ops import outage

logger = logging.getLogger("aidtrack.jobs")


class Command(BaseCommand):
    help = (
        "Run queued work (imports) from the database queue. Start as many as you like, on any machine; "
        "each takes one task at a time. Stop with Ctrl-C or SIGTERM (the current task is finished first)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between looks at an empty queue.")
        parser.add_argument("--batch", action="store_true", help="Stop once the queue is empty.")
        parser.add_argument("--max-tasks", type=int, default=None, help="Stop after this many tasks.")
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="Do not queue periodic work (the alerts pass, AIDTRACK_ALERTS_TICK_SECONDS); cron runs it instead.",
        )

    def handle(self, *args, interval, batch, max_tasks, no_periodic=False, **options):
        worker_id = this_worker_id()
        worker = Worker(
            queue_names=["*"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        self.stdout.write(f"Job worker {worker_id} started.")
        scheduler = None
        if not (batch or no_periodic):
            scheduler = Scheduler()
            scheduler.start()
        try:
            self.work(worker, worker_id, interval)
        finally:
            if scheduler:
                scheduler.stop()

    def work(self, worker, worker_id, interval):
        given_up = set()
        while worker.running:
            try:
                # Runs that a worker killed before us, or a database that went away, left unfinished.
                sweep_stale_runs(given_up_by=given_up)
                outage.database_up()
                given_up.clear()
                worker.run()
                return
            except DatabaseError as error:
                if not outage.is_database_unreachable(error):
                    raise
                # The task this worker held (if any) cannot be recorded now: the sweep records it once the
                # database is back, as this worker's own.
                outage.database_down(error)
                given_up.add(worker_id)
                worker.running_task = False
                for connection in connections.all():
                    connection.close()
                time.sleep(max(interval, 2.0))
