"""While the database is out of reach: a clear 503 (page or JSON), one log line, and service back by itself."""

import logging
import re

import pytest
from django.db import OperationalError
from django.test import override_settings

from aidtrack.ops import outage


def test_healthz_answers_without_asking_the_database(client, database):
    database.down()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_names_what_is_reachable(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "cache": "ok", "queue": "ok"}}


def test_readyz_says_the_database_is_down(client, db, database):
    database.down()
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["checks"]["database"].startswith("error: OperationalError")
    assert body["checks"]["cache"] == "ok"


def test_a_page_gets_a_clear_503_without_inline_script_or_style(client, db, database):
    database.down()
    response = client.get("/")
    assert response.status_code == 503 and response["Retry-After"] == "10"
    page = response.content.decode()
    assert "cannot reach its database" in page and "Wait 10 seconds" in page
    assert "<script" not in page and "<style" not in page and not re.search(r"\sstyle=|\son\w+=", page)
    assert "Content-Security-Policy" in response


def test_the_api_gets_json_503_with_retry_after(client, db, database):
    database.down()
    response = client.get("/api/v1/convoys/")
    assert response.status_code == 503 and response["Retry-After"] == "10"
    body = response.json()
    assert body["code"] == "database_unavailable" and "Nothing you sent was saved" in body["detail"]


def test_a_failure_in_middleware_gets_the_same_503(client, reporter, database):
    """A signed-in request reads its session in middleware, before any view: Django's 500 handler answers it."""
    client.force_login(reporter)
    client.raise_request_exception = False  # as a real server: the handler's answer, not the test's exception
    database.down()
    response = client.get("/staff/")
    assert response.status_code == 503 and b"cannot reach its database" in response.content


def test_an_outage_is_logged_once_not_per_request_and_service_resumes_by_itself(client, db, database, caplog):
    database.down()
    with caplog.at_level(logging.INFO):
        for _ in range(20):
            assert client.get("/api/v1/convoys/").status_code == 503
            assert client.get("/").status_code == 503
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "cannot be reached" in warnings[0].getMessage()
    assert not any(r.exc_info for r in caplog.records), "no traceback per request"
    database.up()
    outage._last_probe = 0.0
    caplog.clear()
    with caplog.at_level(logging.INFO):
        response = client.get("/api/v1/convoys/")
        assert response.status_code == 200, response.content
    assert not outage.in_outage()
    assert any("back after" in r.getMessage() for r in caplog.records)


def test_other_database_errors_are_not_called_an_outage():
    assert not outage.is_database_unreachable(OperationalError("database is locked"))
    assert not outage.is_database_unreachable(ValueError("no"))
    try:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as error:
            raise RuntimeError("import failed") from error
    except RuntimeError as chained:
        assert outage.is_database_unreachable(chained)


@override_settings(LANGUAGE_CODE="ar")
def test_the_503_page_is_translatable(client, db, database):
    database.down()
    page = client.get("/").content.decode()
    assert 'lang="ar"' in page


@pytest.mark.django_db(transaction=True)
def test_a_wrong_database_port_is_an_outage_on_postgresql(client):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no port: the mock above stands for its missing file")
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = 1
    try:
        response = client.get("/api/v1/convoys/")
        assert response.status_code == 503 and response.json()["code"] == "database_unavailable"
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
        outage._down_since = None
    assert client.get("/api/v1/convoys/").status_code == 200
