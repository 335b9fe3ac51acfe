"""Benchmark of the answer pages; prints figures (not a timed test).

The demo scenario is loaded, then grown with generated records: incidents spread over 2016 in the demo's
governorates (access incidents at register areas), convoy requests with their events, destinations and removals,
and OCHA's register of October 2016 (the 2,527 besieged, military-encircled and hard-to-reach locations of
../shared/data/ocha-syria-2016/, each with a status period; generated areas when that folder is absent). Then each
page is requested through Django's test client (server time, no network), as an anonymous reader:

- the monthly access report (September 2016), the convoy funnel for 2016, the demo cessation's agreement page
  (its end moved to 90 days after its start) and an area page (Madaya, as of the end of 2016);
- cold: a request after every cache of the application is emptied (the shared cache, which holds the data version
  and the figures kept under it, and each process's boundary layers and small maps), on a new database connection;
  the database's own buffers are not emptied, for the page or for its bare SQL; the median of --repeat such requests;
- warm: the median of --repeat requests in a row after that;
- each as a ratio to the bare SQL the page needs, timed in the same run, cold (new connection) and warm: the
  same figures asked by hand-written SQL, with the public reader's visibility rules, one statement per
  aggregate (GROUP BY / SUM / the rows a list shows). The target is under 3x cold;
- the number of queries per page at a tenth of the records and at full size: the same number means no query
  per record.

The tables are analysed after they are filled (ANALYZE), as a database in use would have its statistics.

Usage:
    .venv/bin/python bench/reports_bench.py                 # 10,000 incidents, 500 convoys: a few minutes on SQLite
    .venv/bin/python bench/reports_bench.py --full          # 100,000 incidents, 5,000 convoys
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aidtrack_bench .venv/bin/python bench/reports_bench.py --flush
    options: --incidents N --convoys N --areas N (generated areas, without the OCHA data) --repeat N
    --best: the fastest of the --repeat timings instead of the median (a machine shared with other work)
    --cpu: this process's CPU time instead of the clock's (on SQLite, which runs in the process, a measure that
    other work on the machine does not disturb)
    --reuse: measure again what a previous run filled in the database named, without flushing or filling it:
    DATABASE_URL=sqlite:////tmp/reports-bench.sqlite3 .venv/bin/python bench/reports_bench.py --full --flush  # fill
    DATABASE_URL=sqlite:////tmp/reports-bench.sqlite3 .venv/bin/python bench/reports_bench.py --reuse  # again

Without a database URL it builds a temporary SQLite database. A database named by --database-url or DATABASE_URL
is flushed and filled: it must be one you can throw away, and --flush says so.
"""

import argparse
import csv
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OCHA = ROOT.parent / "shared" / "data" / "ocha-syria-2016"
REGISTER = [
    ("besieged", "syr_besieged_oct2016.csv", "Location"),
    ("military_encircled", "syr_military_encircled_oct2016.csv", None),
    ("hard_to_reach", "syr_hard_to_reach_oct2016.csv", "Location_Name"),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="A database to flush and fill (default: DATABASE_URL, else a temporary SQLite file).",
    )
    parser.add_argument("--flush", action="store_true", help="Confirm that the database given may be flushed.")
    parser.add_argument("--full", action="store_true", help="The issue's sizes: 100,000 incidents, 5,000 convoys.")
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--convoys", type=int, default=500)
    parser.add_argument("--areas", type=int, default=2_527, help="Generated areas when the OCHA data is absent.")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--best",
        action="store_true",
        help="The fastest of the --repeat requests rather than the median: on a machine shared with other work, the "
        "least disturbed measure of each (page and bare SQL alike).",
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="This process's CPU time rather than the time on the clock: unaffected by other work on the machine, "
        "and on SQLite it includes the database's own work (not on PostgreSQL, whose server is another process).",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Measure the records a previous run left in the database named (no flush, no fill): seeding 100,000 "
        "incidents takes minutes. Queries per page are then counted at full size only.",
    )
    args = parser.parse_args()
    if args.full:
        args.incidents, args.convoys = 100_000, 5_000
    if args.reuse and not args.database_url:
        parser.error("--reuse needs the database a previous run filled: --database-url or DATABASE_URL.")
    if args.database_url and not args.flush and not args.reuse:
        parser.error(f"{args.database_url} would be flushed: pass --flush if it may be, or leave DATABASE_URL unset.")
    return args


