"""Load benchmark of the public lists under wrk, each beside a static file of the same bytes; prints figures.

Everything runs on 127.0.0.1 in one run: gunicorn as `make serve` runs it (3 gthread workers), a job worker, and
wrk (Debian's `wrk`; 64 connections, gzip accepted). For each list the map reads, the same bytes are written as a
static file that whitenoise serves from the same server, and each list's throughput and median latency are given
as a ratio to that file's. Also: the first request after a write, worker memory after 100 distinct lists, and
throughput with one and with two app servers behind one port (deploy/proxy.py): first with the list not yet rendered
for the proxy's address (64 readers at once on a list nobody has rendered), then warm.

When ../shared/data/ocha-syria-2016/ is there, OCHA's adm0-adm3 boundaries are loaded from it (read in place) and
the incidents placed in them, so the adm1, adm2 and adm3 layers are measured at their real size (adm3: 318 KB).

Usage:
    .venv/bin/python bench/load_bench.py                  # a temporary SQLite database, file cache
    .venv/bin/python bench/load_bench.py --database-url postgres://postgres@127.0.0.1:5432/aidtrack_bench \\
        --cache-url redis://127.0.0.1:6379/2 --incidents 50000 --areas 2527 --duration 30

The database given is flushed and filled (one you can throw away). Nothing is sent anywhere but 127.0.0.1.
"""

import argparse
import datetime
import gzip
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
# OCHA's boundaries, read from where they are (never copied): the map layers are then measured at their real size.
OCHA = ROOT.parent / "shared" / "data" / "ocha-syria-2016"

GUNICORN = [
    "--workers", "3", "--worker-class", "gthread", "--threads", "4", "--timeout", "30", "--keep-alive", "5",
    "--log-level", "warning",
]  # fmt: skip


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--cache-url", default="")
    parser.add_argument("--incidents", type=int, default=20_000)
    parser.add_argument("--areas", type=int, default=2_527)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per path")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--writes", type=int, default=9, help="writes for the first request after a write")
    parser.add_argument("--only-first-write", action="store_true", help="measure only the first request after a write")
    parser.add_argument(
        "--only-one-port",
        action="store_true",
        help="measure only the throughput with one and with two app servers behind one port",
    )
    parser.add_argument("--reuse", action="store_true", help="keep the database as a previous run filled it")
    return parser.parse_args()


