"""Geodata benchmark: imports, bulk admin-area assignment against a bare geopandas.sjoin, per-save latency.

Run: .venv/bin/python bench/geo_bench.py [--points 100000] [--repeat 5]
It needs ../shared/data/ocha-syria-2016/. It builds a throw-away SQLite
database under a temporary folder (or uses DATABASE_URL when set; then the
database is flushed first, so never point it at real data) and prints
medians; nothing here asserts a time.
"""

import argparse
import datetime
import gzip
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "ocha-syria-2016"


def median_time(function, repeat):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db-rows", type=int, default=100_000, help="Incidents written for the database pass.")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} is absent: this benchmark needs the OCHA reference data.")

    folder = tempfile.mkdtemp(prefix="aidtrack-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aidtrack.settings")
    sys.path.insert(0, str(ROOT))
    import django
    import django.utils.timezone

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    call_command("flush", "--noinput", verbosity=0)

    import geopandas
    import numpy as np
    import shapely

    from aidtrack.areas.importers.communities import import_communities
    from aidtrack.geo.importers.boundaries import import_boundaries
    from aidtrack.geo.layers import build_layer
    from aidtrack.geo.placement import placement_index
    from aidtrack.geo.services import place_point
    from aidtrack.geo.state import current_edition

    print(f"Database: {connection.vendor}; points: {args.points:,}; repeats: {args.repeat}")
    print("\n== Imports (median, each run rolled back) ==")
    for level in (0, 1, 2):
        import_boundaries(str(DATA / f"syr_adm{level}.geojson"))

    def rolled_back(function):
        def run():
            with transaction.atomic():
                function()
                transaction.set_rollback(True)

        return run

    adm3 = str(DATA / "syr_adm3.geojson")
    seconds, _ = median_time(rolled_back(lambda: import_boundaries(adm3)), args.repeat)
    print(f"import_boundaries adm3 (272 polygons):      {seconds:7.2f} s")
    import_boundaries(adm3)
    communities = str(DATA / "syr_communities_oct2016.csv")
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create(username="bench", is_superuser=True, is_staff=True)
    seconds, _ = median_time(rolled_back(lambda: import_communities(communities, ignore_status=True)), args.repeat)
    print(f"import_communities (5,604 rows, points only):{seconds:7.2f} s")
    with_register = lambda: import_communities(  # noqa: E731
        communities, as_of=datetime.date(2016, 10, 31), source_label="OCHA HNO 2017", by=admin
    )
    seconds, _ = median_time(rolled_back(with_register), args.repeat)
    print(f"  ... with statuses (2,527 register areas):  {seconds:7.2f} s")
    with_register()

    print(f"\n== Bulk assignment of {args.points:,} synthetic points (median of {args.repeat}) ==")
    polygons = geopandas.read_file(DATA / "syr_adm3.geojson")
    country = geopandas.read_file(DATA / "syr_adm0.geojson").geometry.iloc[0]
    rng = np.random.default_rng(2016)
    west, south, east, north = country.bounds
    lons, lats = np.empty(0), np.empty(0)
    while len(lons) < args.points:
        x, y = rng.uniform(west, east, args.points), rng.uniform(south, north, args.points)
        inside = shapely.contains_xy(country, x, y)
        lons, lats = np.concatenate([lons, x[inside]]), np.concatenate([lats, y[inside]])
    lons, lats = lons[: args.points], lats[: args.points]
    points = geopandas.GeoDataFrame(geometry=geopandas.points_from_xy(lons, lats), crs="EPSG:4326")

    sjoin_s, joined = median_time(lambda: geopandas.sjoin(points, polygons, predicate="intersects"), args.repeat)
    # What a caller holding coordinates (as aidtrack does) has to do before sjoin: make the points.
    from_xy_s, _ = median_time(
        lambda: geopandas.sjoin(
            geopandas.GeoDataFrame(geometry=geopandas.points_from_xy(lons, lats), crs="EPSG:4326"),
            polygons,
            predicate="intersects",
        ),
        args.repeat,
    )
    start = time.perf_counter()
    index = placement_index()
    build_s = time.perf_counter() - start
    admin_s, _ = median_time(lambda: index.place_many(lats, lons, communities=False), args.repeat)
    full_s, placed = median_time(lambda: index.place_many(lats, lons), args.repeat)
    tracemalloc.start()
    index.place_many(lats, lons)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"bare geopandas.sjoin (points x adm3):        {sjoin_s:7.3f} s  ({len(joined):,} pairs)")
    print(f"points_from_xy + geopandas.sjoin:           {from_xy_s:7.3f} s")
    print(
        f"aidtrack, admin 1-3 from coordinates:       {admin_s:7.3f} s  ratio {admin_s / sjoin_s:.2f}x to bare sjoin "
        f"(target 1.5x), {admin_s / from_xy_s:.2f}x to points_from_xy + sjoin"
    )
    print(
        f"aidtrack, admin 1-3 + nearest community:    {full_s:7.3f} s  ratio {full_s / sjoin_s:.2f}x to bare sjoin, "
        f"{full_s / from_xy_s:.2f}x to points_from_xy + sjoin"
    )
    print(f"placement index build (once per edition):   {build_s:7.3f} s")
    placed_count = int((placed.admin3_ids >= 0).sum())
    print(f"points placed in a sub-district:            {placed_count:,} of {args.points:,}")
    print(f"peak memory of one bulk placement:          {peak / 1e6:7.1f} MB (tracemalloc)")

    print("\n== Per-save placement latency (1,000 points) ==")
    samples = []
    for i in range(1000):
        start = time.perf_counter()
        place_point(float(lats[i]), float(lons[i]))
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    print(f"place_point median {statistics.median(samples):.3f} ms, p95 {samples[949]:.3f} ms (target median < 2 ms)")

    print(f"\n== Database pass: reassign {args.db_rows:,} stored incidents ==")
    from aidtrack.geo.bulk import reassign
    from aidtrack.incidents.models import Incident
    from aidtrack.incidents.services import incident_placement_target
    from aidtrack.orgs.models import Organization

    organization = Organization.objects.create(name="Bench", acronym="BENCH")
    reported_at = django.utils.timezone.now()
    rows = [
        Incident(
            organization=organization,
            kind="obstruction",
            category="4",
            title="bench",
            public_summary="bench",
            occurred_on="2016-09-19",
            reported_at=reported_at,
            reported_by=admin,
            latitude=float(lats[i % len(lats)]),
            longitude=float(lons[i % len(lons)]),
        )
        for i in range(args.db_rows)
    ]
    start = time.perf_counter()
    Incident.objects.bulk_create(rows, batch_size=5000)
    insert_s = time.perf_counter() - start
    start = time.perf_counter()
    result = reassign(incident_placement_target())
    reassign_s = time.perf_counter() - start
    print(f"bulk insert (for reference):                 {insert_s:7.2f} s")
    print(
        f"reassign, read + place + write with history:{reassign_s:7.2f} s  "
        f"({result.changed:,} changed, {args.db_rows / reassign_s:,.0f} rows/s)"
    )
    start = time.perf_counter()
    again = reassign(incident_placement_target())
    took = time.perf_counter() - start
    print(f"reassign again (nothing changes):           {took:7.2f} s  ({again.changed} changed)")

    print("\n== Map layers ==")
    for level in range(4):
        start = time.perf_counter()
        built = build_layer(level, current_edition())
        took = time.perf_counter() - start
        print(
            f"adm{level}: {built.features:4d} features, {len(built.content) / 1024:7.1f} KB, "
            f"{len(gzip.compress(built.content)) / 1024:6.1f} KB gzipped (target adm3 < 300 KB), built in {took:.2f} s"
        )
    print(f"\nProcess peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