def setup_django(workdir: Path, database_url: str):
    os.environ["AIDTRACK_VAR_DIR"] = str(workdir)
    (workdir / "static").mkdir(exist_ok=True)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_DEBUG"] = "0"  # as served: no query log, no template debug information
    os.environ["AIDTRACK_PRECOMPUTE_PUBLIC_LISTS"] = "0"  # no task queued behind the measured requests
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aidtrack.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    # Static files from the finders: the pages name them, no manifest is needed to measure the server's time.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = ["*"]


def register_rows(n_generated: int, rng: random.Random, governorates: dict):
    """(name, governorate, lat, lon, population, status): OCHA's register, else ``n_generated`` generated areas."""
    if (OCHA / REGISTER[0][1]).exists():
        rows = []
        for status, filename, name_column in REGISTER:
            with (OCHA / filename).open(encoding="utf-8-sig") as stream:
                for record in csv.DictReader(stream):
                    name = record.get(name_column or "") or record.get("Location") or record.get("Location_Name")
                    governorate = governorates.get(record["Admin2Pcode"][:4])
                    people = [v for k, v in record.items() if k.startswith("People in need")]
                    rows.append(
                        (
                            f"{name} · {record['Admin4Pcode']} · {status}",
                            governorate or rng.choice(list(governorates.values())),
                            float(record["Latitude"]),
                            float(record["Longitude"]),
                            int(float(people[0] or 0)) if people else 0,
                            status,
                        )
                    )
        return rows
    statuses = ["besieged", "hard_to_reach", "military_encircled"]
    return [
        (
            f"Area B{i}",
            gov := rng.choice(list(governorates.values())),
            gov.centroid_lat,
            gov.centroid_lon,
            rng.randrange(500, 50_000),
            rng.choice(statuses),
        )
        for i in range(n_generated)
    ]


def fill_register(n_generated: int, seed: int = 2016) -> int:
    from aidtrack.areas.models import Area, StatusPeriod
    from aidtrack.geo.models import AdminArea

    rng = random.Random(seed)
    governorates = {g.pcode: g for g in AdminArea.objects.filter(level=1).defer("geometry")}
    rows = register_rows(n_generated, rng, governorates)
    taken = set(Area.objects.values_list("name_en", flat=True))
    rows = [row for row in rows if row[0] not in taken]
    Area.objects.bulk_create(
        [
            Area(name_en=name[:200], governorate=gov, latitude=lat, longitude=lon, population=people or None)
            for name, gov, lat, lon, people, _status in rows
        ],
        batch_size=1000,
    )
    ids = dict(Area.objects.values_list("name_en", "pk"))
    start = datetime.date(2016, 1, 1)
    StatusPeriod.objects.bulk_create(
        [
            StatusPeriod(
                area_id=ids[name[:200]],
                status=status,
                start_date=start + datetime.timedelta(days=rng.randrange(300)),
                source="OCHA, October 2016 (benchmark)",
            )
            for name, _gov, _lat, _lon, _people, status in rows
        ],
        batch_size=1000,
    )
    return len(rows)


CONVOY_PATHS = [
    (0.55, ("submitted", "approved", "dispatched", "delivered")),
    (0.10, ("submitted", "partially_approved", "dispatched", "partially_delivered")),
    (0.10, ("submitted", "denied")),
    (0.08, ("submitted", "no_response")),
    (0.05, ("submitted", "approved", "dispatched", "blocked")),
    (0.02, ("submitted", "approved", "dispatched", "attacked")),
    (0.05, ("submitted", "approved", "cancelled")),
    (0.05, ("submitted",)),
]


