"""Benchmark of the public map with 20,000 incidents, in headless Chromium; prints figures.

- the first draw: milliseconds from navigation to all layers drawn (the page marks itself ready, clustering done),
  median and spread of several loads in fresh browser contexts (empty cache), beside the baseline measured in the
  same run, alternately: the same page from the same server with the incident list answered empty (the base map,
  areas, convoys and agreements as usual), so that what the incidents cost is the difference;
- bytes transferred on a first load and on a reload in the same context (revalidation: 304s);
- time for a filter change (governorate, then category) to redraw, measured in the page.

The server is gunicorn as `make serve` runs it (3 gthread workers). Chromium is Debian's (/usr/bin/chromium),
started by Playwright with --no-sandbox --disable-background-networking.

Usage:
    .venv/bin/python bench/map_bench.py                 # the demo plus generated incidents in temporary SQLite
    options: --incidents 20000 --loads 7 --port 8016 --database-url postgres://... (flushed!)

Nothing is sent anywhere but 127.0.0.1; the bench fails if the page asks another host.
"""

import argparse
import datetime
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
VIEW = "/?from=2016-01-01&to=2016-12-31&as_of=2016-12-31"
EMPTY_COLLECTION = '{"type": "FeatureCollection", "features": []}'
# As `make serve` runs it (GUNICORN_ARGS in the Makefile).
GUNICORN = [
    "--workers", "3", "--worker-class", "gthread", "--threads", "4", "--timeout", "30", "--keep-alive", "5",
    "--log-level", "warning",
]  # fmt: skip


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="", help="A database to flush and fill (default: temporary SQLite).")
    parser.add_argument("--incidents", type=int, default=20_000)
    parser.add_argument("--loads", type=int, default=7)
    parser.add_argument("--port", type=int, default=8016)
    parser.add_argument("--workdir", default="", help="Folder of the SQLite database (default: a new one).")
    parser.add_argument("--reuse", action="store_true", help="Keep the database as a previous run filled it.")
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


def fill(n_incidents: int) -> int:
    """The demo scenario, plus generated verified public incidents spread over its governorates in 2016."""
    from django.core.management import call_command
    from django.utils import timezone

    from aidtrack.demo.loader import load_demo
    from aidtrack.geo.models import AdminArea
    from aidtrack.incidents.models import Incident
    from aidtrack.orgs.models import Organization, Party

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    load_demo()
    governorates = list(AdminArea.objects.filter(level=1).exclude(centroid_lat=None))
    organizations = list(Organization.objects.all())
    parties = list(Party.objects.all())
    user = Incident.objects.first().reported_by
    rng = random.Random(2016)
    now = timezone.now()
    rows = []
    for i in range(n_incidents):
        gov = rng.choice(governorates)
        rows.append(
            Incident(
                reference=f"INC-BENCH-{i + 1:06d}",
                organization=rng.choice(organizations),
                reported_by=user,
                reported_at=now,
                kind="obstruction",
                category=str(rng.randint(1, 9)),
                title=f"Incident {i + 1}",
                occurred_on=datetime.date(2016, 1, 1) + datetime.timedelta(days=rng.randrange(366)),
                location_name=f"Checkpoint {i + 1}",
                latitude=round(gov.centroid_lat + rng.uniform(-0.3, 0.3), 6),
                longitude=round(gov.centroid_lon + rng.uniform(-0.3, 0.3), 6),
                admin1=gov,
                publish_exact_location=True,
                perpetrator=rng.choice(parties),
                public_summary=f"A convoy was stopped at checkpoint {i + 1} for several hours.",
                people_injured=rng.randrange(3),
                verification_status="verified",
                visibility="public",
            )
        )
    # Bulk rows skip placement, so the shown point is set here as placement would (exact point published).
    for row in rows:
        row.shown_lat, row.shown_lon = row.latitude, row.longitude
    Incident.objects.bulk_create(rows, batch_size=2000)
    return Incident.objects.filter(verification_status="verified", visibility="public").count()


def wait_for(port: int, process) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped; see its output above.")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer within 30 seconds.")


def transferred(page_responses) -> tuple[int, int, int]:
    """Bytes on the wire (headers and body as sent, compressed), requests, and 304 answers."""
    total = not_modified = 0
    for response in page_responses:
        sizes = response.request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        headers = response.request.all_headers()
        # Chromium reports a revalidated answer as the cached 200; the conditional request shows it was a 304.
        not_modified += response.status == 304 or "if-none-match" in headers or "if-modified-since" in headers
    return total, len(page_responses), not_modified