def fill_areas(count: int) -> None:
    from aidtrack.areas.models import Area, StatusPeriod
    from aidtrack.geo.models import AdminArea

    governorates = list(AdminArea.objects.filter(level=1))
    areas = Area.objects.bulk_create(
        [
            Area(
                name_en=f"Area {n}",
                governorate=governorates[n % len(governorates)],
                latitude=33 + (n % 100) / 100,
                longitude=36 + (n // 100) / 100,
                population=1000 + n,
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    StatusPeriod.objects.bulk_create(
        [
            StatusPeriod(area=area, status=status, start_date=start, end_date=end, source="bench")
            for n, area in enumerate(areas)
            for status, start, end in (
                ("hard_to_reach", datetime.date(2015, 1, 1), datetime.date(2016, 1, 1)),
                ("besieged" if n % 3 else "accessible", datetime.date(2016, 1, 1), None),
            )
        ],
        batch_size=2000,
    )


def load_ocha_boundaries() -> str:
    """OCHA's adm0–adm3 boundaries in place of the generated grid, the incidents placed in them by their points.

    The generated grid's sub-district layer is a few kilobytes; OCHA's is hundreds, and the adm3 layer's row must
    be measured at that size. The incidents keep their points and are placed again as after a boundary update
    (``assign_admin_areas``), so a governorate's filter still finds hundreds of them. Without the folder, the grid
    stays (and the report says so).
    """
    from django.core.management import call_command

    from aidtrack.geo.models import AdminArea
    from aidtrack.incidents.models import Incident

    files = [OCHA / f"syr_adm{level}.geojson" for level in range(4)]
    if not all(path.exists() for path in files):
        return f"the generated grid's boundaries ({OCHA} is absent: the layers are a few KB, not OCHA's size)"
    quiet = open(os.devnull, "w")  # noqa: SIM115 - closed below
    try:
        Incident.objects.update(admin1=None, admin2=None, admin3=None, community=None)
        for level in (3, 2, 1, 0):
            AdminArea.objects.filter(level=level).delete()
        for path in files:
            call_command("import_boundaries", str(path), verbosity=0, stdout=quiet, stderr=quiet)
        call_command("assign_admin_areas", only=["incidents"], verbosity=0, stdout=quiet, stderr=quiet)
    finally:
        quiet.close()
    counts = {level: AdminArea.objects.filter(level=level).count() for level in range(4)}
    placed = Incident.objects.filter(admin1__isnull=False).count()
    return (f"OCHA's boundaries ({counts[1]} governorates, {counts[2]} districts, {counts[3]} sub-districts; "
            f"{placed:,} incidents placed in them)")  # fmt: skip


def wrk(url: str, args, accept: str) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
         "-H", "Accept-Encoding: gzip", "-H", f"Accept: {accept}", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    latency = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", out)
    figures["median_ms"] = float(latency.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[latency.group(2)]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    figures["errors"] = (int(bad.group(1)) if bad else 0) + (sum(map(int, errors.groups())) if errors else 0)
    kinds = [f"{bad.group(1)} non-2xx/3xx answers"] if bad else []
    if errors:
        names = ("connect", "read", "write", "timeout")
        kinds += [f"{n} socket {kind}" for kind, n in zip(names, errors.groups(), strict=True) if int(n)]
    figures["error_kinds"] = ", ".join(kinds)
    spread = re.search(r"99%\s+([\d.]+\w+)", out), re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", out)
    figures["tail"] = f"p99 {spread[0].group(1) if spread[0] else '?'}, max {spread[1].group(1) if spread[1] else '?'}"
    return figures


def get(url: str, accept: str = "*/*") -> tuple[float, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept, "Accept-Encoding": "gzip"})
    began = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback only
        body = response.read()
    return time.perf_counter() - began, body


def head_etag(url: str, accept: str) -> str:
    request = urllib.request.Request(url, headers={"Accept": accept, "Accept-Encoding": "gzip"}, method="HEAD")
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback only
        return response.headers.get("ETag", "")


def wait_for(url: str) -> None:
    for _ in range(300):
        try:
            get(url)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def rss_mb(master: subprocess.Popen) -> float:
    children = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True).stdout.split()
    total = 0
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return total / 1024 / max(1, len(children))


def wait_for_idle_queue(seconds: float = 180) -> None:
    """Until the job worker has nothing left to do (the lists of the last write are rendered)."""
    from django.db import connection
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        busy = DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).exists()
        connection.close()
        if not busy:
            return
        time.sleep(0.2)
    print(f"(the job queue was still busy after {seconds:.0f} s)")


def first_after_write(base: str, path: str, accept: str, writes: int) -> None:
    """The first request for the map's incident list after a write, beside the static file of its bytes.

    Each write is made through the ORM and committed in this process, as a staff page's would be (the writer
    publishes the new data version and queues the rendering of the lists). The request is timed once every
    server can know of the write (after ``AIDTRACK_DATA_VERSION_MEMO_SECONDS``): before that a server may still
    serve the previous version as current, which would time a cached list, not the first request after a write.
    Each write waits until the job worker is idle, so that no request is timed beside the rendering of the last
    write's lists; the rendering of this write's lists is under way (or queued) while the request is timed, as it
    would be for a real first visitor. What each answer was is counted: the list as it was (stale while
    revalidating, old ETag) or the new one already rendered (new ETag).
    """
    from django.conf import settings

    from aidtrack.incidents.models import Incident

    firsts, statics, answers = [], [], {"the list as it was": 0, "the new list, already rendered": 0}
    static_url = f"{base}/static/bench/list0.json"
    for n in range(writes):
        wait_for_idle_queue()
        etag = head_etag(base + path, accept)
        incident = Incident.objects.order_by("pk")[n]
        incident.title += " (edited)"
        incident.save()
        time.sleep(settings.AIDTRACK_DATA_VERSION_MEMO_SECONDS + 0.1)
        statics.append(get(static_url)[0])
        request = urllib.request.Request(base + path, headers={"Accept": accept, "Accept-Encoding": "gzip"})
        began = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback only
            response.read()
            firsts.append(time.perf_counter() - began)
            answers["the list as it was" if response.headers["ETag"] == etag else "the new list, already rendered"] += 1
        statics.append(get(static_url)[0])
    first, static = statistics.median(firsts), statistics.median(statics)
    print(f"\nfirst request after a write (map's incident list), median of {writes}: {first * 1000:.1f} ms "
          f"(max {max(firsts) * 1000:.1f}) vs static {static * 1000:.1f} ms: {first / static:.1f}x (target ≤ 5x); "
          + ", ".join(f"{label}: {count}" for label, count in answers.items()))  # fmt: skip
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")


def main():
    args = parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make bench-load` installs Debian's package (apt-get install wrk)")
    workdir = Path(tempfile.mkdtemp(prefix="aidtrack-load-"))
    os.environ["CACHE_URL"] = args.cache_url or (workdir / "cache").as_uri()
    os.environ["AIDTRACK_API_ANON_RATE"] = "100000000/minute"
    # The address wrk asks at: the worker renders the public lists for it after a write (they are kept per address).
    os.environ["AIDTRACK_SITE_URL"] = f"http://127.0.0.1:{args.port}"
    from api_bench import content, fill, setup_django

    setup_django(workdir, args.database_url)
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    began = time.perf_counter()
    if not args.reuse:
        fill(args.incidents)
        boundaries = load_ocha_boundaries()
        fill_areas(args.areas)
    else:
        boundaries = "as a previous run loaded them (--reuse)"
    cache.clear()
    print(f"aidtrack load benchmark — {connection.vendor}, {args.incidents:,} incidents, {args.areas:,} areas, "
          f"cache {os.environ['CACHE_URL'].split(':')[0]}, wrk {args.connections} connections {args.duration} s "
          f"(filled in {time.perf_counter() - began:.0f} s)")  # fmt: skip
    print(f"boundaries: {boundaries}")
    fields = ",".join(settings.AIDTRACK_MAP_INCIDENT_FIELDS)
    geojson = "application/geo+json"
    paths = [
        ("the map's incident list", f"/api/v1/incidents/?format=geojson&fields={fields}", geojson, 1.5),
        ("areas list", "/api/v1/areas/?format=geojson", geojson, 1.5),
        ("convoys list", "/api/v1/convoys/?format=geojson", geojson, 1.5),
        ("one governorate, one month",
         "/api/v1/incidents/?format=geojson&pcode=SY03&date_from=2016-09-01&date_to=2016-09-30", geojson, 3.0),
        ("adm1 layer", "/geo/layers/adm1.geojson", "*/*", 1.5),
        ("adm2 layer", "/geo/layers/adm2.geojson", "*/*", 1.5),
        ("adm3 layer", "/geo/layers/adm3.geojson", "*/*", 1.5),
    ]  # fmt: skip
    call_command("collectstatic", interactive=False, verbosity=0)
    static_dir = Path(settings.STATIC_ROOT) / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    client = Client()
    for n, (_, path, accept, _) in enumerate(paths):
        response = client.get(path, HTTP_ACCEPT=accept, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, (path, response.status_code)
        body = content(response)  # a large list comes from its copy on disk, streamed
        (static_dir / f"list{n}.json").write_bytes(body)
        (static_dir / f"list{n}.json.gz").write_bytes(gzip.compress(body, compresslevel=6, mtime=0))
    connection.close()

    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "aidtrack.wsgi", "--bind", f"127.0.0.1:{args.port}", *GUNICORN], cwd=ROOT
    )
    worker = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "jobs_worker"], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        wait_for(base + "/healthz")
        print(f"worker memory at start: {rss_mb(server):.0f} MB each")
        print(f"\n{'path':<30}{'bytes':>10}{'bytes gz':>10}{'static rps':>12}{'list rps':>10}{'x static':>10}"
              f"{'static p50':>12}{'list p50':>10}{'errors':>8}{'target':>9}")  # fmt: skip
        only = args.only_first_write or args.only_one_port
        for n, (label, path, accept, target) in enumerate(paths if not only else []):
            get(base + path, accept)  # warm (the precomputing task may have done it already)
            static = wrk(f"{base}/static/bench/list{n}.json", args, accept)
            listed = wrk(base + path, args, accept)
            ratio = static["rps"] / listed["rps"]
            size = len(gzip.compress((static_dir / f"list{n}.json").read_bytes(), 6))
            raw = (static_dir / f"list{n}.json").stat().st_size
            print(f"{label:<30}{raw:>10,}{size:>10,}{static['rps']:>12,.0f}{listed['rps']:>10,.0f}{ratio:>10.2f}"
                  f"{static['median_ms']:>11.1f}ms{listed['median_ms']:>8.1f}ms{listed['errors']:>8}"
                  f"{'≤' + str(target) + (' met' if ratio <= target else ' MISSED'):>13}")  # fmt: skip
            if listed["errors"]:
                print(f"{'':<30}errors: {listed['error_kinds']} ({listed['tail']})")

        if not args.only_one_port:
            first_after_write(base, paths[0][1], geojson, args.writes)
            if args.only_first_write:
                return
            for day in range(100):
                date = datetime.date(2016, 1, 1) + datetime.timedelta(days=day)
                get(f"{base}/api/v1/incidents/?format=geojson&date_to={date}", geojson)
            print(f"worker memory after 100 distinct lists: {rss_mb(server):.0f} MB each (target < 300 MB, flat)")

        # One and two app servers behind one port.
        second = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "aidtrack.wsgi", "--bind", f"127.0.0.1:{args.port + 1}", *GUNICORN],
            cwd=ROOT,
        )
        wait_for(f"http://127.0.0.1:{args.port + 1}/healthz")
        # The areas list at the proxy's address has not been rendered yet (lists are kept per address): the first
        # run's readers all ask for a list nobody has rendered, as after a link is passed around; the next two are warm.
        # The job worker has rendered the last write's lists by then (as before each write above), so that what is
        # measured is the app servers under wrk, not beside a rendering of the 18 lists the map opens with.
        wait_for_idle_queue()
        runs = [([args.port], "1 app server, list not yet rendered"), ([args.port], "1 app server"),
                ([args.port, args.port + 1], "2 app servers")]  # fmt: skip
        for backends, label in runs:
            proxy = subprocess.Popen([sys.executable, str(ROOT / "deploy" / "proxy.py"), "--listen",
                                      f"127.0.0.1:{args.port + 2}", *[f"127.0.0.1:{p}" for p in backends]])  # fmt: skip
            for _ in range(300):
                try:
                    socket.create_connection(("127.0.0.1", args.port + 2), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            figures = wrk(f"http://127.0.0.1:{args.port + 2}{paths[1][1]}", args, geojson)
            static = wrk(f"http://127.0.0.1:{args.port + 2}/static/bench/list1.json", args, geojson)
            print(f"areas list through one port, {label}: {figures['rps']:,.0f} req/s "
                  f"(static file {static['rps']:,.0f}: {static['rps'] / figures['rps']:.2f}x), "
                  f"p50 {figures['median_ms']:.1f} ms, {figures['errors']} errors "
                  f"(static file {static['errors']})")  # fmt: skip
            if figures["errors"]:
                print(f"    errors: {figures['error_kinds']} ({figures['tail']})")
            proxy.terminate()
            proxy.wait()
        print("(2 cores: a second server adds no CPU here)")
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
        second.terminate()
        second.wait()
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