def fill(n_incidents: int, n_convoys: int, seed: int = 2016, prefix: str = "B"):
    """Generated records over the demo's governorates, written in bulk (the services are not what is measured)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from aidtrack.areas.models import Area
    from aidtrack.convoys.models import CargoLine, CheckpointRemoval, ConvoyDestination, ConvoyEvent, ConvoyRequest
    from aidtrack.geo.models import AdminArea
    from aidtrack.incidents.models import Incident
    from aidtrack.orgs.models import Organization, Party

    rng = random.Random(seed)
    user = get_user_model().objects.get(username="reporter.ocha")
    organizations = list(Organization.objects.all())
    parties = list(Party.objects.all())
    governorates = list(AdminArea.objects.filter(level=1).defer("geometry"))
    areas = list(Area.objects.values_list("pk", "governorate_id"))
    now = timezone.now()
    start = datetime.date(2016, 1, 1)
    incidents = []
    for i in range(n_incidents):
        access = rng.random() < 0.05
        area_id, gov_id = rng.choice(areas) if access else (None, None)
        gov = next((g for g in governorates if g.pk == gov_id), None) or rng.choice(governorates)
        incidents.append(
            Incident(
                reference=f"INC-{prefix}-{i + 1:07d}",
                organization=rng.choice(organizations),
                reported_by=user,
                reported_at=now,
                kind="access" if access else "obstruction",
                category="" if access else str(rng.randint(1, 9)),
                title=f"Incident {i + 1}",
                occurred_on=start + datetime.timedelta(days=rng.randrange(366)),
                latitude=gov.centroid_lat,
                longitude=gov.centroid_lon,
                admin1=gov,
                area_id=area_id,
                perpetrator=rng.choice(parties),
                perpetrator_kind=rng.choice(["state_forces", "non_state_armed_group", ""]),
                public_summary="Generated for the benchmark.",
                people_killed=rng.randrange(2),
                aid_workers_injured=1 if rng.random() < 0.01 else 0,
                verification_status="verified" if rng.random() < 0.8 else "reported",
                visibility=rng.choice(["public", "public", "public", "partners"]),
            )
        )
    Incident.objects.bulk_create(incidents, batch_size=2000)

    weights = [weight for weight, _path in CONVOY_PATHS]
    paths = rng.choices([path for _weight, path in CONVOY_PATHS], weights=weights, k=n_convoys)
    convoys = [
        ConvoyRequest(
            reference=f"CV-{prefix}-{i:06d}",
            title=f"Convoy {prefix}{i}",
            lead_organization=rng.choice(organizations),
            origin_name="Damascus",
            plan_month=datetime.date(2016, rng.randint(1, 12), 1),
            status=path[-1],
            visibility="public" if rng.random() < 0.9 else "restricted",
            created_by=user,
        )
        for i, path in enumerate(paths)
    ]
    ConvoyRequest.objects.bulk_create(convoys, batch_size=1000)
    convoys = list(ConvoyRequest.objects.filter(reference__startswith=f"CV-{prefix}-").order_by("reference"))
    events, destinations, lines = [], [], []
    for convoy, path in zip(convoys, paths, strict=True):
        moment = timezone.make_aware(datetime.datetime(2016, 1, 1, 9)) + datetime.timedelta(days=rng.randrange(360))
        for status in path:
            events.append(ConvoyEvent(convoy=convoy, to_status=status, occurred_at=moment, recorded_by=user))
            moment += datetime.timedelta(days=rng.randrange(1, 10))
        for area_id, _gov in rng.sample(areas, rng.randint(1, 3)):
            destinations.append(
                ConvoyDestination(convoy=convoy, area_id=area_id, planned_beneficiaries=1000, reached_beneficiaries=900)
            )
        lines.append(CargoLine(convoy=convoy, sector="health", item="Surgical kits", quantity=40, unit="kits"))
        lines.append(CargoLine(convoy=convoy, sector="food", item="Food parcels", quantity=2000, unit="parcels"))
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


INCIDENT_VISIBLE = "i.verification_status = 'verified' AND i.visibility = 'public'"
CONVOY_VISIBLE = "c.visibility = 'public' AND c.status <> 'draft'"
DELIVERED = "('delivered', 'partially_delivered')"


def _in(values) -> str:
    """A literal SQL list: ids as numbers, codes as quoted strings (all from the database, none from a user)."""
    return (
        "(" + ", ".join(str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'" for v in values) + ")"
    )


def bare_sql(context: dict) -> dict[str, list[tuple[str, list]]]:
    """The SQL each page needs, written by hand for an anonymous reader: (statement, parameters) per aggregate."""
    from aidtrack.reports.access import _moments
    from aidtrack.reports.periods import Period, month_period

    month = month_period(datetime.date(2016, 9, 1))
    periods = [month, month.previous(), month.year_before()]
    impact = ", ".join(
        f"SUM(i.{name})"
        for name in (
            "aid_workers_killed",
            "aid_workers_injured",
            "aid_workers_abducted",
            "aid_workers_detained",
            "people_killed",
            "people_injured",
            "vehicles_damaged",
            "beneficiaries_affected",
        )
    )
    access = []
    for period in periods:
        start, end = _moments(period)
        access += [
            (
                f"SELECT i.kind, COUNT(*), {impact} FROM incidents_incident i WHERE {INCIDENT_VISIBLE} "
                "AND i.occurred_on BETWEEN %s AND %s GROUP BY i.kind",
                [period.start, period.end],
            ),
            (
                "SELECT e.to_status, COUNT(DISTINCT e.convoy_id) FROM convoys_convoyevent e "
                "JOIN convoys_convoyrequest c ON c.id = e.convoy_id "
                f"WHERE {CONVOY_VISIBLE} AND e.occurred_at >= %s AND e.occurred_at < %s "
                "GROUP BY e.to_status",
                [start, end],
            ),
            (
                "SELECT SUM(d.reached_beneficiaries) FROM convoys_convoydestination d WHERE d.convoy_id IN (SELECT "
                "e.convoy_id FROM convoys_convoyevent e JOIN convoys_convoyrequest c ON c.id = e.convoy_id WHERE "
                f"{CONVOY_VISIBLE} AND e.to_status IN {DELIVERED} AND e.occurred_at >= %s AND e.occurred_at < %s)",
                [start, end],
            ),
        ]
    start, end = _moments(month)
    access += [
        (
            "SELECT i.category, i.perpetrator_kind, i.admin1_id, COUNT(*) FROM incidents_incident i WHERE "
            f"{INCIDENT_VISIBLE} AND i.kind = 'obstruction' AND i.occurred_on BETWEEN %s AND %s "
            "GROUP BY i.category, i.perpetrator_kind, i.admin1_id",
            [month.start, month.end],
        ),
        (
            "SELECT i.id, i.occurred_on, i.title, i.public_summary, g.name_en FROM incidents_incident i "
            f"LEFT JOIN geo_adminarea g ON g.id = i.admin1_id WHERE {INCIDENT_VISIBLE} AND i.occurred_on BETWEEN "
            "%s AND %s AND (i.people_killed > 0 OR i.aid_workers_killed > 0 OR i.aid_workers_injured > 0 OR "
            "i.aid_workers_abducted > 0 OR i.aid_workers_detained > 0 OR i.kind = 'access' OR i.category = '5') "
            "ORDER BY i.occurred_on, i.id LIMIT 30",
            [month.start, month.end],
        ),
        (
            "SELECT e.occurred_at, e.to_status, e.convoy_id, c.reference, c.title FROM convoys_convoyevent e "
            f"JOIN convoys_convoyrequest c ON c.id = e.convoy_id WHERE {CONVOY_VISIBLE} AND e.to_status IN "
            "('denied', 'blocked', 'attacked', 'delivered', 'partially_delivered') AND e.occurred_at >= %s "
            "AND e.occurred_at < %s ORDER BY e.occurred_at, e.id LIMIT 30",
            [start, end],
        ),
        (
            "SELECT p.status, p.start_date, p.end_date, a.population FROM areas_statusperiod p JOIN areas_area a "
            "ON a.id = p.area_id WHERE p.start_date <= %s AND (p.end_date IS NULL OR p.end_date > %s)",
            [month.end, month.start],
        ),
    ]

    year = Period(datetime.date(2016, 1, 1), datetime.date(2016, 12, 31))
    start, end = _moments(year)
    cohort = (
        "SELECT s.convoy_id FROM convoys_convoyevent s JOIN convoys_convoyrequest c ON c.id = s.convoy_id "
        f"WHERE {CONVOY_VISIBLE} AND s.to_status = 'submitted' AND s.occurred_at >= %s AND s.occurred_at < %s"
    )
    funnel = [
        (
            f"SELECT e.convoy_id, e.to_status, e.occurred_at FROM convoys_convoyevent e WHERE e.convoy_id IN "
            f"({cohort}) ORDER BY e.occurred_at, e.id",
            [start, end],
        ),
        (
            "SELECT SUM(d.planned_beneficiaries), SUM(CASE WHEN d.convoy_id IN (SELECT e.convoy_id FROM "
            f"convoys_convoyevent e WHERE e.to_status IN {DELIVERED}) THEN d.reached_beneficiaries END) "
            f"FROM convoys_convoydestination d WHERE d.convoy_id IN ({cohort})",
            [start, end],
        ),
        (
            "SELECT r.quantity_removed, r.place_name, l.id, l.item, l.sector, l.unit, l.quantity, p.name "
            "FROM convoys_checkpointremoval r JOIN convoys_cargoline l ON l.id = r.cargo_line_id "
            "JOIN convoys_convoyrequest c ON c.id = r.convoy_id LEFT JOIN orgs_party p ON p.id = r.party_id "
            f"WHERE {CONVOY_VISIBLE} AND r.removed_on BETWEEN %s AND %s ORDER BY r.removed_on, r.id",
            [year.start, year.end],
        ),
    ]

    agreement = context["agreement"]
    violence = (
        f"SELECT i.occurred_on, COUNT(*) FROM incidents_incident i WHERE {INCIDENT_VISIBLE} "
        f"AND i.kind = 'obstruction' AND i.category IN {_in(context['categories'])} "
    )
    if context["governorates"]:
        violence += f"AND i.admin1_id IN {_in(context['governorates'])} "
    if context["excluded"]:
        violence += f"AND (i.perpetrator_id IS NULL OR i.perpetrator_id NOT IN {_in(context['excluded'])}) "
    areas = _in(context["condition_areas"] or [0])
    # The agreement's terms: the page shows them, and the statements below are written from them (their places,
    # parties and categories), so they are read here too rather than taken as known.
    terms = [
        ("SELECT * FROM agreements_agreement WHERE id = %s", [agreement.pk]),
        (
            "SELECT a.id, a.name_en, a.name_ar FROM areas_area a JOIN agreements_agreement_areas m "
            "ON m.area_id = a.id WHERE m.agreement_id = %s",
            [agreement.pk],
        ),
        (
            "SELECT g.id, g.pcode, g.level, g.name_en, g.name_ar FROM geo_adminarea g "
            "JOIN agreements_agreement_governorates m ON m.adminarea_id = g.id WHERE m.agreement_id = %s",
            [agreement.pk],
        ),
        (
            "SELECT p.* FROM orgs_party p JOIN agreements_agreement_excluded_parties m ON m.party_id = p.id "
            "WHERE m.agreement_id = %s",
            [agreement.pk],
        ),
        ("SELECT * FROM agreements_agreementcondition WHERE agreement_id = %s", [agreement.pk]),
        (
            "SELECT m.agreementcondition_id, a.id, a.name_en, a.name_ar FROM areas_area a "
            "JOIN agreements_agreementcondition_areas m ON m.area_id = a.id "
            "JOIN agreements_agreementcondition c ON c.id = m.agreementcondition_id WHERE c.agreement_id = %s",
            [agreement.pk],
        ),
    ]
    agreement_sql = [
        *terms,
        (violence + "AND i.occurred_on BETWEEN %s AND %s GROUP BY i.occurred_on", context["violence_days"]),
        (
            f"SELECT i.id, i.area_id, i.occurred_on, i.title FROM incidents_incident i WHERE {INCIDENT_VISIBLE} "
            f"AND i.kind = 'access' AND i.area_id IN {areas} AND i.occurred_on <= %s",
            [context["violence_days"][1]],
        ),
        (
            "SELECT d.area_id, e.occurred_at, e.convoy_id, c.reference, e.to_status FROM convoys_convoyevent e "
            "JOIN convoys_convoyrequest c ON c.id = e.convoy_id JOIN convoys_convoydestination d "
            f"ON d.convoy_id = c.id WHERE {CONVOY_VISIBLE} AND e.to_status IN {DELIVERED} AND d.area_id IN {areas}",
            [],
        ),
    ]

    area, day = context["area"], datetime.date(2016, 12, 31)
    area_sql = [
        ("SELECT * FROM areas_area WHERE id = %s", [area.pk]),
        ("SELECT * FROM areas_statusperiod WHERE area_id = %s ORDER BY start_date", [area.pk]),
        (
            "SELECT d.planned_beneficiaries, d.reached_beneficiaries, c.status FROM convoys_convoydestination d "
            f"JOIN convoys_convoyrequest c ON c.id = d.convoy_id WHERE d.area_id = %s AND {CONVOY_VISIBLE}",
            [area.pk],
        ),
        (
            "SELECT e.occurred_at, e.convoy_id, c.reference, e.to_status FROM convoys_convoyevent e "
            "JOIN convoys_convoydestination d ON d.convoy_id = e.convoy_id JOIN convoys_convoyrequest c "
            f"ON c.id = e.convoy_id WHERE d.area_id = %s AND {CONVOY_VISIBLE} AND e.to_status IN {DELIVERED}",
            [area.pk],
        ),
        (
            f"SELECT i.id, i.occurred_on, i.title FROM incidents_incident i WHERE {INCIDENT_VISIBLE} "
            "AND i.kind = 'access' AND i.area_id = %s AND i.occurred_on <= %s",
            [area.pk, day],
        ),
        (
            "SELECT i.id, i.reference, i.occurred_on, i.title, i.kind, i.category, i.public_summary, p.name, "
            "g.name_en FROM incidents_incident i LEFT JOIN orgs_party p ON p.id = i.perpetrator_id "
            f"LEFT JOIN geo_adminarea g ON g.id = i.admin1_id WHERE {INCIDENT_VISIBLE} AND i.admin1_id = %s "
            "AND i.occurred_on <= %s ORDER BY i.occurred_on DESC, i.id DESC LIMIT 50",
            [area.governorate_id, day],
        ),
    ]
    return {
        "access report": access,
        "convoy funnel": funnel,
        "agreement (90 days)": agreement_sql,
        "area page": area_sql,
    }


def bare_context(agreement, area) -> dict:
    """What the hand-written SQL of ``bare_sql`` is asked about: the agreement's and the area's terms."""
    from aidtrack.agreements.models import ConditionKind
    from aidtrack.agreements.selectors import BASELINE_DAYS, DEFAULT_VIOLENCE_CATEGORIES

    first = timezone_day(agreement.starts_at)
    condition_areas, categories = [], set()
    for condition in agreement.conditions.all():
        if condition.kind == ConditionKind.SUSTAINED_ACCESS:
            condition_areas += [a.pk for a in condition.areas.all()]
        else:
            categories |= set(condition.counted_categories or DEFAULT_VIOLENCE_CATEGORIES)
    governorates = [g.pk for g in agreement.governorates.all() if g.level == 1]
    context = {
        "agreement": agreement,
        "area": area,
        "categories": sorted(categories) or DEFAULT_VIOLENCE_CATEGORIES,
        "governorates": governorates,
        "excluded": [p.pk for p in agreement.excluded_parties.all()],
        "condition_areas": condition_areas,
        "violence_days": [
            first - datetime.timedelta(days=BASELINE_DAYS),
            timezone_day(agreement.ends_at),
        ],
    }
    return context


def timed(function, repeat: int, summary=statistics.median, clock=time.perf_counter) -> tuple[float, float]:
    """(cold, warm) medians in milliseconds: ``repeat`` calls each after ``empty_caches()``, then ``repeat`` calls
    in a row after one more (medians, since a shared machine makes single timings noisy; ``summary=min`` for the
    fastest of each)."""
    colds, warms = [], []
    for _ in range(repeat):
        empty_caches()
        started = clock()
        function()
        colds.append((clock() - started) * 1000)
    function()
    for _ in range(repeat):
        started = clock()
        function()
        warms.append((clock() - started) * 1000)
    return summary(colds), summary(warms)


def empty_caches():
    """Every cache of the application: the shared one (data version, figures, lists) and each process's own."""
    from django.core.cache import cache
    from django.db import connection

    from aidtrack.geo import layers
    from aidtrack.ops import public_cache, versions
    from aidtrack.reports import maps

    cache.clear()
    layers._cache.clear()
    maps._cache.clear()
    public_cache.recent.clear()
    versions._forget()
    connection.close()


