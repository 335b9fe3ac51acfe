"""The one-machine cluster (deploy/cluster.py): two app servers, a job worker, PostgreSQL and Redis behind one port.

It needs the local PostgreSQL server and Debian's redis-server, and takes a minute (a fresh database is migrated):
it is skipped where either is missing.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
FRONT, FIRST, SECOND = 8140, 8141, 8142
DATABASE = "aidtrack_cluster_test"

# In CI (CI=true) the services are there, so the test runs and fails if they are not, never skips.
pytestmark = pytest.mark.skipif(
    not os.environ.get("CI")
    and (
        shutil.which("redis-server") is None
        or shutil.which("pg_isready") is None
        or subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode != 0
    ),
    reason="needs the local PostgreSQL server and redis-server",
)

SETUP = """
from aidtrack.api.services import token_create
from aidtrack.orgs.models import Membership, Organization, Role
from django.contrib.auth import get_user_model
organization, _ = Organization.objects.get_or_create(name="Cluster Relief", acronym="CLUSTER")
user, _ = get_user_model().objects.get_or_create(username="cluster.reporter")
Membership.objects.get_or_create(user=user, organization=organization, role=Role.REPORTER)
print(organization.pk, token_create(user=user, name="cluster test", days=1)[1])
"""


def call(port, path, *, token=None, data=None, content_type=None, accept="application/json"):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method="POST" if data else "GET")
    request.add_header("Accept", accept)
    if token:
        request.add_header("Authorization", f"Token {token}")
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def multipart(fields: dict, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE], check=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aidtrack.settings",
        "AIDTRACK_API_ANON_RATE": "30/minute",
        "AIDTRACK_IMPORT_BACKGROUND_BYTES": "200",
    }
    env.pop("DATABASE_URL", None)
    log = tmp_path_factory.mktemp("cluster") / "cluster.log"
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "deploy" / "cluster.py"),
            "--port",
            str(FRONT),
            "--database",
            DATABASE,
            "--redis-port",
            "6393",
            "--workers",
            "1",
            "--no-demo",
        ],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 240
    while "aidtrack cluster at" not in log.read_text():
        assert process.poll() is None, log.read_text()[-3000:]
        assert time.monotonic() < deadline, "the cluster did not start in 4 minutes"
        time.sleep(1)
    shell_env = {
        **env,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "CACHE_URL": "redis://127.0.0.1:6393/0",
        "AIDTRACK_VAR_DIR": str(ROOT / "var" / "cluster"),
    }
    organization, token = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", SETUP],
        env=shell_env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-2:]
    yield {"organization": organization, "token": token}
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)


def area_names(port) -> set[str]:
    status, _, body = call(port, "/api/v1/areas/?format=geojson", accept="application/geo+json")
    assert status == 200
    return {feature["properties"]["name_en"] for feature in json.loads(body)["features"]}


def test_an_import_through_one_server_progresses_on_the_other_and_its_data_reaches_both_caches(cluster):
    before = area_names(SECOND)  # cached by the second server
    rows = "".join(f"Cluster area {n},hard to reach,2016-09-{1 + n % 28:02d},cluster test\n" for n in range(40))
    body, content_type = multipart(
        {"organization": cluster["organization"], "dry_run": "false"},
        "areas.csv",
        ("name,status,start,source\n" + rows).encode(),
    )
    status, headers, answer = call(
        FIRST, "/api/v1/imports/areas/", token=cluster["token"], data=body, content_type=content_type
    )
    assert status == 202, answer
    seen = []
    deadline = time.monotonic() + 120
    while not seen or seen[-1] not in ("succeeded", "failed"):
        assert time.monotonic() < deadline, seen
        status, _, run = call(SECOND, headers["Location"].split(str(FIRST), 1)[-1], token=cluster["token"])
        assert status == 200
        seen.append(json.loads(run)["status"])
        time.sleep(0.2)
    assert seen[-1] == "succeeded" and seen[0] in ("queued", "running"), seen
    # The first readers after the change may get the list as it was while the worker renders the new one.
    deadline = time.monotonic() + 60
    while "Cluster area 7" not in (after := area_names(SECOND)) - before:
        assert time.monotonic() < deadline, "the write made through one server shows on the other"
        time.sleep(0.5)
    assert area_names(FIRST) == after


def test_the_anonymous_budget_is_shared_by_both_servers(cluster):
    codes = [call(port, "/api/v1/organizations/")[0] for _ in range(20) for port in (FIRST, SECOND)]
    assert codes.count(429) >= 10, "30 requests a minute in all, wherever they land"


def test_one_port_in_front_spreads_requests_and_answers_readiness(cluster):
    status, _, body = call(FRONT, "/readyz")
    assert status == 200 and json.loads(body)["checks"] == {"database": "ok", "cache": "ok", "queue": "ok"}
