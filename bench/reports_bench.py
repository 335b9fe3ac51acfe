"""Benchmark of the answer pages; prints figures (not a timed test).

The demo scenario is loaded, then grown with generated records: incidents spread over 2016 in the demo's
governorates, convoy requests with their events, destinations and removals, and register areas with a status
period each. Then each page is requested through Django's test client (server time, no network):

- the monthly access report (September 2016), the convoy funnel for 2016, the demo cessation's agreement page
  (its end moved to 90 days after its start) and an area page;
- cold (the first request, after the caches are cleared) and warm (the median of --repeat requests);
- each as a ratio to the bare aggregate SQL that page needs (GROUP BY / SUM queries written by hand), timed in
  the same run; the target is under 3x cold;
- the number of queries per page at two sizes of data (the second after adding a tenth more records): the
  same number means no query per record.

Usage:
    .venv/bin/python bench/reports_bench.py                       # small: a few minutes on SQLite
    .venv/bin/python bench/reports_bench.py --full                # 100,000 incidents, 5,000 convoys, 2,527 areas
    .venv/bin/python bench/reports_bench.py --database-url postgres://postgres@127.0.0.1:5432/bench_reports
    options: --incidents N --convoys N --areas N --repeat N

The database given is flushed and filled (it must be one you can throw away).
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="", help="A database to flush and fill (default: temporary SQLite).")
    parser.add_argument("--full", action="store_true", help="The issue's sizes: 100,000 / 5,000 / 2,527.")
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--convoys", type=int, default=500)
    parser.add_argument("--areas", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.full:
        args.incidents, args.convoys, args.areas = 100_000, 5_000, 2_527
    return args


def setup_django(workdir: Path, database_url: str):
    os.environ["AIDTRACK_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_DEBUG"] = "1"  # static files from the finders, no manifest needed
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aidtrack.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fill(n_incidents: int, n_convoys: int, n_areas: int, seed: int = 2016, prefix: str = "B"):
    """Generated records over the demo's governorates, written in bulk (the services are not what is measured)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from aidtrack.areas.models import Area, StatusPeriod
    from aidtrack.convoys.models import CargoLine, CheckpointRemoval, ConvoyDestination, ConvoyEvent, ConvoyRequest
    from aidtrack.geo.models import AdminArea
    from aidtrack.incidents.models import Incident
    from aidtrack.orgs.models import Organization, Party

    rng = random.Random(seed)
    user = get_user_model().objects.get(username="reporter.ocha")
    organizations = list(Organization.objects.all())
    parties = list(Party.objects.all())
    governorates = list(AdminArea.objects.filter(level=1).defer("geometry"))
    now = timezone.now()
    start = datetime.date(2016, 1, 1)
    incidents = []
    for i in range(n_incidents):
        gov = rng.choice(governorates)
        incidents.append(
            Incident(
                reference=f"INC-{prefix}-{i + 1:07d}",
                organization=rng.choice(organizations),
                reported_by=user,
                reported_at=now,
                kind="access" if rng.random() < 0.05 else "obstruction",
                category=str(rng.randint(1, 9)),
                title=f"Incident {i + 1}",
                occurred_on=start + datetime.timedelta(days=rng.randrange(366)),
                latitude=gov.centroid_lat,
                longitude=gov.centroid_lon,
                admin1=gov,
                perpetrator=rng.choice(parties),
                perpetrator_kind=rng.choice(["state_forces", "non_state_armed_group", ""]),
                public_summary="Generated for the benchmark.",
                people_killed=rng.randrange(2),
                verification_status="verified" if rng.random() < 0.8 else "reported",
                visibility=rng.choice(["public", "public", "public", "partners"]),
            )
        )
    Incident.objects.bulk_create(incidents, batch_size=2000)

    areas = [
        Area(
            name_en=f"Area {prefix}{i}",
            governorate=(gov := rng.choice(governorates)),
            latitude=gov.centroid_lat,
            longitude=gov.centroid_lon,
            population=rng.randrange(500, 50_000),
        )
        for i in range(n_areas)
    ]
    Area.objects.bulk_create(areas, batch_size=1000)
    areas = list(Area.objects.filter(name_en__startswith=f"Area {prefix}"))
    StatusPeriod.objects.bulk_create(
        [
            StatusPeriod(
                area=area,
                status=rng.choice(["besieged", "hard_to_reach", "military_encircled"]),
                start_date=start + datetime.timedelta(days=rng.randrange(300)),
                source="benchmark",
            )
            for area in areas
        ],
        batch_size=1000,
    )

    convoys = [
        ConvoyRequest(
            reference=f"CV-{prefix}-{i:06d}",
            lead_organization=rng.choice(organizations),
            origin_name="Damascus",
            plan_month=datetime.date(2016, rng.randint(1, 12), 1),
            status="delivered",
            created_by=user,
        )
        for i in range(n_convoys)
    ]
    ConvoyRequest.objects.bulk_create(convoys, batch_size=1000)
    convoys = list(ConvoyRequest.objects.filter(reference__startswith=f"CV-{prefix}-"))
    events, destinations, lines = [], [], []
    for convoy in convoys:
        moment = timezone.make_aware(datetime.datetime(2016, 1, 1, 9)) + datetime.timedelta(days=rng.randrange(360))
        for status in ("submitted", "approved", "dispatched", "delivered"):
            events.append(ConvoyEvent(convoy=convoy, to_status=status, occurred_at=moment, recorded_by=user))
            moment += datetime.timedelta(days=rng.randrange(1, 10))
        destinations.append(
            ConvoyDestination(
                convoy=convoy, area=rng.choice(areas), planned_beneficiaries=1000, reached_beneficiaries=900
            )
        )
        lines.append(CargoLine(convoy=convoy, sector="health", item="Surgical kits", quantity=40, unit="kits"))
    ConvoyEvent.objects.bulk_create(events, batch_size=2000)
    ConvoyDestination.objects.bulk_create(destinations, batch_size=2000)
    CargoLine.objects.bulk_create(lines, batch_size=2000)
    removals = [
        CheckpointRemoval(
            convoy_id=line.convoy_id,
            cargo_line=line,
            quantity_removed=10,
            removed_on=datetime.date(2016, rng.randint(1, 12), 15),
            place_name=f"Checkpoint {rng.randrange(20)}",
            party=rng.choice(parties),
        )
        for line in CargoLine.objects.filter(convoy__reference__startswith=f"CV-{prefix}-")[: len(lines) // 10]
    ]
    CheckpointRemoval.objects.bulk_create(removals, batch_size=2000)


BARE_SQL = {
    # What each page must at least ask the database: its aggregates, written by hand.
    "access report": [
        "SELECT category, COUNT(*), SUM(people_killed) FROM incidents_incident "
        "WHERE occurred_on BETWEEN '2016-09-01' AND '2016-09-30' GROUP BY category",
        "SELECT admin1_id, COUNT(*) FROM incidents_incident "
        "WHERE occurred_on BETWEEN '2016-09-01' AND '2016-09-30' GROUP BY admin1_id",
        "SELECT perpetrator_kind, COUNT(*) FROM incidents_incident "
        "WHERE occurred_on BETWEEN '2016-09-01' AND '2016-09-30' GROUP BY perpetrator_kind",
        "SELECT to_status, COUNT(DISTINCT convoy_id) FROM convoys_convoyevent "
        "WHERE occurred_at >= '2016-09-01' AND occurred_at < '2016-10-01' GROUP BY to_status",
        "SELECT status, start_date, end_date, population FROM areas_statusperiod "
        "JOIN areas_area ON areas_area.id = area_id WHERE start_date <= '2016-09-30'",
    ],
    "convoy funnel": [
        "SELECT convoy_id, to_status, occurred_at FROM convoys_convoyevent WHERE convoy_id IN "
        "(SELECT convoy_id FROM convoys_convoyevent WHERE to_status = 'submitted' "
        "AND occurred_at >= '2016-01-01' AND occurred_at < '2017-01-01') ORDER BY occurred_at",
        "SELECT SUM(planned_beneficiaries), SUM(reached_beneficiaries) FROM convoys_convoydestination",
        "SELECT cargo_line_id, SUM(quantity_removed) FROM convoys_checkpointremoval GROUP BY cargo_line_id",
    ],
    "agreement (90 days)": [
        "SELECT occurred_on, COUNT(*) FROM incidents_incident WHERE category IN ('5', '7') "
        "AND occurred_on BETWEEN '2016-08-13' AND '2016-12-10' GROUP BY occurred_on",
        "SELECT area_id, occurred_on FROM incidents_incident WHERE kind = 'access' AND area_id IS NOT NULL",
        "SELECT convoy_id, occurred_at FROM convoys_convoyevent WHERE to_status IN ('delivered', "
        "'partially_delivered')",
    ],
    "area page": [
        "SELECT * FROM areas_statusperiod WHERE area_id = %(area)s",
        "SELECT occurred_at FROM convoys_convoyevent JOIN convoys_convoydestination d ON d.convoy_id = "
        "convoys_convoyevent.convoy_id WHERE d.area_id = %(area)s "
        "AND to_status IN ('delivered', 'partially_delivered')",
        "SELECT id, occurred_on FROM incidents_incident WHERE admin1_id = %(gov)s ORDER BY occurred_on DESC LIMIT 50",
    ],
}


def timed(function, repeat: int) -> tuple[float, float]:
    """(first call, median of the next ``repeat``) in milliseconds."""
    started = time.perf_counter()
    function()
    cold = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return cold, statistics.median(times)


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="aidtrack-reports-bench-"))
    setup_django(workdir, args.database_url)
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from aidtrack.agreements.models import Agreement
    from aidtrack.areas.models import Area
    from aidtrack.demo.loader import load_demo
    from aidtrack.geo import layers

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    load_demo()
    fill(args.incidents, args.convoys, args.areas)
    agreement = Agreement.objects.get()
    agreement.ends_at = agreement.starts_at + datetime.timedelta(days=90)
    agreement.save()
    area = Area.objects.get(name_en="Madaya")
    print(
        f"{connection.vendor}: {args.incidents:,} incidents, {args.convoys:,} convoys, {args.areas:,} areas "
        f"(+ the demo) filled in {time.perf_counter() - started:.0f} s"
    )
    pages = {
        "access report": "/reports/access/?month=2016-09",
        "convoy funnel": "/reports/convoys/?from=2016-01-01&to=2016-12-31",
        "agreement (90 days)": f"/agreements/{agreement.pk}/",
        "area page": f"/areas/{area.pk}/?as_of=2016-12-31",
    }
    client = Client(HTTP_HOST="127.0.0.1")
    values = {"area": area.pk, "gov": area.governorate_id}

    def bare(name):
        with connection.cursor() as cursor:
            for sql in BARE_SQL[name]:
                cursor.execute(sql % values)
                cursor.fetchall()

    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200, path
        return len(captured)

    counts = {name: queries(path) for name, path in pages.items()}
    print(f"\n{'page':22} {'cold ms':>9} {'warm ms':>9} {'bare SQL ms':>12} {'cold/bare':>10} {'warm/bare':>10}")
    for name, path in pages.items():
        cache.clear()
        layers._cache.clear()
        connection.close()
        reset_queries()
        cold, warm = timed(lambda path=path: client.get(path), args.repeat)
        connection.close()
        bare_cold, bare_warm = timed(lambda name=name: bare(name), args.repeat)
        print(
            f"{name:22} {cold:9.1f} {warm:9.1f} {bare_warm:12.1f} {cold / max(bare_cold, 0.01):10.1f}"
            f" {warm / max(bare_warm, 0.01):10.1f}"
        )
    fill(args.incidents // 10, args.convoys // 10, args.areas // 10, seed=2017, prefix="C")
    print("\nqueries per page (then with a tenth more records):")
    for name, path in pages.items():
        after = queries(path)
        print(f"  {name:22} {counts[name]:4} {after:4}  {'constant' if after == counts[name] else 'GROWS'}")


if __name__ == "__main__":
    main()
