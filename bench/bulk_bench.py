"""Bulk import benchmark: synthetic incident rows with recodings and rules, against a bare pandas read plus bulk insert.

Run: .venv/bin/python bench/bulk_bench.py            (10,000 rows and a 5 MB column plan: a few minutes)
     .venv/bin/python bench/bulk_bench.py --full     (100,000 rows, and the column plan of a 50 MB file)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/aidtrack_bench .venv/bin/python bench/bulk_bench.py
The file carries a precision column in words (recoded), a yes/no column and two count columns that rules turn
into the category and the people killed, as public datasets do.
It uses ../shared/data/ocha-syria-2016/ for the boundaries and communities
when present (otherwise one synthetic governorate). It builds a throw-away
SQLite database under a temporary folder (or uses DATABASE_URL when set; the
database is then flushed first, so never point it at real data) and prints
figures; nothing here asserts a time.
"""

import argparse
import contextlib
import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "ocha-syria-2016"


PEAKS = [0.0]  # the peaks of the phases measured so far (resetting the high-water mark forgets the earlier ones)


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (every phase, the baseline and the set-up included)."""
    return max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, phase_peak_mb() or 0, *PEAKS)


def reset_phase_peak() -> bool:
    """Start measuring one phase's peak: Linux resets the high-water mark (VmHWM) on "5" to clear_refs."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def phase_peak_mb() -> float | None:
    """The peak resident memory since ``reset_phase_peak`` (memory the earlier phases left held counts too)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def release_freed_memory() -> None:
    """Give the memory earlier phases freed back to the system (glibc's malloc_trim), so a phase's peak is what is
    alive when it starts (the set-up's boundaries, say) plus what the phase itself takes, not the heap an earlier
    phase (the baseline's 80,000 model objects) left behind, free but still held by the allocator. A job worker, a
    fresh process as in production, never holds an earlier phase's heap."""
    import ctypes
    import ctypes.util

    # Not glibc: the peaks then include what earlier phases left held.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


@contextlib.contextmanager
def phase_memory(label: str):
    """Print the peak resident memory of the phase run inside (and of the whole process so far)."""
    import gc

    gc.collect()
    release_freed_memory()
    PEAKS.append(peak_rss_mb())
    measured = reset_phase_peak()
    yield
    peak = phase_peak_mb() if measured else None
    PEAKS.append(peak or 0)
    during = f"{peak:8.0f} MB" if peak is not None else "     n/a"
    print(f"  peak RSS during {label}:{' ' * (28 - len(label))}{during} (process so far {peak_rss_mb():.0f} MB)")


PRECISIONS = ("(1) Exact location", "(2) Within 5 km")
PLAN = {
    "recodings": {"geo_precision": {"(1) Exact location": "1", "(2) Within 5 km": "2"}},
    "rules": [
        {"field": "category", "value": "7", "column": "airstrike", "test": "yes"},
        {"field": "people_killed", "columns": ["killed men", "killed women"]},
    ],
}


def write_csv(path: Path, rows: int, lats, lons, pcodes, summary: str = "Synthetic incident") -> None:
    """Rows as partners send them: mixed date formats, DMS for some points, P-codes only for others."""
    import numpy as np

    rng = np.random.default_rng(7)
    days = rng.integers(1, 29, rows)
    categories = rng.integers(1, 10, rows)
    killed = rng.integers(0, 5, rows)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(
            [
                "id",
                "date",
                "category",
                "summary",
                "latitude",
                "longitude",
                "pcode",
                "killed men",
                "killed women",
                "injured",
                "precision",
                "airstrike",
            ]
        )
        writer.writerow(
            [
                "#event+id",
                "#date+occurred",
                "#event+category",
                "#description",
                "#geo+lat",
                "#geo+lon",
                "#adm3+code",
                "",
                "",
                "#affected+injured",
                "#geo+precision",
                "",
            ]
        )
        for i in range(rows):
            day = int(days[i])
            date = (f"2016-09-{day:02d}", f"{day:02d}/09/2016", f"{day} Sep 2016")[i % 3]
            if i % 10 == 9:
                lat, lon, pcode = "", "", pcodes[i % len(pcodes)]
            elif i % 10 == 8:
                lat, lon, pcode = _dms(lats[i], "NS"), _dms(lons[i], "EW"), ""
            else:
                lat, lon, pcode = f"{lats[i]:.5f}", f"{lons[i]:.5f}", ""
            airstrike = "Yes" if i % 4 == 0 else "No"
            category = "" if airstrike == "Yes" else int(categories[i])
            precision = PRECISIONS[i % 2]
            writer.writerow(
                [
                    f"B-{i:06d}",
                    date,
                    category,
                    f"{summary} {i}",
                    lat,
                    lon,
                    pcode,
                    int(killed[i]),
                    int(killed[i]) % 2,
                    0,
                    precision,
                    airstrike,
                ]
            )


def _dms(value: float, hemispheres: str) -> str:
    hemisphere = hemispheres[0] if value >= 0 else hemispheres[1]
    tenths = round(abs(value) * 36000)  # in tenths of a second, so rounding never gives 60 seconds
    degrees, rest = divmod(tenths, 36000)
    minutes, rest = divmod(rest, 600)
    return f"{degrees}°{minutes:02d}'{rest / 10:04.1f}\"{hemisphere}"


def column_plan_time(folder: Path, path: Path, megabytes: float) -> tuple[float, int]:
    """How long until the column plan of a file of ``megabytes`` is known: what the plan page waits for."""
    from aidtrack.imports import tabular
    from aidtrack.imports.report import ImportReport
    from aidtrack.incidents.importers.table import COLUMNS, Suggestions, _require_columns

    big = folder / "big.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    head, body = lines[:2], lines[2:]
    with big.open("w", encoding="utf-8") as stream:
        stream.writelines(head)
        written = sum(len(line) for line in head)
        while written < megabytes * 1e6:
            stream.writelines(body)
            written += sum(len(line) for line in body)
    start = time.perf_counter()
    result = tabular.TableImport(report=ImportReport(source=big.name, dry_run=True))
    with tabular.table_rows(
        str(big),
        result,
        columns=COLUMNS,
        what="an incident table",
        require=_require_columns,
        display=big.name,
        plan=PLAN,
        suggest=Suggestions(),
        max_bytes=int(megabytes * 2e6),
    ):
        pass
    seconds = time.perf_counter() - start
    assert result.column_plan
    return seconds, big.stat().st_size


@contextlib.contextmanager
def profiled(phase: str):
    """With BENCH_PROFILE=FOLDER, the phase's profile is written to FOLDER/PHASE.prof (read it with pstats)."""
    folder = os.environ.get("BENCH_PROFILE")
    if not folder:
        yield
        return
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        Path(folder).mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(str(Path(folder) / f"{phase}.prof"))


def background_upload(path: Path, user, rows: int, *, commit: bool = True) -> None:
    """The staff page's way: upload the file, get the run at once, follow it while a job worker checks it (the
    column plan is on the run as soon as the first rows are read), then commit it in a second worker. Each
    worker is a fresh process, as in production: its peak memory is the import's own."""
    import subprocess

    from django.core.files.uploadedfile import SimpleUploadedFile

    from aidtrack.imports.models import ImportRun, ImportStatus
    from aidtrack.imports.runs import live_progress
    from aidtrack.imports.uploads import commit_stored, import_upload
    from aidtrack.orgs.models import Membership, Organization, Role

    organization = Organization.objects.create(name="Upload", acronym="UPLOAD")
    Membership.objects.create(user=user, organization=organization, role=Role.REPORTER)
    upload = SimpleUploadedFile(path.name, path.read_bytes(), "text/csv")
    start = time.perf_counter()
    outcome = import_upload(
        upload, organization=organization, by=user, dry_run=True, mapping={}, plan=PLAN, keep=True, in_background=True
    )
    answered_s = time.perf_counter() - start

    def work(run_pk: int) -> tuple[float, float | None, list[int], float]:
        """Run one job worker until the queue is empty: (seconds, seconds from the run's start until its column
        plan is on it, progress seen, the worker's peak resident memory in MB)."""
        seen, plan_s, running = [], None, None
        began = time.perf_counter()
        worker = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "jobs_worker", "--batch", "--interval", "0"]
        )
        peak_mb = 0.0
        while True:
            # The worker's own high-water mark (read while it runs: the rusage of a forked child counts this
            # process's memory at the fork).
            with contextlib.suppress(OSError, ValueError):
                for line in Path(f"/proc/{worker.pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak_mb = max(peak_mb, int(line.split()[1]) / 1024)
            if worker.poll() is not None:
                break
            time.sleep(0.1)
            run = live_progress(ImportRun.objects.get(pk=run_pk))
            seen.append(run.rows_done)
            if running is None and run.status != ImportStatus.QUEUED:
                running = time.perf_counter()  # the worker has started the run (its start-up is not the import's)
            if plan_s is None and run.column_plan and running is not None:
                plan_s = time.perf_counter() - running
        return time.perf_counter() - began, plan_s, seen, peak_mb

    check_s, plan_s, seen, check_mb = work(outcome.run.pk)
    run = ImportRun.objects.get(pk=outcome.run.pk)
    plan_text = f"{plan_s:.2f} s after the run started" if plan_s is not None else "not before the end"
    print(
        f"upload checked in the background: answered in {answered_s * 1000:.0f} ms (run #{run.pk}, "
        f"about {run.rows_total:,} rows), checked in {check_s:.2f} s; {run.get_status_display().lower()}, "
        f"{len(set(seen))} distinct progress figures seen while polling every 0.1 s "
        f"(last {max(seen, default=0):,} of {rows:,}); preview keeps {len(run.preview)} rows"
    )
    print(f"  column plan on the run's page: {plan_text}")
    print(f"  peak RSS of the worker that checked it:    {check_mb:8.0f} MB (target 500 MB)")
    if not commit or run.status != ImportStatus.DRY_RUN:
        return
    committed = commit_stored(run, by=user, in_background=True)
    write_s, _plan_s, _seen, write_mb = work(committed.run.pk)
    done = ImportRun.objects.get(pk=committed.run.pk)
    print(f"  committed in the background in {write_s:.2f} s: {done.get_status_display().lower()}, {done.counts}")
    print(f"  peak RSS of the worker that wrote it:      {write_mb:8.0f} MB (target 500 MB)")


def bare_insert(path: Path, user, rows_wanted: int) -> float:
    """A bare pandas read plus bulk insert of the same rows: the baseline every figure is divided by."""
    import pandas
    from django.db import transaction
    from django.utils import timezone

    from aidtrack.incidents.models import Incident
    from aidtrack.orgs.models import Organization

    baseline_org = Organization.objects.create(name="Baseline", acronym="BASE")
    start = time.perf_counter()
    frame = pandas.read_csv(path, dtype=str, keep_default_na=False, skiprows=[1])
    read_s = time.perf_counter() - start
    now = timezone.now()
    with_point = frame["latitude"].str.match(r"^-?\d+(\.\d+)?$")
    frame = frame[with_point]
    rows = [
        Incident(
            organization=baseline_org,
            reported_by=user,
            reported_at=now,
            kind="obstruction",
            category=category or "7",
            title=summary,
            public_summary=summary,
            occurred_on="2016-09-19",
            latitude=float(lat),
            longitude=float(lon),
            external_id=external_id,
        )
        for external_id, category, summary, lat, lon in zip(
            frame["id"], frame["category"], frame["summary"], frame["latitude"], frame["longitude"], strict=True
        )
    ]
    with transaction.atomic():
        Incident.objects.bulk_create(rows, batch_size=5000)
    bare_s = time.perf_counter() - start
    scale = rows_wanted / len(rows)
    print(
        f"bare pandas read + bulk insert ({len(rows):,} rows): {bare_s:6.2f} s (read {read_s:.2f} s)"
        f"; scaled to {rows_wanted:,}: {bare_s * scale:.2f} s"
    )
    return bare_s * scale


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows imported (default 10,000; --full: 100,000)")
    parser.add_argument("--plan-mb", type=float, default=5, help="size of the file whose column plan is timed")
    parser.add_argument("--no-upload", action="store_true", help="leave out the background upload's figures")
    parser.add_argument("--full", action="store_true", help="the issue's sizes: 100,000 rows and a 50 MB file")
    parser.add_argument(
        "--upload-only", action="store_true", help="only the staff flow in fresh workers (column plan, memory)"
    )
    args = parser.parse_args()
    if args.full:
        args.rows, args.plan_mb = 100_000, 50

    folder = Path(tempfile.mkdtemp(prefix="aidtrack-bulk-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aidtrack.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import numpy as np
    import shapely
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from aidtrack.geo.models import AdminArea, AdminLevel
    from aidtrack.incidents.importers import import_incidents
    from aidtrack.incidents.models import Incident
    from aidtrack.orgs.models import Membership, Organization, Role

    call_command("migrate", verbosity=0)
    call_command("flush", "--noinput", verbosity=0)
    if DATA.exists():
        from aidtrack.areas.importers.communities import import_communities
        from aidtrack.geo.importers.boundaries import import_boundaries

        for level in range(4):
            import_boundaries(str(DATA / f"syr_adm{level}.geojson"))
        import_communities(str(DATA / "syr_communities_oct2016.csv"), ignore_status=True)
        boundary = "OCHA Syria 2016 (adm0-3, 5,604 communities)"
    else:
        AdminArea.objects.create(
            pcode="SY01",
            level=AdminLevel.GOVERNORATE,
            name_en="Synthetic",
            geometry={"type": "Polygon", "coordinates": [[[36, 33], [38, 33], [38, 36], [36, 36], [36, 33]]]},
        )
        boundary = "one synthetic governorate (OCHA data absent)"
    country = shapely.union_all(
        [
            shapely.geometry.shape(g)
            for g in AdminArea.objects.filter(level=AdminLevel.GOVERNORATE).values_list("geometry", flat=True)
        ]
    )
    rng = np.random.default_rng(2016)
    west, south, east, north = country.bounds
    lons, lats = np.empty(0), np.empty(0)
    while len(lons) < args.rows:
        x, y = rng.uniform(west, east, args.rows), rng.uniform(south, north, args.rows)
        inside = shapely.contains_xy(country, x, y)
        lons, lats = np.concatenate([lons, x[inside]]), np.concatenate([lats, y[inside]])
    pcodes = list(AdminArea.objects.filter(level=AdminLevel.SUBDISTRICT).values_list("pcode", flat=True)) or ["SY01"]
    path = folder / "incidents.csv"
    write_csv(path, args.rows, lats, lons, pcodes)
    user = get_user_model().objects.create(username="bench")
    organization = Organization.objects.create(name="Bench", acronym="BENCH")
    Membership.objects.create(user=user, organization=organization, role=Role.REPORTER)
    print(f"Database: {connection.vendor}; boundaries: {boundary}")
    print(f"File: {args.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB (HXL CSV; 10% DMS, 10% P-code only)")
    print(f"peak RSS before importing:                   {peak_rss_mb():8.0f} MB")
    if args.upload_only:
        background_upload(path, user, args.rows)
        return
    with phase_memory("the baseline"):
        bare = bare_insert(path, user, args.rows)

    def ratio(label: str, seconds: float, target: str = "") -> None:
        print(f"ratio {label} / bare:{' ' * (36 - len(label))}{seconds / bare:8.2f}x {target}".rstrip())

    plan_s, plan_size = column_plan_time(folder, path, args.plan_mb)
    print(f"column plan of a {plan_size / 1e6:.0f} MB file (open, first chunk, samples, suggestions): {plan_s:.2f} s")

    start = time.perf_counter()
    try:
        with profiled("dry-run"), phase_memory("the dry run"):
            dry = import_incidents(str(path), organization=organization, by=user, dry_run=True, plan=PLAN)
    except Exception as error:
        sys.exit(f"{error}\n" + "\n".join(str(p) for p in error.report.problems[:10]))
    dry_s = time.perf_counter() - start
    assert not dry.report.errors, dry.report.errors[:5]
    print(f"dry run (check every row, write nothing):    {dry_s:8.2f} s  {args.rows / dry_s:10,.0f} rows/s")
    ratio("dry run", dry_s)
    del dry

    start = time.perf_counter()
    with profiled("import"), phase_memory("the import"):
        result = import_incidents(str(path), organization=organization, by=user, plan=PLAN)
    import_s = time.perf_counter() - start
    placed = Incident.objects.filter(organization=organization, admin3__isnull=False).count()
    print(f"import (check + write + admin areas + history):{import_s:6.2f} s  {args.rows / import_s:10,.0f} rows/s")
    print(f"  created {result.report.counts['created']:,}; placed in a sub-district: {placed:,}")
    ratio("import", import_s, "(target 2x)")
    del result

    changed = folder / "incidents-changed.csv"
    write_csv(changed, args.rows, lats, lons, pcodes, summary="Corrected incident")
    start = time.perf_counter()
    with phase_memory("the same file again"):
        again = import_incidents(str(path), organization=organization, by=user, plan=PLAN)
    unchanged_s = time.perf_counter() - start
    print(f"same file again (every row unchanged):       {unchanged_s:8.2f} s  {again.report.counts}")
    start = time.perf_counter()
    with profiled("update"), phase_memory("the update"):
        updated = import_incidents(str(changed), organization=organization, by=user, plan=PLAN)
    update_s = time.perf_counter() - start
    print(
        f"update (every row's summary changed):        {update_s:8.2f} s  updated {updated.report.counts['updated']:,}"
    )
    ratio("update", update_s, "(target 3x)")
    print(f"peak RSS of the whole process (set-up and baseline included): {peak_rss_mb():.0f} MB (target 500 MB)")
    del again, updated

    if not args.no_upload:
        background_upload(path, user, args.rows)


if __name__ == "__main__":
    main()
