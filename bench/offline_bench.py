"""Benchmark of the staff app's offline shell and of the incident form on a slow connection; prints figures.

- the offline shell (every page, script, style and data file the service worker keeps, /sw.js's SHELL), as
  sent compressed (gzip, as whitenoise and the GZip middleware send them), against the 1.5 MB budget;
- first contentful paint of the incident form on Chrome's "Slow 3G" profile (400 ms round trip, 400 kbit/s
  each way), median of several loads: a first visit (empty cache), a repeat visit (the service worker's
  cache), against the same page on the unthrottled local network measured in the same run.

Usage:
    .venv/bin/python bench/offline_bench.py              # demo + OCHA geodata (../shared) in temporary SQLite
    options: --loads 3 --port 8017 --no-ocha

Nothing is sent anywhere but 127.0.0.1.
"""

import argparse
import gzip
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OCHA = ROOT.parent / "shared" / "data" / "ocha-syria-2016"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BUDGET = 1.5 * 1024 * 1024
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400 * 1024 / 8, "uploadThroughput": 400 * 1024 / 8}
PASSWORD = "bench-pass-123"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--port", type=int, default=8017)
    parser.add_argument("--no-ocha", action="store_true", help="The demo's geodata only (a much smaller gazetteer).")
    parser.add_argument(
        "--roads", metavar="FILE", help="Load this roads file first (import_context_layer), to count it in the shell."
    )
    parser.add_argument("--sizes-only", action="store_true", help="Print the shell's size; skip the paint timings.")
    return parser.parse_args()


def setup_django(workdir: Path):
    os.environ["AIDTRACK_VAR_DIR"] = str(workdir)
    os.environ["DJANGO_STATIC_ROOT"] = str(workdir / "static")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aidtrack.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fill(ocha: bool) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from aidtrack.demo.loader import load_demo

    quiet = io.StringIO()
    call_command("migrate", verbosity=0)
    load_demo()
    if ocha and OCHA.exists():
        for level in range(4):
            call_command("import_boundaries", str(OCHA / f"syr_adm{level}.geojson"), verbosity=0, stdout=quiet)
        call_command(
            "import_communities",
            str(OCHA / "syr_communities_oct2016.csv"),
            "--as-of=2016-10-31",
            "--source=OCHA HNO 2017",
            "--user=admin",
            verbosity=0,
            stdout=quiet,
        )
    call_command("collectstatic", interactive=False, verbosity=0)
    user = get_user_model().objects.get(username="reporter.sarc")
    user.set_password(PASSWORD)
    user.save()


def shell_sizes() -> list[tuple[str, int, int]]:
    """(URL, bytes, bytes gzipped) of everything the service worker keeps."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="reporter.sarc"))
    worker = client.get("/sw.js", HTTP_HOST="127.0.0.1").content.decode()
    shell = json.loads(worker.split("\n", 1)[0].removeprefix("const SHELL = ").rstrip(";"))
    sizes = []
    for url in shell["static"]:
        raw = (Path(settings.STATIC_ROOT) / url.removeprefix(shell["staticPrefix"])).read_bytes()
        sizes.append((url, len(raw), len(gzip.compress(raw, 6))))
    for url in shell["pages"] + shell["data"]:
        raw = client.get(url, HTTP_HOST="127.0.0.1").content
        sizes.append((url, len(raw), len(gzip.compress(raw, 6))))
    sizes.append(("/sw.js", len(worker.encode()), len(gzip.compress(worker.encode(), 6))))
    return sizes


def first_paint(browser, base: str, loads: int, throttle: dict | None, repeat: bool) -> list[float]:
    """First contentful paint of the incident form, in ms, over ``loads`` fresh signed-in contexts."""
    times = []
    for _ in range(loads):
        # A first visit has no service worker and an empty cache; a repeat visit has both, kept earlier.
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, service_workers="allow" if repeat else "block"
        )
        page = context.new_page()
        page.goto(f"{base}/staff/login/")
        page.fill("#id_username", "reporter.sarc")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/staff/")
        if repeat:
            for _wait in range(150):
                if page.evaluate("caches.match('/staff/incidents/new/').then((found) => !!found)"):
                    break
                page.wait_for_timeout(200)
        session = context.new_cdp_session(page)
        session.send("Network.enable")
        if not repeat:
            session.send("Network.setCacheDisabled", {"cacheDisabled": True})
        if throttle:
            session.send("Network.emulateNetworkConditions", throttle)
        page.goto(f"{base}/staff/incidents/new/", wait_until="load", timeout=120_000)
        paint = page.evaluate(
            "() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || null"
        )
        times.append(paint)
        context.close()
    return times


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="aidtrack-offline-bench-"))
    server = None
    try:
        setup_django(workdir)
        print("filling the database (demo" + ("" if args.no_ocha else " + OCHA geodata") + ") …", flush=True)
        fill(ocha=not args.no_ocha)
        if args.roads:
            from django.core.management import call_command

            call_command(
                "import_context_layer", "roads", args.roads, source="bench", licence="bench", attribution="bench"
            )

        sizes = shell_sizes()
        raw_total = sum(raw for _url, raw, _gz in sizes)
        gz_total = sum(gz for _url, _raw, gz in sizes)
        print("\nOffline shell (what the service worker keeps):")
        for url, raw, gz in sorted(sizes, key=lambda row: -row[2]):
            print(f"  {gz / 1024:8.1f} KB gzipped  {raw / 1024:8.1f} KB  {url}")
        print(
            f"  total {gz_total / 1024:.1f} KB gzipped ({raw_total / 1024:.1f} KB raw); "
            f"{gz_total / BUDGET:.2f} of the 1.5 MB budget — {'within' if gz_total <= BUDGET else 'OVER'}"
        )
        if args.sizes_only:
            return

        env = {**os.environ, "DJANGO_DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost"}
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{args.port}", "--noreload", "--insecure"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            local = first_paint(browser, base, args.loads, None, repeat=False)
            slow_first = first_paint(browser, base, args.loads, SLOW_3G, repeat=False)
            slow_repeat = first_paint(browser, base, args.loads, SLOW_3G, repeat=True)
            browser.close()
        baseline = statistics.median(local)
        print("\nFirst contentful paint of the incident form (median of", args.loads, "loads, phone-sized):")
        print(f"  local network (baseline)      {baseline:8.0f} ms  {local}")
        for name, times in (("slow 3G, first visit", slow_first), ("slow 3G, repeat (kept)", slow_repeat)):
            median = statistics.median(times)
            print(f"  {name:<29} {median:8.0f} ms  ×{median / baseline:.1f} the baseline  {times}")
    finally:
        if server:
            server.terminate()
            server.wait()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
