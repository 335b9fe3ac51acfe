"""Benchmark of the public incident API with 50,000 incidents; prints figures.

What it measures, all through one gunicorn worker on 127.0.0.1 in the same run:

- the full public GeoJSON list and a typical filtered one (one governorate, one
  month), uncached (a cache-busting parameter on every request) and cached;
- serving a static file of exactly the same bytes through the same server
  (whitenoise), as the yardstick: each API figure is also given as a ratio to it;
- the number of database queries per request, at two sizes of result, which
  must be the same (no query per row).

Usage:
    .venv/bin/python bench/api_bench.py                 # a fresh SQLite database in a temporary folder
    .venv/bin/python bench/api_bench.py --database-url postgres://postgres@127.0.0.1:5432/bench_db
    options: --incidents 50000 --repeat 15 --port 8014

The database given is flushed and filled with generated incidents (it must be
one you can throw away). Nothing is sent anywhere but 127.0.0.1.
"""

import argparse
import datetime
import http.client
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOVERNORATES = 14
SUBDISTRICTS_PER_SIDE = 3  # each governorate is a 1x1 degree square split into 3x3 sub-districts (and 3 districts)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="", help="A database to flush and fill (default: temporary SQLite).")
    parser.add_argument("--incidents", type=int, default=50_000)
    parser.add_argument(
        "--repeat", type=int, default=15, help="Requests per measurement (uncached full list: a third)."
    )
    parser.add_argument("--port", type=int, default=8014)
    return parser.parse_args()


def setup_django(workdir: Path, database_url: str):
    os.environ["AIDTRACK_VAR_DIR"] = str(workdir)
    os.environ["DJANGO_STATIC_ROOT"] = str(workdir / "static")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["AIDTRACK_API_ANON_RATE"] = "1000000/minute"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aidtrack.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def square(lon, lat, size):
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def fill(n_incidents: int):
    """Governorates, districts and sub-districts on a grid, and incidents placed in them."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from aidtrack.geo.models import AdminArea
    from aidtrack.incidents.models import Incident
    from aidtrack.orgs.models import Organization, Party

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    user = get_user_model().objects.create(username="bench")
    organizations = [Organization.objects.create(name=f"Org {i}", acronym=f"O{i}", kind="un_agency") for i in range(5)]
    parties = [Party.objects.create(name=f"Party {i}", kind="state_forces") for i in range(4)]
    step = 1 / SUBDISTRICTS_PER_SIDE
    cells = []  # (lon0, lat0, admin1, admin2, admin3)
    for g in range(GOVERNORATES):
        lon0, lat0 = 35.5 + (g % 5), 32.5 + (g // 5)
        gov = AdminArea.objects.create(
            pcode=f"SY{g + 1:02d}", level=1, name_en=f"Gov {g + 1}", geometry=square(lon0, lat0, 1)
        )
        for row in range(SUBDISTRICTS_PER_SIDE):
            district = AdminArea.objects.create(
                pcode=f"SY{g + 1:02d}{row:02d}",
                level=2,
                name_en=f"District {g + 1}-{row}",
                parent=gov,
                geometry={
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [lon0, lat0 + row * step],
                            [lon0 + 1, lat0 + row * step],
                            [lon0 + 1, lat0 + (row + 1) * step],
                            [lon0, lat0 + (row + 1) * step],
                            [lon0, lat0 + row * step],
                        ]
                    ],
                },
            )
            for col in range(SUBDISTRICTS_PER_SIDE):
                sub = AdminArea.objects.create(
                    pcode=f"SY{g + 1:02d}{row:02d}{col:02d}",
                    level=3,
                    name_en=f"Sub-district {g + 1}-{row}-{col}",
                    parent=district,
                    geometry=square(lon0 + col * step, lat0 + row * step, step),
                )
                cells.append((lon0 + col * step, lat0 + row * step, gov, district, sub))
    rng = random.Random(2016)
    now = timezone.now()
    start = datetime.date(2016, 1, 1)
    rows = []
    for i in range(n_incidents):
        lon0, lat0, gov, district, sub = rng.choice(cells)
        verified = rng.random() < 0.8
        rows.append(
            Incident(
                reference=f"INC-2016-{i + 1:06d}",
                organization=rng.choice(organizations),
                reported_by=user,
                reported_at=now,
                kind="obstruction",
                category=str(rng.randint(1, 9)),
                title=f"Incident {i + 1}",
                occurred_on=start + datetime.timedelta(days=rng.randrange(366)),
                location_name=f"Checkpoint {i + 1}",
                latitude=round(lat0 + rng.random() * step, 6),
                longitude=round(lon0 + rng.random() * step, 6),
                admin1=gov,
                admin2=district,
                admin3=sub,
                publish_exact_location=rng.random() < 0.2,
                perpetrator=rng.choice(parties),
                public_summary=f"A convoy was stopped at checkpoint {i + 1} for several hours.",
                internal_description="Internal account.",
                people_injured=rng.randrange(3),
                verification_status="verified" if verified else "reported",
                visibility=rng.choice(["public", "public", "public", "partners"]),
            )
        )
    Incident.objects.bulk_create(rows, batch_size=2000)
    # As an import through the job queue leaves the database: with the planner's statistics (SQLite; PostgreSQL's
    # autovacuum gathers its own).
    from aidtrack.bulk_writes import refresh_statistics

    refresh_statistics()
    return Incident.objects.count()


def count_queries(url: str) -> tuple[int, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from aidtrack.api import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = Client(HTTP_HOST="127.0.0.1").get(url)
    assert response.status_code == 200, response.content[:300]
    return len(queries), len(content(response))


def body(url: str) -> bytes:
    from django.test import Client

    from aidtrack.api import cache

    cache.clear()
    response = Client(HTTP_HOST="127.0.0.1").get(url)
    assert response.status_code == 200, response.content[:300]
    return content(response)


def content(response) -> bytes:
    """The body, also of a large list sent from its copy on disk (a streaming response)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def fetch(port: int, path: str) -> tuple[float, int]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", path)
    response = connection.getresponse()
    data = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}: {data[:200]!r}")
    return elapsed, len(data)


