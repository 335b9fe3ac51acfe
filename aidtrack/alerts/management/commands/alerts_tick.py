"""Queue the periodic pass of alerts (run it every few minutes, e.g. from cron or a systemd timer)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from aidtrack.alerts.tasks import alerts_tick


class Command(BaseCommand):
    help = (
        "Queue the periodic alerts pass: convoys waiting past a subscriber's working days, areas without delivery, "
        "due digests, webhook retries and anything left unsent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            help="Count waiting days as of this date (YYYY-MM-DD), e.g. to replay the 2016 demo; default: today.",
        )

    def handle(self, *args, today=None, **options):
        if today:
            try:
                datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(
                    f"--today {today!r} is not a date: write it as YYYY-MM-DD, e.g. 2016-09-30."
                ) from None
        result = alerts_tick.enqueue(today)
        self.stdout.write(f"Alerts pass queued ({result.status}).")
        if result.is_finished:
            self.stdout.write(f"Result: {result.return_value}")
