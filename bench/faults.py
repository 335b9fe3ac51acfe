"""Faults, provoked and measured; prints what each one did (not a test: it reports).

On a PostgreSQL instance of its own (initdb in a temporary folder, Debian's PostgreSQL binaries, port 5499), so
stopping it touches nobody else's database, with gunicorn as `make serve` runs it and a job worker:

1. the database stopped for 5 s under load (cached and uncached public lists, a page, the API);
2. the database stopped in the middle of a background import;
3. a gunicorn worker killed with SIGKILL under load;
4. the job worker killed with SIGKILL in the middle of an import.

Usage: .venv/bin/python bench/faults.py [--rows 30000]   (root, or a user who may run `runuser -u postgres`)
Nothing is sent anywhere but 127.0.0.1.
"""

import argparse
import glob
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
PG_PORT, APP_PORT = 5499, 8160
GUNICORN = ["--workers", "3", "--worker-class", "gthread", "--threads", "4", "--timeout", "30", "--log-level", "info"]
MAP_LIST = "/api/v1/incidents/?format=geojson&fields=id,title,latitude,longitude"


class Postgres:
    """A throwaway PostgreSQL instance that this script may stop and start."""

    def __init__(self, folder: Path):
        self.bin = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
        self.data = folder / "pgdata"
        self.data.mkdir()
        shutil.chown(folder, "postgres")
        shutil.chown(self.data, "postgres")
        self.log = folder / "postgres.log"
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres")

    def run(self, tool: str, *arguments: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", str(self.bin / tool), *arguments], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-o", f"-p {PG_PORT} -k /tmp -c listen_addresses=127.0.0.1",
                 "-l", str(self.log), "-w", "start")  # fmt: skip

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


def request(method: str, path: str, *, body=None, headers=None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", APP_PORT, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def load(seconds: float, paths: dict, events: list, threads: int = 6) -> None:
    """Requests in a loop from a few threads; each outcome is kept as (moment, kind, status or error)."""
    stop_at = time.monotonic() + seconds

    def loop(n):
        count = 0
        while time.monotonic() < stop_at:
            for kind, path in paths.items():
                count += 1
                url = path.replace("{n}", f"{n}-{count}")
                try:
                    status, _ = request("GET", url, headers={"Accept-Encoding": "gzip"})
                except OSError as error:
                    status = type(error).__name__
                events.append((time.monotonic(), kind, status))

    workers = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def summary(events, start, end) -> str:
    lines = []
    for kind in sorted({kind for _, kind, _ in events}):
        during = Counter(str(status) for moment, k, status in events if k == kind and start <= moment < end)
        lines.append(f"    {kind:<22} during: {dict(during)}")
    return "\n".join(lines)


def wait_until(predicate, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return None


def main():
    global PG_PORT, APP_PORT  # noqa: PLW0603 - set once, from the arguments
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30000, help="rows of the imports stopped mid-way")
    parser.add_argument("--incidents", type=int, default=5000)
    parser.add_argument("--pg-port", type=int, default=PG_PORT, help="port of its own PostgreSQL instance")
    parser.add_argument("--port", type=int, default=APP_PORT, help="port of its gunicorn")
    args = parser.parse_args()
    PG_PORT, APP_PORT = args.pg_port, args.port
    folder = Path(tempfile.mkdtemp(prefix="aidtrack-faults-"))
    postgres = Postgres(folder)
    postgres.start()
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{PG_PORT}/postgres",
        CACHE_URL=(folder / "cache").as_uri(),
        AIDTRACK_IMPORT_BACKGROUND_BYTES="1000",
        AIDTRACK_JOBS_DATABASE_WAIT_SECONDS="120",
        DATABASE_CONN_MAX_AGE="60",
    )
    from api_bench import fill, setup_django

    setup_django(folder, os.environ["DATABASE_URL"])
    from django.core.management import call_command
    from django.db import connection

    fill(args.incidents)
    call_command("collectstatic", interactive=False, verbosity=0)
    from aidtrack.api.services import token_create
    from aidtrack.orgs.models import Membership, Organization, Role

    organization = Organization.objects.first()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="bench")
    Membership.objects.create(user=user, organization=organization, role=Role.REPORTER)
    token = token_create(user=user, name="faults", days=1)[1]
    connection.close()
    server_log = (folder / "gunicorn.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "aidtrack.wsgi", "--bind", f"127.0.0.1:{APP_PORT}",
                               *GUNICORN], cwd=ROOT, stdout=server_log, stderr=subprocess.STDOUT)  # fmt: skip
    worker_log = (folder / "worker.log").open("w")

    def start_worker():
        return subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "jobs_worker", "--interval", "0.2"],
                                cwd=ROOT, stdout=worker_log, stderr=subprocess.STDOUT)  # fmt: skip

    worker = start_worker()
    try:
        wait_until(lambda: request("GET", "/readyz")[0] == 200 if _up() else False, 60)
        request("GET", MAP_LIST)  # cached from here on
        print(f"aidtrack faults — PostgreSQL of its own on port {PG_PORT}, {args.incidents:,} incidents")

        # 1. The database stopped under load.
        events = []
        paths = {"cached public list": MAP_LIST, "uncached public list": MAP_LIST + "&nocache={n}",
                 "page (home)": "/", "API, signed out": "/api/v1/convoys/?n={n}"}  # fmt: skip
        loader = threading.Thread(target=load, args=(24, paths, events))
        began = time.monotonic()
        loader.start()
        time.sleep(4)
        stopped = time.monotonic()
        postgres.stop()
        time.sleep(5)
        postgres.start()
        restarted = time.monotonic()
        loader.join()
        recovered = min(
            (m for m, k, s in events if k == "uncached public list" and s == 200 and m > restarted), default=None
        )
        if recovered is None:  # the load ended first: ask until it answers
            back = wait_until(lambda: _status(MAP_LIST + "&nocache=after") == 200, 60)
            recovered = time.monotonic() if back else None
        server_log.flush()
        text = (folder / "gunicorn.log").read_text()
        print("\n1. database stopped for 5 s under load "
              f"({len(events):,} requests in 24 s, {sum(1 for e in events if stopped <= e[0] < restarted):,} "
              "while it was down):")  # fmt: skip
        print(summary(events, stopped, restarted))
        print(
            f"    5xx other than 503 during the whole run: "
            f"{sum(1 for e in events if isinstance(e[2], int) and e[2] >= 500 and e[2] != 503)}"
        )
        print(
            f"    log: {text.count('cannot be reached')} 'database cannot be reached' line(s), "
            f"{text.count('is back after')} 'back' line(s), {text.count('Traceback')} tracebacks"
        )
        print(
            f"    service back {recovered - restarted:.1f} s after the database started"
            if recovered
            else "    service NOT back"
        )
        del began

        # 2. The database stopped mid-import; 4. the job worker killed mid-import.
        for number, fault in ((2, "database stopped"), (4, "job worker killed with SIGKILL")):
            before = _incident_count()
            run = post_import(token, organization.pk, args.rows)
            running = wait_until(lambda run=run: _progressing(token, run), 120)
            if not running:
                print(f"\n{number}. {fault} mid-import: the import never started ({_run(token, run)})")
                continue
            if number == 2:
                postgres.stop()
                time.sleep(5)
                postgres.start()
            else:
                worker.send_signal(signal.SIGKILL)
                worker.wait()
                time.sleep(1)
                worker = start_worker()
            final = wait_until(lambda run=run: _finished(token, run), 180)
            created = _incident_count() - before
            print(f"\n{number}. {fault} mid-import ({args.rows:,} rows; stopped at {running['rows_done']:,} "
                  f"{running['stage']}):")  # fmt: skip
            if final:
                print(f'    run: {final["status"]}: "{final["summary"]}"; incidents written by it: {created}')
            else:
                print(f"    run still not finished after 180 s; incidents written by it: {created}")

        # 3. A gunicorn worker killed under load.
        events = []
        paths = {"cached public list": MAP_LIST, "API, signed out": "/api/v1/convoys/?n={n}"}
        loader = threading.Thread(target=load, args=(8, paths, events))
        loader.start()
        time.sleep(3)
        children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        killed = time.monotonic()
        os.kill(int(children[0]), signal.SIGKILL)
        loader.join()
        after = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        print(f"\n3. a gunicorn worker killed with SIGKILL under load ({len(events):,} requests in 8 s):")
        print(summary(events, killed, killed + 5))
        print(f"    workers before {len(children)}, after {len(after)} (the master started a new one)")
    finally:
        for process in (worker, server):
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _status(path: str) -> int | None:
    try:
        return request("GET", path)[0]
    except OSError:
        return None


