"""import_communities: community points from CSV, XLSX or HXL, and access status into the register."""

import datetime
import io

import pandas
import pytest
from django.core.management import CommandError, call_command

from aidtrack.areas.importers.communities import import_communities
from aidtrack.areas.models import AccessStatus, Area, StatusPeriod
from aidtrack.areas.selectors import status_on
from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.imports.report import ImportFailed
from tests.geo.builders import csv_file, import_all

pytestmark = pytest.mark.django_db

HEADER = ["Admin4Pcode", "Admin4Name_En", "Admin3Pcode", "Latitude", "Longitude", "Pop_estimates_2017", "Access_Status"]
ROWS = [
    ["C0001", "Qaryat Gharb", "SY010000", 33.5, 36.5, 12000, "Accessible"],
    ["C0002", "Tall Shamal", "SY010100", 34.5, 36.5, 8000, "Besieged"],
    ["C0003", "Madina (east)", "SY020000", 34.0, 37.5, 30000, "HTR"],
    ["C0003", "Madina (west)", "SY020000", 34.0, 37.4, 50000, "Accessible"],
    ["C0004", "Jabal", "SY020000", 33.2, 37.8, "NA", "Military Encircled"],
]
AS_OF = datetime.date(2016, 10, 31)


@pytest.fixture
def boundaries(db, tmp_path_factory):
    import_all(tmp_path_factory.mktemp("cod"))


def load(path, by, **options):
    options.setdefault("as_of", AS_OF)
    options.setdefault("source_label", "OCHA HNO 2017")
    return import_communities(str(path), by=by, **options)


def test_communities_load_with_their_sub_district_and_point(boundaries, tmp_path, site_admin):
    report = load(csv_file(tmp_path / "c.csv", HEADER, ROWS), site_admin)
    assert report.counts["communities added"] == 4
    tall = AdminArea.objects.get(pcode="C0002")
    assert (tall.level, tall.parent.pcode, tall.centroid_lat, tall.centroid_lon) == (4, "SY010100", 34.5, 36.5)
    assert (tall.population, tall.population_year) == (8000, 2017)
    assert AdminArea.objects.get(pcode="C0004").population is None  # "NA" is no figure


def test_rows_sharing_a_pcode_are_parts_of_one_community_each_with_its_own_register_area(
    boundaries, tmp_path, site_admin
):
    report = load(csv_file(tmp_path / "c.csv", HEADER, ROWS), site_admin)
    madina = AdminArea.objects.get(pcode="C0003")
    assert (madina.name_en, madina.population) == ("Madina", 80000)
    east = Area.objects.get(name_en="Madina (east)")
    assert [c.pcode for c in east.communities.all()] == ["C0003"]
    assert not Area.objects.filter(name_en="Madina (west)").exists()  # accessible: not in the register
    assert any("C0003 (2 parts)" in note for note in report.notes)


def test_access_status_opens_register_periods_dated_and_sourced_from_the_command_line(boundaries, tmp_path, site_admin):
    load(csv_file(tmp_path / "c.csv", HEADER, ROWS), site_admin)
    tall = Area.objects.get(import_key="C0002")
    period = tall.status_periods.get()
    assert (period.status, period.start_date, period.end_date, period.source) == (
        AccessStatus.BESIEGED,
        AS_OF,
        None,
        "OCHA HNO 2017",
    )
    assert (tall.governorate.pcode, tall.admin2.pcode, tall.admin3.pcode) == ("SY01", "SY0101", "SY010100")
    assert status_on(Area.objects.get(import_key="C0004"), AS_OF) == AccessStatus.MILITARY_ENCIRCLED
    assert Area.objects.count() == 3


def test_a_later_list_changes_and_closes_periods_and_leaves_the_rest(boundaries, tmp_path, site_admin):
    load(csv_file(tmp_path / "oct.csv", HEADER, ROWS), site_admin)
    later = [list(row) for row in ROWS]
    later[1][6] = "Accessible"  # Tall Shamal: the siege is lifted
    later[4][6] = "Besieged"  # Jabal: from encircled to besieged
    report = load(csv_file(tmp_path / "dec.csv", HEADER, later), site_admin, as_of=datetime.date(2016, 12, 31))
    assert report.counts["register periods closed"] == 1
    assert report.counts["register status changes"] == 1
    tall = Area.objects.get(import_key="C0002")
    assert [(p.status, p.end_date) for p in tall.status_periods.all()] == [
        (AccessStatus.BESIEGED, datetime.date(2016, 12, 31)),
        (AccessStatus.ACCESSIBLE, None),
    ]
    assert status_on(Area.objects.get(import_key="C0004"), datetime.date(2017, 1, 1)) == AccessStatus.BESIEGED
    assert Area.objects.get(import_key="C0003 Madina (east)").status_periods.count() == 1