def measure(port: int, path: str, repeat: int, bust: bool) -> dict:
    times, size = [], 0
    for i in range(repeat):
        url = f"{path}{'&' if '?' in path else '?'}nocache={time.time_ns()}-{i}" if bust else path
        elapsed, size = fetch(port, url)
        times.append(elapsed)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return {"median": statistics.median(times), "p95": p95, "bytes": size, "n": repeat}


def wait_for(port: int, process) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped; see its output above.")
        try:
            fetch(port, "/healthz")
            return
        except (OSError, RuntimeError):
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer within 20 seconds.")


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="aidtrack-bench-"))
    try:
        run(args, workdir)
    finally:
        # The SQLite database, the cache and the servers' copies of the lists: hundreds of megabytes.
        shutil.rmtree(workdir, ignore_errors=True)


def run(args, workdir: Path):
    setup_django(workdir, args.database_url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    print(f"aidtrack API benchmark — {connection.vendor}, {args.incidents:,} incidents, one gunicorn worker")
    began = time.perf_counter()
    total = fill(args.incidents)
    print(f"filled {total:,} incidents in {time.perf_counter() - began:.1f} s")

    full = "/api/v1/incidents/?format=geojson"
    filtered = "/api/v1/incidents/?format=geojson&pcode=SY03&date_from=2016-09-01&date_to=2016-09-30"
    # Each pair asks the same question of many rows and of few: the number of queries must not differ.
    query_pairs = [
        ("GeoJSON, all vs one day", full, full + "&date_from=2016-09-19&date_to=2016-09-19"),
        (
            "GeoJSON, governorate: month vs day",
            filtered,
            filtered.replace("date_from=2016-09-01", "date_from=2016-09-30"),
        ),
        ("JSON page: 1000 vs 5 rows", "/api/v1/incidents/?page_size=1000", "/api/v1/incidents/?page_size=5"),
        ("CSV, all vs one day", "/api/v1/incidents/?format=csv", "/api/v1/incidents/?format=csv&date_from=2016-12-31"),
    ]
    query_counts = {name: (count_queries(many), count_queries(few)) for name, many, few in query_pairs}

    static_dir = Path(settings.STATIC_ROOT) / "bench"
    call_command("collectstatic", interactive=False, verbosity=0)
    static_dir.mkdir(parents=True, exist_ok=True)
    (static_dir / "full.geojson").write_bytes(body(full))
    (static_dir / "filtered.geojson").write_bytes(body(filtered))
    connection.close()

    env = dict(os.environ)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "aidtrack.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            "1",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(args.port, server)
        results = []
        for label, path, static in [
            ("full list", full, "/static/bench/full.geojson"),
            ("one governorate, one month", filtered, "/static/bench/filtered.geojson"),
        ]:
            reference = measure(args.port, static, args.repeat, bust=False)
            repeat = max(3, args.repeat // 3) if path == full else args.repeat
            uncached = measure(args.port, path, repeat, bust=True)
            fetch(args.port, path)  # fill the cache
            cached = measure(args.port, path, args.repeat, bust=False)
            results.append((label, reference, uncached, cached))
    finally:
        server.terminate()
        server.wait(timeout=30)

    print()
    print(f"{'request':<48}{'bytes':>12}{'median ms':>12}{'p95 ms':>10}{'x static':>10}{'target':>8}")
    for label, reference, uncached, cached in results:
        print(
            f"{label + ' — static file, same bytes':<48}{reference['bytes']:>12,}"
            f"{reference['median'] * 1000:>12.1f}{reference['p95'] * 1000:>10.1f}{1:>10.2f}"
        )
        for kind, figures, target in [("uncached", uncached, 5.0), ("cached", cached, 1.5)]:
            ratio = figures["median"] / reference["median"]
            verdict = "met" if ratio <= target else "MISSED"
            print(
                f"{label + ' — API, ' + kind:<48}{figures['bytes']:>12,}{figures['median'] * 1000:>12.1f}"
                f"{figures['p95'] * 1000:>10.1f}{ratio:>10.2f}{'≤' + str(target) + ' ' + verdict:>14}"
            )
    print()
    print("queries per request (cache cleared first), many rows vs few rows:")
    constant = True
    for name, ((q_many, b_many), (q_few, b_few)) in query_counts.items():
        constant &= q_many == q_few
        print(f"  {name:<40}{q_many:>3} queries ({b_many:>11,} bytes) vs {q_few:>3} queries ({b_few:>9,} bytes)")
    print(f"  queries per request constant in the number of rows: {'yes' if constant else 'NO'}")


if __name__ == "__main__":
    main()
