"""After an import job the query planner knows the tables' new sizes (SQLite has no autovacuum to tell it)."""

import pytest
from django.db import connection

from aidtrack.bulk_writes import refresh_statistics
from aidtrack.imports.models import ImportStatus
from aidtrack.imports.runs import new_run
from aidtrack.jobs.tasks import run_import

pytestmark = pytest.mark.django_db


def sqlite_statistics(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchone()[0]


def test_refresh_statistics_analyses_sqlite_and_leaves_postgresql_to_autovacuum(django_assert_max_num_queries):
    if connection.vendor == "sqlite":
        assert sqlite_statistics("auth_permission") == 0
        refresh_statistics()
        assert sqlite_statistics("auth_permission") > 0
    else:
        with django_assert_max_num_queries(0):
            refresh_statistics()


def test_an_import_job_refreshes_the_statistics_after_its_run(reporter, monkeypatch):
    calls = []
    monkeypatch.setattr("aidtrack.imports.uploads.run_queued", lambda **arguments: calls.append("import"))
    monkeypatch.setattr("aidtrack.bulk_writes.refresh_statistics", lambda: calls.append("statistics"))
    run = new_run(kind="incidents", source="big.csv", options={}, by=reporter, status=ImportStatus.QUEUED)
    assert run_import.enqueue(run_id=run.pk).return_value == "done"
    assert calls == ["import", "statistics"]


def test_a_check_writes_nothing_and_leaves_the_statistics_alone(reporter, monkeypatch):
    calls = []
    monkeypatch.setattr("aidtrack.imports.uploads.run_queued", lambda **arguments: calls.append("check"))
    monkeypatch.setattr("aidtrack.bulk_writes.refresh_statistics", lambda: calls.append("statistics"))
    run = new_run(kind="incidents", source="big.csv", options={}, by=reporter, status=ImportStatus.QUEUED)
    assert run_import.enqueue(run_id=run.pk, dry_run=True).return_value == "done"
    assert calls == ["check"]
