import datetime
import http.server
import json
import threading

import pytest
from django.utils import timezone

from aidtrack.alerts import services
from aidtrack.convoys import services as convoy_services
from aidtrack.incidents import services as incident_services
from aidtrack.orgs.models import Role
from tests.factories import AreaFactory, make_convoy, member

START = timezone.make_aware(datetime.datetime(2016, 9, 4, 9, 0))


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.AIDTRACK_SITE_URL = "https://aidtrack.example.org"


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what is queued after each commit (the test's own transaction never commits)."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


@pytest.fixture
def reader_b(org_b):
    return member(org_b, Role.REPORTER, username="reader.b", email="reader.b@example.org")


@pytest.fixture
def reader_a(org_a):
    return member(org_a, Role.REPORTER, username="reader.a", email="reader.a@example.org")


def report(by, organization, title, **fields):
    return incident_services.incident_create(
        by=by,
        organization=organization,
        category=fields.pop("category", "4"),
        title=title,
        occurred_on=fields.pop("occurred_on", datetime.date(2016, 9, 19)),
        latitude=33.6901,
        longitude=36.0963,
        public_summary=fields.pop("public_summary", "Checkpoint closed."),
        **fields,
    )


def verify(incident, by):
    return incident_services.incident_review(incident=incident, by=by, outcome="verified")


def subscribe(user, kind="incidents", **fields):
    return services.subscription_create(user=user, kind=kind, **fields)


def convoy_to(by, organization, reference, status_path=("submitted",), **fields):
    convoy = make_convoy(
        by,
        organization,
        reference=reference,
        area=fields.pop("area", None) or AreaFactory(),
        created_at=START,
        **fields,
    )
    for step, status in enumerate(status_path, start=1):
        convoy_services.convoy_transition(
            convoy=convoy, to_status=status, by=by, occurred_at=START + datetime.timedelta(days=step)
        )
    convoy.refresh_from_db()
    return convoy


class Receiver:
    """A local webhook receiver: records each POST and answers with the next status of ``answers``."""

    def __init__(self):
        self.requests = []
        self.answers = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body, "json": json.loads(body)})
                self.send_response(receiver.answers.pop(0) if receiver.answers else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.AIDTRACK_WEBHOOK_ALLOW_PRIVATE = True
    settings.AIDTRACK_WEBHOOK_READ_TIMEOUT = 3
    server = Receiver()
    yield server
    server.close()
