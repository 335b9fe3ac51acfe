"""A cluster on one machine: two app servers, one job worker, PostgreSQL and Redis behind one port.

    make cluster                       # http://127.0.0.1:8120/ ; Ctrl-C stops everything it started
    python deploy/cluster.py --port 8120 --database aidtrack_cluster

It uses the local PostgreSQL server (127.0.0.1:5432, user postgres; started with pg_ctlcluster when it is not
running) with a database of its own, and starts a Redis server of its own (Debian's redis-server) with a memory
limit. Each app server is gunicorn (as `make serve` runs it); the proxy (deploy/proxy.py) spreads connections over
them. Every process shares CACHE_URL, DATABASE_URL and the import folder: nothing else is kept by a server.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    last = "no answer"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:
            last = f"{error.code} {error.read()[:300]!r}"
        except OSError as error:
            last = str(error)
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer 200 within {seconds:.0f} s: {last}")


def ensure_postgres(database: str) -> str:
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False).returncode != 0:
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=True)
        for _ in range(30):
            if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode == 0:
                break
            time.sleep(1)
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{database}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    return f"postgres://postgres@127.0.0.1:5432/{database}"


def start_redis(port: int, folder: Path, processes: list) -> str:
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is missing: apt-get install redis-server")
    processes.append(
        subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--maxmemory",
                "256mb",
                "--maxmemory-policy",
                "allkeys-lru",
                "--dir",
                str(folder),
            ],
            stdout=subprocess.DEVNULL,
        )
    )
    for _ in range(50):
        if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True, check=False).returncode == 0:
            break
        time.sleep(0.1)
    return f"redis://127.0.0.1:{port}/0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8120, help="the one port in front (app servers use the next two)")
    parser.add_argument("--database", default="aidtrack_cluster")
    parser.add_argument("--redis-port", type=int, default=6390)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    parser.add_argument("--no-demo", action="store_true", help="do not load the demo data")
    arguments = parser.parse_args()

    folder = ROOT / "var" / "cluster"
    folder.mkdir(parents=True, exist_ok=True)
    processes: list[subprocess.Popen] = []

    def stop(*_):
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    env = {
        **os.environ,
        "DATABASE_URL": ensure_postgres(arguments.database),
        "CACHE_URL": start_redis(arguments.redis_port, folder, processes),
        "AIDTRACK_VAR_DIR": str(folder),
        # The one port readers use: the job worker renders the public lists for it after a write.
        "AIDTRACK_SITE_URL": os.environ.get("AIDTRACK_SITE_URL", f"http://127.0.0.1:{arguments.port}"),
    }
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    if not arguments.no_demo:
        subprocess.run([*manage, "load_demo"], env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], env=env, check=True)
    servers = [arguments.port + 1, arguments.port + 2]
    for port in servers:
        processes.append(
            subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "gunicorn",
                    "aidtrack.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(arguments.workers),
                    "--worker-class",
                    "gthread",
                    "--threads",
                    "4",
                    "--timeout",
                    "30",
                    "--graceful-timeout",
                    "20",
                    "--keep-alive",
                    "5",
                    "--max-requests",
                    "2000",
                    "--max-requests-jitter",
                    "200",
                    "--log-level",
                    "warning",
                ],
                env=env,
                cwd=ROOT,
            )
        )
    processes.append(subprocess.Popen([*manage, "jobs_worker"], env=env, cwd=ROOT))
    backends = [f"127.0.0.1:{port}" for port in servers]
    processes.append(
        subprocess.Popen(
            [PYTHON, str(ROOT / "deploy" / "proxy.py"), "--listen", f"127.0.0.1:{arguments.port}", *backends], env=env
        )
    )
    for port in servers:
        wait_for(f"http://127.0.0.1:{port}/readyz")
    wait_for(f"http://127.0.0.1:{arguments.port}/healthz")
    print(
        f"aidtrack cluster at http://127.0.0.1:{arguments.port}/ : app servers on {', '.join(backends)}, "
        f"a job worker, PostgreSQL database {arguments.database}, Redis on port {arguments.redis_port}. "
        "Stop with Ctrl-C.",
        flush=True,
    )
    while all(process.poll() is None for process in processes):
        time.sleep(0.5)
    print("A process of the cluster stopped; stopping the others.", flush=True)
    stop()


if __name__ == "__main__":
    main()
