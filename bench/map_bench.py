"""Benchmark of the public map with 20,000 incidents, in headless Chromium; prints figures.

- time from navigation to all layers drawn (the page marks itself ready), median and spread of several loads
  in fresh browser contexts (empty cache);
- bytes transferred on a first load and on a reload in the same context (revalidation: 304s);
- time for a filter change (governorate, then category) to redraw, measured in the page.

Usage:
    .venv/bin/python bench/map_bench.py                 # the demo plus generated incidents in temporary SQLite
    options: --incidents 20000 --loads 5 --port 8016 --database-url postgres://... (flushed!)

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


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="", help="A database to flush and fill (default: temporary SQLite).")
    parser.add_argument("--incidents", type=int, default=20_000)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--port", type=int, default=8016)
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
    workdir = Path(tempfile.mkdtemp(prefix="aidtrack-map-bench-"))
    setup_django(workdir, args.database_url)
    from django.core.management import call_command
    from django.db import connection

    began = time.perf_counter()
    shown = fill(args.incidents)
    call_command("collectstatic", interactive=False, verbosity=0)
    connection.close()
    print(
        f"aidtrack map benchmark — {connection.vendor}, {shown:,} public incidents "
        f"(filled in {time.perf_counter() - began:.0f} s), gunicorn with 2 workers, headless Chromium"
    )

    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "aidtrack.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=dict(os.environ),
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_for(args.port, server)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
            )
            hosts = set()

            def load(context):
                page = context.new_page()
                responses = []
                page.on("response", lambda response: responses.append(response))
                page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
                started = time.perf_counter()
                page.goto(base + VIEW)
                page.wait_for_selector("#map-app[data-ready=true]", timeout=120_000)
                elapsed = time.perf_counter() - started
                page.wait_for_load_state("networkidle")
                return page, elapsed, responses

            # Warm the server's caches once (a first visitor after a change pays for rendering the lists).
            context = browser.new_context()
            _, cold, _ = load(context)
            context.close()

            times, phases, first_bytes = [], [], None
            for _ in range(args.loads):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page, elapsed, responses = load(context)
                times.append(elapsed)
                app = page.locator("#map-app")
                phases.append((int(app.get_attribute("data-data-at-ms")), int(app.get_attribute("data-ready-at-ms"))))
                first_bytes = transferred(responses)
                drawn = page.locator("#map-app").get_attribute("data-incidents")
                context.close()

            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page, _, _ = load(context)
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

    print(f"incidents drawn at full extent:          {int(drawn):,}")
    print(f"first visit after start (server cold):   {cold:.2f} s")
    print(
        f"navigation to all layers drawn:          median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f}, max {max(times):.2f}, {len(times)} loads, empty browser cache)   target < 2 s"
    )
    print(
        f"  of which: data read (API) at           median {statistics.median(p[0] for p in phases) / 1000:.2f} s, "
        f"drawn (clustering done) at median {statistics.median(p[1] for p in phases) / 1000:.2f} s after navigation"
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