def main():
    args = parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="aidtrack-map-bench-"))
    setup_django(workdir, args.database_url)
    from django.core.management import call_command
    from django.db import connection

    began = time.perf_counter()
    if args.reuse:
        from aidtrack.incidents.models import Incident

        shown = Incident.objects.filter(verification_status="verified", visibility="public").count()
    else:
        shown = fill(args.incidents)
    call_command("collectstatic", interactive=False, verbosity=0)
    connection.close()
    print(
        f"aidtrack map benchmark — {connection.vendor}, {shown:,} public incidents "
        f"(filled in {time.perf_counter() - began:.0f} s), gunicorn as `make serve` runs it, headless Chromium"
    )

    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "aidtrack.wsgi", "--bind", f"127.0.0.1:{args.port}",
         *GUNICORN],
        cwd=ROOT,
        env=dict(os.environ),
    )  # fmt: skip
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_for(args.port, server)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
            )
            hosts = set()

            def load(context, empty=False):
                page = context.new_page()
                if empty:
                    # The baseline: the incident list (and only it) answered empty, everything else as usual.
                    page.route(
                        lambda url: "/api/v1/incidents/?" in url,
                        lambda route: route.fulfill(
                            status=200, content_type="application/geo+json", body=EMPTY_COLLECTION
                        ),
                    )
                responses = []
                page.on("response", lambda response: responses.append(response))
                page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
                page.goto(base + VIEW)
                page.wait_for_selector("#map-app[data-ready=true]", timeout=120_000)
                page.wait_for_load_state("networkidle")
                return page, responses

            def phases(page) -> tuple[float, float]:
                """Seconds from navigation (the page's own clock) to the data read and to all layers drawn."""
                app = page.locator("#map-app")
                return (
                    int(app.get_attribute("data-data-at-ms")) / 1000,
                    int(app.get_attribute("data-ready-at-ms")) / 1000,
                )

            # Warm the server's caches once (a first visitor after a change is bench/load_bench.py's business).
            context = browser.new_context()
            page, _ = load(context)
            cold = phases(page)[1]
            context.close()

            full, empty, first_bytes, drawn = [], [], None, None
            for n in range(args.loads):
                # Alternately, and the other one first every other time, so that a burst of load elsewhere on the
                # machine falls on both alike.
                for baseline in (False, True) if n % 2 == 0 else (True, False):
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    page, responses = load(context, empty=baseline)
                    (empty if baseline else full).append(phases(page))
                    if not baseline:
                        first_bytes = transferred(responses)
                        drawn = page.locator("#map-app").get_attribute("data-incidents")
                    context.close()

            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page, _ = load(context)
            responses = []
            page.on("response", lambda response: responses.append(response))
            page.reload()
            page.wait_for_selector("#map-app[data-ready=true]", timeout=120_000)
            page.wait_for_load_state("networkidle")
            reload_bytes = transferred(responses)

            redraws = []
            for governorate, category in [("SY02", ""), ("SY03", "7"), ("", "5"), ("", "")] * 2:
                for selector, value in (("#f-governorate", governorate), ("#f-category", category)):
                    ms = page.evaluate(
                        """([selector, value]) => new Promise((resolve) => {
                             const input = document.querySelector(selector);
                             if (input.value === value) return resolve(null);
                             const started = performance.now();
                             input.value = value;
                             input.dispatchEvent(new Event("change"));
                             requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - started)));
                           })""",
                        [selector, value],
                    )
                    if ms is not None:
                        redraws.append(ms)
            context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait()

    def spread(values) -> str:
        return f"median {statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})"

    drawn_full, drawn_empty = [p[1] for p in full], [p[1] for p in empty]
    median_full, median_empty = statistics.median(drawn_full), statistics.median(drawn_empty)
    print(f"incidents drawn at full extent:          {int(drawn):,}")
    print(f"load average while measuring:            {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
    print(f"first visit after start (server cold):   {cold:.2f} s")
    print(f"navigation to all layers drawn, {len(full)} loads each, alternately, empty browser cache:")
    print(f"  with {int(drawn):,} incidents:              {spread(drawn_full)}   target < 1.5 s "
          f"{'met' if median_full < 1.5 else 'MISSED'}")  # fmt: skip
    print(f"  baseline, incident list empty:         {spread(drawn_empty)}")
    print(f"  the incidents cost:                    {median_full - median_empty:+.2f} s "
          f"({median_full / median_empty:.2f}x the baseline)")  # fmt: skip
    print(
        f"  of which data read (API) at            median {statistics.median(p[0] for p in full):.2f} s with "
        f"incidents, {statistics.median(p[0] for p in empty):.2f} s baseline"
    )
    print(f"bytes on first load:                     {first_bytes[0] / 1e6:.2f} MB in {first_bytes[1]} requests")
    print(
        f"bytes on reload:                         {reload_bytes[0] / 1e3:.1f} kB in {reload_bytes[1]} requests "
        f"({reload_bytes[2]} revalidated: conditional requests answered 304 Not Modified)"
    )
    print(
        f"filter change to redraw:                 median {statistics.median(redraws):.0f} ms "
        f"(max {max(redraws):.0f} ms, {len(redraws)} changes)   target < 300 ms"
    )
    print(f"hosts asked:                             {', '.join(sorted(hosts))}")
    if hosts != {f"127.0.0.1:{args.port}"}:
        raise SystemExit("The page asked another host.")


if __name__ == "__main__":
    main()
