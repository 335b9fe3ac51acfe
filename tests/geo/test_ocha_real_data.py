"""The importers on OCHA's real Syria data of October 2016 (skipped when ../shared is absent)."""

import datetime
import gzip
from pathlib import Path

import pandas
import pytest
from django.conf import settings
from django.db import transaction

from aidtrack.areas.importers.communities import import_communities
from aidtrack.areas.models import AccessStatus
from aidtrack.areas.selectors import people_by_status_on
from aidtrack.geo.importers.boundaries import import_boundaries
from aidtrack.geo.importers.population import import_population
from aidtrack.geo.layers import layer
from aidtrack.geo.models import AdminArea
from aidtrack.geo.services import place_point
from tests.factories import UserFactory

DATA = Path(settings.BASE_DIR).parent / "shared" / "data" / "ocha-syria-2016"
AS_OF = datetime.date(2016, 10, 31)

pytestmark = [
    pytest.mark.skipif(not DATA.exists(), reason=f"{DATA} is absent"),
    pytest.mark.django_db,
]


@pytest.fixture(scope="module")
def ocha(django_db_setup, django_db_blocker):
    """Import the whole dataset once for the module, in a transaction rolled back afterwards."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            admin = UserFactory(username="importer", is_superuser=True, is_staff=True)
            reports = {f"adm{level}": import_boundaries(str(DATA / f"syr_adm{level}.geojson")) for level in range(4)}
            reports["communities"] = import_communities(
                str(DATA / "syr_communities_oct2016.csv"), as_of=AS_OF, source_label="OCHA HNO 2017", by=admin
            )
            reports["population"] = import_population(
                str(DATA / "syr_severity_admin3_oct2016.csv"), source_label="OCHA HNO 2017"
            )
            yield reports
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_admin_levels_0_to_3_give_1_14_61_and_272_areas(ocha):
    counts = [AdminArea.objects.filter(level=level).count() for level in range(5)]
    assert counts[:4] == [1, 14, 61, 272]
    assert [ocha[f"adm{level}"].counts["added"] for level in range(4)] == [1, 14, 61, 272]
    assert not AdminArea.objects.filter(level__in=[1, 2, 3], parent__isnull=True).exists()


def test_all_5604_community_rows_load(ocha):
    rows = pandas.read_csv(DATA / "syr_communities_oct2016.csv")
    assert len(rows) == 5604
    assert AdminArea.objects.filter(level=4).count() == rows.Admin4Pcode.nunique() == 5595
    # The 13 rows that share a P-code are parts of 4 divided cities, noted by code.
    (note,) = [n for n in ocha["communities"].notes if "share a P-code" in n]
    assert note.startswith("13 rows") and "C1007 (3 parts)" in note and "C5086 (2 parts)" in note


def test_the_register_matches_the_list(ocha):
    rows = pandas.read_csv(DATA / "syr_communities_oct2016.csv")
    expected = rows.groupby("Access_Status").Pop_estimates_2017.sum()
    people = people_by_status_on(AS_OF)
    assert people[AccessStatus.BESIEGED] == round(expected["Besieged"]) == 974_080
    assert people[AccessStatus.MILITARY_ENCIRCLED] == round(expected["Military Encircled"])
    assert ocha["communities"].counts["register areas added"] == 36 + 106 + 2385


def test_madaya_is_in_sub_district_sy030703(ocha):
    madaya = AdminArea.objects.get(pcode="C2450")
    assert madaya.parent.pcode == "SY030703"
    assert place_point(madaya.centroid_lat, madaya.centroid_lon).admin3.pcode == "SY030703"


def test_deir_ez_zor_city_lies_in_sy090100(ocha):
    city = AdminArea.objects.get(pcode="C5086")
    placement = place_point(city.centroid_lat, city.centroid_lon)
    assert (placement.admin1.pcode, placement.admin3.pcode) == ("SY09", "SY090100")


def test_about_one_percent_of_points_outside_their_sub_district_are_reported_by_code(ocha):
    report = ocha["communities"]
    outside = report.counts["points outside their stated area"]
    assert 0.005 * 5604 < outside < 0.015 * 5604
    flagged = {p.pcode for p in report.warnings if "stated" in p.message or "outside every" in p.message}
    assert len(flagged) == outside and all(code.startswith("C") for code in flagged)
    assert "C6324" in flagged  # Rasm Assan: listed under Jebel Saman, the point is in Banan


def test_population_joins_to_sub_districts(ocha):
    assert ocha["population"].counts["updated"] == 270
    assert AdminArea.objects.get(pcode="SY010000").population == 1_759_800


def test_the_sub_district_layer_stays_under_300_kb_gzipped(ocha):
    built = layer(3)
    assert built.features == 272
    assert len(gzip.compress(built.content)) < 300 * 1024
