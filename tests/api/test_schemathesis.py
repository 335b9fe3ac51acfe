"""Schemathesis generates requests from our own OpenAPI schema: none may get a server error.

Runs in-process against the WSGI app, anonymously and with a site admin's token
(so the write paths run too), with a bounded number of examples per operation
to keep the suite fast.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from aidtrack.api.services import token_create

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
# Valid requests and requests that break the schema (wrong types, missing fields, bad formats) alike.
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])

EXAMPLES_PER_OPERATION = 5


@pytest.fixture
def keep_test_connection():
    """Calls go straight to the WSGI app, not through Django's test client, so do what that client does:
    keep the app from closing the database connection (and with it the test's transaction) after each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["anonymous", "admin token"])
def credentials(request, world, site_admin, keep_test_connection):
    """The headers of an anonymous reader (none) or of a site admin's API token."""
    if request.param == "anonymous":
        return {}
    _, key = token_create(user=site_admin, name="schemathesis")
    return {"Authorization": f"Token {key}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_request_the_schema_allows_gets_a_server_error(case, credentials):
    response = case.call(headers=credentials)
    case.validate_response(response, checks=[not_a_server_error])