def main():
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="aidtrack-reports-bench-"))
    setup_django(workdir, args.database_url)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from aidtrack.agreements.models import Agreement
    from aidtrack.areas.models import Area
    from aidtrack.demo.loader import load_demo

    call_command("migrate", verbosity=0)
    from aidtrack.convoys.models import ConvoyRequest
    from aidtrack.incidents.models import Incident

    reuse = args.reuse and Incident.objects.filter(reference__startswith="INC-C-").exists()
    if reuse:
        args.incidents = Incident.objects.filter(reference__startswith="INC-").count()
        args.convoys = ConvoyRequest.objects.filter(reference__startswith="CV-").count()
        small = (0, 0)
        print(f"{connection.vendor}: reusing {args.incidents:,} incidents and {args.convoys:,} convoys")
    else:
        call_command("flush", interactive=False, verbosity=0)
        started = time.perf_counter()
        load_demo()
        n_areas = fill_register(args.areas)
        small = (args.incidents // 10, args.convoys // 10)
        fill(*small)
    agreement = Agreement.objects.get()
    if not reuse:
        agreement.ends_at = agreement.starts_at + datetime.timedelta(days=90)
        agreement.save()
    area = Area.objects.get(name_en="Madaya")
    if not reuse:
        print(
            f"{connection.vendor}: the demo and {n_areas:,} register areas, "
            f"filled in {time.perf_counter() - started:.0f} s"
        )
    pages = {
        "access report": "/reports/access/?month=2016-09",
        "convoy funnel": "/reports/convoys/?from=2016-01-01&to=2016-12-31",
        "agreement (90 days)": f"/agreements/{agreement.pk}/",
        "area page": f"/areas/{area.pk}/?as_of=2016-12-31",
    }
    client = Client(HTTP_HOST="127.0.0.1")

    def queries(path):
        empty_caches()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        return len(captured)

    if not reuse:
        analyze()
        counts_small = {name: queries(path) for name, path in pages.items()}
        started = time.perf_counter()
        fill(args.incidents - small[0], args.convoys - small[1], seed=2017, prefix="C")
        print(
            f"then {args.incidents:,} incidents and {args.convoys:,} convoys in all "
            f"(+{time.perf_counter() - started:.0f} s); each page as an anonymous reader, {args.repeat} requests"
        )
    analyze()
    counts = {name: queries(path) for name, path in pages.items()}

    statements = bare_sql(bare_context(agreement, area))

    def bare(name):
        with connection.cursor() as cursor:
            for sql, params in statements[name]:
                cursor.execute(sql, params)
                cursor.fetchall()

    clock = time.process_time if args.cpu else time.perf_counter
    measure = "CPU time of this process" if args.cpu else "time on the clock"
    print(f"\n{measure}, {'fastest' if args.best else 'median'} of {args.repeat} requests each; load average {load()}")
    print(
        f"{'page':22} {'cold ms':>8} {'warm ms':>8} {'bare cold':>10} {'bare warm':>10} "
        f"{'cold/bare':>10} {'warm/bare':>10}"
    )
    for name, path in pages.items():
        summary = min if args.best else statistics.median
        cold, warm = timed(lambda path=path: client.get(path), args.repeat, summary, clock)
        bare_cold, bare_warm = timed(lambda name=name: bare(name), args.repeat, summary, clock)
        print(
            f"{name:22} {cold:8.1f} {warm:8.1f} {bare_cold:10.1f} {bare_warm:10.1f} "
            f"{cold / max(bare_cold, 0.01):10.1f} {warm / max(bare_warm, 0.01):10.1f}"
        )
    if reuse:
        print(f"\nqueries per page (cold), at {args.incidents:,} incidents (run without --reuse to compare sizes):")
        for name in pages:
            print(f"  {name:22} {counts[name]:4}")
    else:
        print(f"\nqueries per page (cold), at {small[0]:,} / {args.incidents:,} incidents:")
        for name in pages:
            same = "constant" if counts[name] == counts_small[name] else "GROWS"
            print(f"  {name:22} {counts_small[name]:4} {counts[name]:4}  {same}")
    print(f"  bare SQL statements: {', '.join(f'{name} {len(sql)}' for name, sql in statements.items())}")


def load() -> str:
    try:
        return ", ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def analyze():
    """Table statistics, as a database in use has them (PostgreSQL's autovacuum; SQLite's ``PRAGMA optimize``):
    without them, freshly bulk-loaded tables get plans that scan (seconds on PostgreSQL for a join a few
    milliseconds long), for the pages and for the bare SQL alike."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timezone_day(moment):
    from django.utils import timezone

    return timezone.localdate(moment)


if __name__ == "__main__":
    main()