def test_importing_the_same_list_again_changes_nothing(boundaries, tmp_path, site_admin):
    path = csv_file(tmp_path / "c.csv", HEADER, ROWS)
    load(path, site_admin)
    again = load(path, site_admin)
    assert again.counts["communities unchanged"] == 4
    assert again.counts["register areas unchanged"] == 3
    assert StatusPeriod.objects.count() == 3


def test_an_area_entered_by_hand_for_the_community_is_adopted_not_duplicated(boundaries, tmp_path, site_admin):
    load(csv_file(tmp_path / "first.csv", HEADER[:6], [row[:6] for row in ROWS]), site_admin)
    from aidtrack.areas.services import area_create

    tall = area_create(by=site_admin, name_en="Tall Shamal area", communities=[AdminArea.objects.get(pcode="C0002")])
    load(csv_file(tmp_path / "c.csv", HEADER, ROWS), site_admin)
    tall.refresh_from_db()
    assert tall.import_key == "C0002"
    assert status_on(tall, AS_OF) == AccessStatus.BESIEGED
    assert Area.objects.filter(communities__pcode="C0002").count() == 1


def test_hxl_tagged_csv(boundaries, tmp_path, site_admin):
    header = ["P-code", "Location", "Lat", "Long", "Status"]
    tags = ["#loc+code", "#loc+name", "#geo+lat", "#geo+lon", "#access+status"]
    rows = [["C0002", "Tall Shamal", 34.5, 36.5, "Besieged"]]
    load(csv_file(tmp_path / "hxl.csv", header, [tags, *rows]), site_admin)
    tall = AdminArea.objects.get(pcode="C0002")
    assert (tall.name_en, tall.parent.pcode) == ("Tall Shamal", "SY010100")  # parent from the point
    assert status_on(Area.objects.get(import_key="C0002"), AS_OF) == AccessStatus.BESIEGED


def test_xlsx_with_arabic_status(boundaries, tmp_path, site_admin):
    path = tmp_path / "c.xlsx"
    pandas.DataFrame(
        [["C0002", "Tall Shamal", "تل الشمال", "SY010100", 34.5, 36.5, "محاصر"]],
        columns=["ADM4_PCODE", "ADM4_EN", "ADM4_AR", "ADM3_PCODE", "Latitude", "Longitude", "Access_Status"],
    ).to_excel(path, index=False)
    load(path, site_admin)
    assert AdminArea.objects.get(pcode="C0002").name_ar == "تل الشمال"
    assert status_on(Area.objects.get(import_key="C0002"), AS_OF) == AccessStatus.BESIEGED


def test_a_point_outside_its_stated_sub_district_is_reported_by_code(boundaries, tmp_path, site_admin):
    rows = [["C0009", "Wanderer", "SY010000", 34.5, 36.5, 100, "Accessible"]]  # the point is in SY010100
    report = load(csv_file(tmp_path / "c.csv", HEADER, rows), site_admin)
    (warning,) = [p for p in report.warnings if p.pcode == "C0009"]
    assert "lies in West North Centre (SY010100), not in its stated sub-district" in warning.message
    assert report.counts["points outside their stated area"] == 1
    assert AdminArea.objects.get(pcode="C0009").parent.pcode == "SY010000"


def test_a_point_outside_every_boundary_is_a_warning_with_the_distance(boundaries, tmp_path, site_admin):
    rows = [["C0010", "Over the border", "SY020000", 34.0, 38.05, 100, "Accessible"]]
    report = load(csv_file(tmp_path / "c.csv", HEADER, rows), site_admin)
    (warning,) = [p for p in report.warnings if p.pcode == "C0010"]
    assert "outside every admin boundary" in warning.message and "km away" in warning.message
    assert AdminArea.objects.filter(pcode="C0010").exists()


# Bad input: nothing written.


