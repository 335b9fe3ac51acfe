"""The job worker queues the periodic alerts pass itself, once per period across workers sharing the cache."""

import contextlib
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import OperationalError

from aidtrack.jobs import schedule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


@contextlib.contextmanager
def queued():
    """Stand in for the alerts task (a frozen dataclass, so its ``enqueue`` cannot be patched on it)."""
    task = mock.Mock()
    with mock.patch.object(schedule, "_task", return_value=task) as found:
        yield task.enqueue
    assert all(call.args == ("aidtrack.alerts.tasks.alerts_tick",) for call in found.call_args_list)


def test_the_alerts_pass_is_queued_once_per_period(settings):
    settings.AIDTRACK_ALERTS_TICK_SECONDS = 300
    with queued() as enqueue:
        assert schedule.queue_due() == ["alerts_tick"]
        # A second worker looking within the period queues nothing.
        assert schedule.queue_due() == []
        assert enqueue.call_count == 1
        # Once the period has passed (its key expired), the next look queues it again.
        cache.delete("aidtrack:jobs:periodic:alerts_tick")
        assert schedule.queue_due() == ["alerts_tick"]
        assert enqueue.call_count == 2


def test_a_period_of_zero_turns_it_off(settings):
    settings.AIDTRACK_ALERTS_TICK_SECONDS = 0
    with queued() as enqueue:
        assert schedule.queue_due() == []
    enqueue.assert_not_called()


def test_a_failed_enqueue_is_tried_again_at_the_next_look(settings):
    settings.AIDTRACK_ALERTS_TICK_SECONDS = 300
    failing = mock.Mock(**{"enqueue.side_effect": OperationalError("database is locked")})
    with mock.patch.object(schedule, "_task", return_value=failing), pytest.raises(OperationalError):
        schedule.queue_due()
    with queued() as enqueue:
        assert schedule.queue_due() == ["alerts_tick"]
    enqueue.assert_called_once()


def test_the_queued_pass_runs_the_alerts_tick(settings):
    """With the immediate backend of the tests, what the scheduler queues really runs the alerts pass."""
    settings.AIDTRACK_ALERTS_TICK_SECONDS = 300
    with mock.patch("aidtrack.alerts.delivery.tick", return_value={"events": 0}) as tick:
        schedule.queue_due()
    tick.assert_called_once()


def test_a_batch_worker_starts_no_scheduler():
    """Only the choice of scheduler is under test: the worker's loop is left out. Run inside the test's transaction,
    the real loop closes the connection it shares with the test; PostgreSQL then calls every query an outage, and
    the worker waits for a database that never comes back."""
    from aidtrack.jobs.management.commands.jobs_worker import Command

    with mock.patch.object(schedule.Scheduler, "start") as start, mock.patch.object(Command, "work") as work:
        call_command("jobs_worker", "--batch", stdout=mock.MagicMock())
    work.assert_called_once()
    start.assert_not_called()
    with (
        mock.patch.object(schedule.Scheduler, "start") as start,
        mock.patch.object(schedule.Scheduler, "stop"),
        mock.patch.object(Command, "work"),
    ):
        call_command("jobs_worker", stdout=mock.MagicMock())
    start.assert_called_once()
