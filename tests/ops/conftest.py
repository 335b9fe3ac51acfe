import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from aidtrack.ops import outage


class DatabaseSwitch:
    """Makes every query fail as a stopped PostgreSQL (or a missing SQLite file) does, until ``up()``."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def down(self):
        def refused(wrapper, *args, **kwargs):
            raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

        self.monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refused)

    def up(self):
        self.monkeypatch.undo()


@pytest.fixture
def database(monkeypatch):
    switch = DatabaseSwitch(monkeypatch)
    yield switch
    switch.up()
    outage._down_since = None
    outage._last_probe = 0.0