def _up() -> bool:
    try:
        return request("GET", "/healthz")[0] == 200
    except OSError:
        return False


def post_import(token: str, organization: int, rows: int) -> int:
    boundary = uuid.uuid4().hex
    lines = "".join(
        f"F{uuid.uuid4().hex[:12]},2016-09-{1 + i % 28:02d},3,Road closed {i},{33 + (i % 90) / 100:.4f},"
        f"{36 + (i % 90) / 100:.4f}\n"
        for i in range(rows)
    )
    content = ("id,date,category,summary,latitude,longitude\n" + lines).encode()
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="organization"\r\n\r\n{organization}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="dry_run"\r\n\r\nfalse\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="log.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, answer = request("POST", "/api/v1/imports/incidents/", body=body, headers={
        "Authorization": f"Token {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"})  # fmt: skip
    if status != 202:
        raise SystemExit(f"the import was not queued: {status} {answer[:300]!r}")
    return json.loads(answer)["run"]


def _run(token: str, run: int, quiet: bool = False) -> dict | None:
    try:
        status, body = request("GET", f"/api/v1/imports/{run}/", headers={"Authorization": f"Token {token}"})
    except OSError:
        return None
    if status != 200:
        return None if quiet else {"rows_done": 0, "status": status}
    return json.loads(body)


def _progressing(token: str, run: int) -> dict | None:
    state = _run(token, run, quiet=True)
    return state if state and state.get("rows_done", 0) > 0 and state["status"] == "running" else None


def _finished(token: str, run: int) -> dict | None:
    state = _run(token, run, quiet=True)
    return state if state and state.get("finished") else None


def _incident_count() -> int:
    from django.db import connection

    from aidtrack.incidents.models import Incident

    connection.close()
    return Incident.objects.count()


if __name__ == "__main__":
    main()