def assert_refused(path, match, by=None, **options):
    with pytest.raises(ImportFailed) as caught:
        load(path, by, **options)
    problems = caught.value.report.problems if caught.value.report else []
    text = str(caught.value) + "\n".join(str(p) for p in problems)
    assert match in text, text
    assert not AdminArea.objects.filter(level=AdminLevel.COMMUNITY).exists()
    assert not Area.objects.exists()


def test_swapped_latitude_and_longitude_columns(boundaries, tmp_path, site_admin):
    swapped = [[r[0], r[1], r[2], r[4], r[3], r[5], r[6]] for r in ROWS]
    assert_refused(csv_file(tmp_path / "c.csv", HEADER, swapped), "look swapped in 5 of 5 rows", site_admin)


def test_one_swapped_row(boundaries, tmp_path, site_admin):
    rows = [*ROWS[:4], ["C0004", "Jabal", "SY020000", 37.8, 33.2, 10, "Accessible"]]
    assert_refused(csv_file(tmp_path / "c.csv", HEADER, rows), "row 6", site_admin)


def test_duplicate_rows(boundaries, tmp_path, site_admin):
    assert_refused(csv_file(tmp_path / "c.csv", HEADER, [ROWS[0], ROWS[0]]), "repeats row 2", site_admin)


def test_an_unknown_sub_district(boundaries, tmp_path, site_admin):
    rows = [["C0001", "Qaryat", "SY990000", 33.5, 36.5, 1, "Accessible"]]
    assert_refused(csv_file(tmp_path / "c.csv", HEADER, rows), "SY990000 is not loaded", site_admin)


def test_no_pcode_column(boundaries, tmp_path, site_admin):
    path = csv_file(tmp_path / "c.csv", ["Name", "Lat", "Lon"], [["Qaryat", 33.5, 36.5]])
    assert_refused(path, "no community P-code column", site_admin)


def test_an_unknown_status(boundaries, tmp_path, site_admin):
    rows = [["C0001", "Qaryat", "SY010000", 33.5, 36.5, 1, "Sort of reachable"]]
    assert_refused(
        csv_file(tmp_path / "c.csv", HEADER, rows), "'Sort of reachable' is not one aidtrack knows", site_admin
    )


def test_statuses_need_a_date_and_a_source(boundaries, tmp_path, site_admin):
    path = csv_file(tmp_path / "c.csv", HEADER, ROWS)
    assert_refused(path, "--as-of YYYY-MM-DD --source", site_admin, as_of=None)


def test_statuses_need_someone_allowed_to_write_the_register(boundaries, tmp_path, reporter):
    assert_refused(csv_file(tmp_path / "c.csv", HEADER, ROWS), "Register changes need --user", reporter)


def test_a_header_only_file(boundaries, tmp_path, site_admin):
    assert_refused(csv_file(tmp_path / "c.csv", HEADER, []), "has a header but no data rows", site_admin)


def test_a_binary_file_renamed_to_csv(boundaries, tmp_path, site_admin):
    path = tmp_path / "c.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00binary")
    assert_refused(path, "is not a text CSV file", site_admin)


def test_windows_1256_arabic_is_read(boundaries, tmp_path, site_admin):
    path = csv_file(
        tmp_path / "c.csv",
        ["Admin4Pcode", "Admin4Name_En", "Admin4Name_Ar", "Latitude", "Longitude"],
        [["C0002", "Tall Shamal", "تل الشمال", 34.5, 36.5]],
        encoding="cp1256",
    )
    report = load(path, site_admin)
    assert AdminArea.objects.get(pcode="C0002").name_ar == "تل الشمال"
    assert any("Windows-1256" in note for note in report.notes)


def test_the_command_prints_the_report(boundaries, tmp_path, site_admin):
    path = csv_file(tmp_path / "c.csv", HEADER, ROWS)
    out = io.StringIO()
    call_command(
        "import_communities",
        str(path),
        "--as-of",
        "2016-10-31",
        "--source",
        "OCHA HNO 2017",
        "--user",
        site_admin.username,
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "4 communities added" in out.getvalue() and "3 register areas added" in out.getvalue()
    with pytest.raises(CommandError, match="give a date as YYYY-MM-DD"):
        call_command("import_communities", str(path), "--as-of", "2016-02-30", stdout=io.StringIO())
