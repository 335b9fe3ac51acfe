"""Importing besieged and hard-to-reach areas with their status history: one row per period, all or nothing.

The areas, dates and figures are the demo's (OCHA's besieged list of autumn 2016, see DOMAIN.md).
"""

import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from aidtrack.areas.importers import import_areas
from aidtrack.areas.models import AccessStatus, Area, StatusPeriod
from aidtrack.areas.services import area_create, status_period_add
from aidtrack.imports.models import ColumnMapping, ImportRun, ImportStatus
from aidtrack.imports.report import ImportFailed
from aidtrack.imports.table_runs import import_table_recorded
from tests.factories import PartyFactory, community

D = datetime.date
B, M, H, A = (
    AccessStatus.BESIEGED,
    AccessStatus.MILITARY_ENCIRCLED,
    AccessStatus.HARD_TO_REACH,
    AccessStatus.ACCESSIBLE,
)
HEADER = "name,name_ar,communities,status,start,end,source,population,population date,besieged by\n"
ZABADANI_LIST = (
    HEADER
    + "Madaya,مضايا,C2450,hard to reach,2015-01-01,,OCHA hard-to-reach list,,,\n"
    + "Madaya,مضايا,C2450,besieged,2015-07-01,,OCHA besieged list,38000,2016-10-31,GoS\n"
    + "Bqine,بقين,C2449,besieged,2015-07-01,,OCHA besieged list,7700,2016-10-31,GoS\n"
    + "Az-Zabdani,الزبداني,C2429,hard to reach,2014-06-01,2015-07-01,OCHA hard-to-reach list,,,\n"
    + "Az-Zabdani,الزبداني,C2429,besieged,2015-07-01,,OCHA besieged list,750,2016-10-31,GoS\n"
)


@pytest.fixture
def places(geography):
    """Madaya, Bqine and Az-Zabdani (communities of Rural Damascus) and the parties of 2016."""
    community("C2449", 33.7011, 36.1063, parent=geography["sub"], name="Bqine")
    community("C2429", 33.7252, 36.1024, parent=geography["sub"], name="Az-Zabdani")
    return {
        **geography,
        "GoS": PartyFactory(name="Government of Syria and allied forces", short_name="GoS"),
        "AOG": PartyFactory(name="Armed opposition groups", short_name="AOG"),
        "ISIL": PartyFactory(name="Islamic State of Iraq and the Levant", short_name="ISIL"),
    }


@pytest.fixture
def madaya(places, site_admin, org_a):
    """Madaya as the register holds it: hard to reach in the first half of 2015, besieged since 1 July 2015."""
    area = area_create(
        by=site_admin,
        name_en="Madaya",
        latitude=33.6901,
        longitude=36.0963,
        population=38_000,
        population_date=D(2016, 10, 31),
        population_source="OCHA",
        communities=[places["madaya"]],
        besieging_parties=[places["GoS"]],
    )
    for status, start, end in ((H, D(2015, 1, 1), D(2015, 7, 1)), (B, D(2015, 7, 1), None)):
        status_period_add(
            area=area, status=status, start_date=start, end_date=end, source="OCHA list", by=site_admin,
            organization=org_a,
        )  # fmt: skip
    return area


def write(tmp_path, text, name="areas.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(path, org, user, **kwargs):
    return import_areas(str(path), organization=org, by=user, **kwargs)


def refused(path, org, user) -> list[str]:
    """Import a file that must be refused: every error as text, after checking that nothing was written."""
    before = _snapshot()
    with pytest.raises(ImportFailed) as failure:
        run(path, org, user)
    assert "nothing was written" in str(failure.value)
    assert _snapshot() == before, "a refused file writes nothing"
    return [str(problem) for problem in failure.value.report.errors]


def _snapshot():
    return (
        list(Area.objects.values_list("pk", "version", "population", "import_key")),
        list(StatusPeriod.objects.values_list("area_id", "status", "start_date", "end_date")),
    )


def history_of(name: str) -> list[tuple]:
    return list(
        StatusPeriod.objects.filter(area__name_en=name)
        .order_by("start_date")
        .values_list("status", "start_date", "end_date", "source")
    )


# New areas ---------------------------------------------------------------------------------------------------------


def test_a_dry_run_lists_new_areas_and_their_periods_and_writes_nothing(tmp_path, places, org_a, reporter):
    result = run(write(tmp_path, ZABADANI_LIST), org_a, reporter, dry_run=True)
    counts = result.report.counts
    assert counts["to create"] == 5 and counts["areas to create"] == 3 and counts["status periods to record"] == 5
    assert [(plan.row, plan.action) for plan in result.plans] == [(r, "create") for r in range(2, 7)]
    described = {plan.row: plan.describe() for plan in result.plans}
    assert described[2] == (
        "Madaya: new area Madaya (C2450; 38,000 people on 2016-10-31; besieged by GoS); "
        "hard to reach from 2015-01-01 (until 2015-07-01)"
    )
    assert described[3] == "Madaya: besieged from 2015-07-01 (current)"
    assert not Area.objects.exists() and not StatusPeriod.objects.exists()


def test_commit_creates_each_area_with_its_history_placed_in_admin_areas(tmp_path, places, org_a, reporter):
    result = run(write(tmp_path, ZABADANI_LIST), org_a, reporter)
    assert result.report.counts["created"] == 5 and result.report.counts["areas created"] == 3
    madaya = Area.objects.get(name_en="Madaya")
    assert madaya.name_ar == "مضايا" and list(madaya.communities.all()) == [places["madaya"]]
    assert (madaya.latitude, madaya.longitude) == (33.6901, 36.0963), "placed at its community's point"
    assert madaya.governorate == places["gov"] and madaya.admin3 == places["sub"]
    assert (madaya.population, madaya.population_date) == (38_000, D(2016, 10, 31))
    assert madaya.population_source == "OCHA besieged list"
    assert list(madaya.besieging_parties.all()) == [places["GoS"]]
    assert history_of("Madaya") == [
        (H, D(2015, 1, 1), D(2015, 7, 1), "OCHA hard-to-reach list"),
        (B, D(2015, 7, 1), None, "OCHA besieged list"),
    ]
    assert history_of("Az-Zabdani")[0][:3] == (H, D(2014, 6, 1), D(2015, 7, 1))
    period = StatusPeriod.objects.filter(area=madaya).first()
    assert period.organization == org_a and period.recorded_by == reporter
    assert period.history.get().history_user == reporter


def test_reimporting_the_same_file_changes_nothing(tmp_path, places, org_a, reporter):
    run(write(tmp_path, ZABADANI_LIST), org_a, reporter)
    before = _snapshot()
    history_rows = Area.history.count() + StatusPeriod.history.count()
    result = run(write(tmp_path, ZABADANI_LIST), org_a, reporter)
    assert result.report.counts["unchanged (skipped)"] == 5
    assert result.report.counts["created"] == result.report.counts["updated"] == 0
    assert result.report.counts["status periods recorded"] == 0
    assert result.plans[0].describe() == (
        "Madaya: already recorded: hard to reach from 2015-01-01 (until 2015-07-01, source: OCHA hard-to-reach list)"
    )
    assert _snapshot() == before
    assert Area.history.count() + StatusPeriod.history.count() == history_rows, "no history without a change"


def test_an_xlsx_with_date_cells_is_read(tmp_path, places, org_a, reporter):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Area", "Status", "Since", "Source"])
    sheet.append(["Madaya", "Besieged", datetime.datetime(2015, 7, 1), "OCHA besieged list"])
    path = tmp_path / "areas.xlsx"
    workbook.save(path)
    result = run(path, org_a, reporter)
    assert history_of("Madaya") == [(B, D(2015, 7, 1), None, "OCHA besieged list")]
    assert "WARNING row 2: Madaya has no point and no community with one, so it will not be on the map" in str(
        result.report.warnings[0]
    )


# Existing areas ----------------------------------------------------------------------------------------------------


def test_a_later_period_ends_the_current_one(tmp_path, madaya, places, org_a, reporter):
    text = (
        HEADER
        + "Madaya,,,besieged,2015-07-01,,OCHA besieged list,,,\n"
        + "Madaya,,,accessible,2017-04-14,,UN evacuation report,40000,2017-04-30,GoS;ISIL\n"
    )
    dry = run(write(tmp_path, text), org_a, reporter, dry_run=True)
    assert [(plan.action, plan.record_id) for plan in dry.plans] == [("unchanged", madaya.pk), ("update", madaya.pk)]
    assert dry.plans[1].describe() == (
        "Madaya: besieging parties GoS → GoS, ISIL; population 38,000 → 40,000 on 2017-04-30; "
        "accessible from 2017-04-14 (current), ending besieged since 2015-07-01"
    )
    run(write(tmp_path, text), org_a, reporter)
    assert history_of("Madaya")[1:] == [
        (B, D(2015, 7, 1), D(2017, 4, 14), "OCHA list"),
        (A, D(2017, 4, 14), None, "UN evacuation report"),
    ]
    madaya.refresh_from_db()
    assert (madaya.population, madaya.population_date, madaya.population_source) == (
        40_000,
        D(2017, 4, 30),
        "UN evacuation report",
    )
    assert {p.short_name for p in madaya.besieging_parties.all()} == {"GoS", "ISIL"}


def test_an_older_period_fills_a_gap_in_the_history(tmp_path, madaya, org_a, reporter):
    text = (
        "name,status,from,to,source\n"
        "Madaya,military encircled,2014-03-01,2015-01-01,OCHA 2014 list\n"
        "Madaya,hard to reach,2015-01-01,2015-07-01,OCHA list\n"
    )
    result = run(write(tmp_path, text), org_a, reporter)
    assert [plan.action for plan in result.plans] == ["update", "unchanged"]
    assert result.plans[0].describe() == "Madaya: adds military encircled from 2014-03-01 (until 2015-01-01)"
    assert history_of("Madaya")[0] == (M, D(2014, 3, 1), D(2015, 1, 1), "OCHA 2014 list")
    assert len(history_of("Madaya")) == 3


def test_a_later_row_of_the_same_status_is_already_recorded(tmp_path, madaya, org_a, reporter):
    """A newer besieged list that names Madaya again confirms what the register holds."""
    result = run(
        write(tmp_path, "name,status,since,source\nMadaya,besieged,2016-10-31,OCHA Oct 2016\n"), org_a, reporter
    )
    assert result.plans[0].action == "unchanged"
    assert "already recorded: besieged from 2015-07-01 (current" in result.plans[0].describe()


def test_areas_are_matched_by_id_key_name_or_community(tmp_path, madaya, places, org_a, reporter):
    Area.objects.filter(pk=madaya.pk).update(import_key="C2450")
    text = (
        "area id,key,name,communities,status,start,source\n"
        f"{madaya.pk},,,,besieged,2015-07-01,x\n"
        ",C2450,,,besieged,2015-07-01,x\n"
        ",,MADAYA,,besieged,2015-07-01,x\n"
        ",,,C2450,besieged,2015-07-01,x\n"
    )
    result = run(write(tmp_path, text), org_a, reporter, dry_run=True)
    assert [(plan.action, plan.record_id) for plan in result.plans] == [("unchanged", madaya.pk)] + [
        ("duplicate", madaya.pk)
    ] * 3, "the later rows give the same period of the same area"


def test_a_new_key_is_kept_on_a_matched_area_for_later_files(tmp_path, madaya, org_a, reporter):
    result = run(write(tmp_path, "key,name,status,start,source\nMAD-1,Madaya,besieged,2015-07-01,x\n"), org_a, reporter)
    assert result.plans[0].describe() == (
        "Madaya: keeps the key MAD-1 for later imports; already recorded: besieged from 2015-07-01 "
        "(current, source: OCHA list)"
    )
    madaya.refresh_from_db()
    assert madaya.import_key == "MAD-1"
    again = run(write(tmp_path, "key,status,start,source\nMAD-1,besieged,2015-07-01,x\n"), org_a, reporter)
    assert again.plans[0].record_id == madaya.pk and again.plans[0].action == "unchanged"


def test_an_area_without_a_name_is_created_from_its_community(tmp_path, places, org_a, reporter):
    run(write(tmp_path, "pcode,status,start,source\nC2449,besieged,2015-07-01,OCHA\n"), org_a, reporter)
    bqine = Area.objects.get()
    assert bqine.name_en == "Bqine" and bqine.latitude == 33.7011 and bqine.governorate == places["gov"]


def test_details_that_differ_from_the_register_are_kept_and_said(tmp_path, madaya, places, org_a, reporter):
    text = (
        "name,name_ar,communities,latitude,longitude,status,start,source,population,population date\n"
        "Madaya,مضايا,C2450;C2449,33.7,36.2,besieged,2015-07-01,x,30000,2016-01-01\n"
    )
    result = run(write(tmp_path, text), org_a, reporter)
    assert result.plans[0].action == "update"
    assert result.plans[0].describe().startswith("Madaya: adds the Arabic name مضايا;")
    warnings = " ".join(str(w) for w in result.report.warnings)
    assert "column 'communities': found 'C2449;C2450': the register has C2450; kept" in warnings
    assert "column 'latitude': found '33.7, 36.2': the register has 33.6901, 36.0963; kept" in warnings
    assert "the register's estimate for Madaya (38,000 on 2016-10-31) is newer; kept" in warnings
    madaya.refresh_from_db()
    assert madaya.name_ar == "مضايا" and madaya.latitude == 33.6901 and madaya.population == 38_000


# Values ------------------------------------------------------------------------------------------------------------


def test_arabic_status_words_and_three_date_formats(tmp_path, places, org_a, reporter):
    text = (
        "name,status,start,source\n"
        "Madaya,يصعب الوصول اليها,2015-01-01,OCHA\n"
        "Madaya,محاصر,01/07/2015,OCHA\n"
        "Bqine,مطوقة عسكرياً,1 Jul 2015,OCHA\n"
        "Bqine,يمكن الوصول إليها,19 Sep 2016,OCHA\n"
    )
    with pytest.raises(ImportFailed, match="'start'.*read two ways.*choose day/month or month/day"):
        run(write(tmp_path, text), org_a, reporter)
    run(write(tmp_path, text), org_a, reporter, plan={"date_order": {"start_date": "dmy"}})
    assert [p[:2] for p in history_of("Madaya")] == [(H, D(2015, 1, 1)), (B, D(2015, 7, 1))]
    assert [p[:2] for p in history_of("Bqine")] == [(M, D(2015, 7, 1)), (A, D(2016, 9, 19))]


def test_an_hxl_tagged_file_is_read_by_its_hashtags(tmp_path, places, org_a, reporter):
    text = (
        "Location,الاسم,Codes,Access,Since,Until,Reference,People,Counted,Besieging\n"
        "#loc+name,#loc+name+i_ar,#adm4+code,#status,#date+start,#date+end,#meta+source,#population,"
        "#date+population,#group+name+besieging\n"
        "Madaya,مضايا,C2450,Besieged,2015-07-01,,OCHA besieged list,38000,2016-10-31,Government of Syria and "
        "allied forces\n"
    )
    result = run(write(tmp_path, text), org_a, reporter)
    assert result.columns["status"] == "Access" and result.columns["name_ar"] == "الاسم"
    madaya = Area.objects.get()
    assert madaya.name_ar == "مضايا" and madaya.population == 38_000
    assert list(madaya.besieging_parties.all()) == [places["GoS"]]
    assert history_of("Madaya") == [(B, D(2015, 7, 1), None, "OCHA besieged list")]


def test_parties_are_split_on_commas_semicolons_and_the_arabic_comma(tmp_path, places, org_a, reporter):
    text = (
        "name,status,start,source,besieged by\n"
        'Yarmuk,besieged,2013-07-01,OCHA,"GoS، ISIL"\n'
        "Foah,besieged,2015-03-28,OCHA,AOG; ISIL\n"
    )
    run(write(tmp_path, text), org_a, reporter)
    yarmuk = Area.objects.get(name_en="Yarmuk")
    assert {p.short_name for p in yarmuk.besieging_parties.all()} == {"GoS", "ISIL"}
    assert {p.short_name for p in Area.objects.get(name_en="Foah").besieging_parties.all()} == {"AOG", "ISIL"}


def test_an_unknown_party_is_an_error_that_lists_the_known_ones(tmp_path, places, org_a, reporter):
    text = "name,status,start,source,besieged by\nFoah,besieged,2015-03-28,OCHA,AOG;Jaish al-Fatah\n"
    (error,) = refused(write(tmp_path, text), org_a, reporter)
    assert "row 2, column 'besieged by': found 'Jaish al-Fatah': no party has this name or short name" in error
    assert "Armed opposition groups (AOG); Government of Syria and allied forces (GoS)" in error


def test_a_missing_source_is_an_error_that_says_so(tmp_path, places, org_a, reporter):
    (error,) = refused(write(tmp_path, "name,status,start,source\nMadaya,besieged,2015-07-01,\n"), org_a, reporter)
    assert "row 2, column 'source': the source is missing" in error and "there is no default" in error
    with pytest.raises(ImportFailed, match="no source column .* Map it, e.g. --map source=YOUR_COLUMN"):
        run(write(tmp_path, "name,status,start\nMadaya,besieged,2015-07-01\n"), org_a, reporter)


def test_bad_values_are_reported_by_row_and_column_with_what_is_expected(tmp_path, places, org_a, reporter):
    text = (
        "name,communities,status,start,end,source,population\n"
        "Madaya,C2450,under control,2015-07-01,,OCHA,\n"
        "Bqine,SY030703,besieged,2015-02-30,,OCHA,\n"
        "Az-Zabdani,C9999,besieged,2015-07-01,2015-06-01,OCHA,750\n"
    )
    errors = refused(write(tmp_path, text), org_a, reporter)
    joined = "\n".join(errors)
    assert "row 2, column 'status': found 'under control': expected besieged, military encircled" in joined
    assert "row 3, column 'communities': found 'SY030703': Madaya is a sub-district, not a community" in joined
    assert "row 3, column 'start': found '2015-02-30': expected a date such as 2016-09-19" in joined
    assert "row 4, column 'communities': found 'C9999': no admin area has this P-code" in joined
    assert "row 4, column 'end': found '2015-06-01': the end must be after the start (2015-07-01)" in joined
    assert "row 4, column 'population date': a population needs the date it was estimated" in joined


# Rows that repeat or clash -----------------------------------------------------------------------------------------


def test_a_repeated_row_and_a_row_that_only_continues_a_status_are_skipped(tmp_path, places, org_a, reporter):
    text = (
        "name,status,start,source\n"
        "Madaya,besieged,2015-07-01,OCHA\n"
        "Madaya,besieged,2015-07-01,OCHA\n"
        "Madaya,besieged,2016-10-31,OCHA October 2016\n"
    )
    result = run(write(tmp_path, text), org_a, reporter)
    assert [plan.action for plan in result.plans] == ["create", "duplicate", "duplicate"]
    warnings = [str(w) for w in result.report.warnings]
    assert "WARNING row 3: skipped: it repeats row 2 exactly." in warnings
    assert any("row 4: skipped: it continues row 2's period (besieged)" in w for w in warnings)
    assert history_of("Madaya") == [(B, D(2015, 7, 1), None, "OCHA")]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            "Madaya,besieged,2015-03-01,,x",
            "row 2, column 'start': found '2015-03-01': it clashes with the register's period hard to reach from "
            "2015-01-01 (until 2015-07-01, source: OCHA list); the import never changes a stored period: correct the "
            "row, or have a site administrator correct the stored period first",
        ),
        (
            "Madaya,accessible,2015-07-01,,x",
            "row 2, column 'start': found '2015-07-01': it clashes with the register's period besieged from "
            "2015-07-01 (current",
        ),
        (
            "Madaya,military encircled,2014-01-01,2015-02-01,x",
            "row 2, column 'end': found '2015-02-01': it overlaps the register's period hard to reach from 2015-01-01",
        ),
        (
            "Madaya,hard to reach,2015-01-01,2015-08-01,x",
            "row 2, column 'end': found '2015-08-01': the register has hard to reach from 2015-01-01 (until "
            "2015-07-01, source: OCHA list), but this row ends on 2015-08-01",
        ),
        (
            "Madaya,hard to reach,2015-01-01,,x",
            "row 2, column 'start': found '2015-01-01': it says the area is still hard to reach (no end, and no later "
            "row), but the register has hard to reach from 2015-01-01 (until 2015-07-01, source: OCHA list); give "
            "the row its end date 2015-07-01",
        ),
        (
            "Madaya,besieged,2015-07-01,2016-10-01,x",
            "row 2, column 'end': found '2016-10-01': it ends on 2016-10-01, but no row says what the status was from "
            "then",
        ),
        (
            "Madaya,accessible,2017-04-14,2017-05-01,x\nMadaya,hard to reach,2017-06-01,,x",
            "row 2, column 'end': found '2017-05-01': it ends on 2017-05-01, but row 3's change starts on 2017-06-01",
        ),
    ],
    ids=[
        "starts-inside-a-stored-period",
        "changes-on-the-current-start",
        "older-period-runs-into-stored",
        "ends-later-than-stored",
        "still-current-but-stored-ended",
        "ends-current-without-next-status",
        "gap-after-a-change",
    ],
)
def test_a_row_that_would_change_the_stored_history_is_refused(tmp_path, madaya, org_a, reporter, rows, expected):
    errors = refused(write(tmp_path, "name,status,start,end,source\n" + rows + "\n"), org_a, reporter)
    assert any(expected in error for error in errors), errors


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            "Madaya,besieged,2015-07-01,2016-01-01,x\nMadaya,accessible,2015-12-01,,x",
            "row 2, column 'end': found '2016-01-01': this period overlaps row 3's (accessible from 2015-12-01)",
        ),
        (
            "Madaya,besieged,2015-07-01,,x\nMadaya,accessible,2015-07-01,,y",
            "row 3, column 'start': found '2015-07-01': row 2 also starts a period of this area on 2015-07-01",
        ),
    ],
    ids=["overlapping-rows", "same-start"],
)
def test_rows_of_one_area_that_overlap_are_refused_naming_both(tmp_path, places, org_a, reporter, rows, expected):
    errors = refused(write(tmp_path, "name,status,start,end,source\n" + rows + "\n"), org_a, reporter)
    assert any(expected in error for error in errors), errors


def test_one_bad_area_stops_the_whole_file_and_the_preview_shows_each_row(tmp_path, madaya, places, org_a, reporter):
    text = (
        "name,status,start,end,source\n"
        "Bqine,besieged,2015-07-01,,OCHA\n"
        "Madaya,besieged,2015-07-01,,x\n"
        "Madaya,military encircled,2014-01-01,2015-02-01,x\n"
    )
    with pytest.raises(ImportFailed) as failure:
        run(write(tmp_path, text), org_a, reporter)
    preview = failure.value.result.preview()
    assert [(row["row"], row["action"]) for row in preview] == [(2, "create"), (3, "unchanged"), (4, "error")]
    assert not Area.objects.filter(name_en="Bqine").exists()


def test_a_row_that_renames_a_matched_area_is_refused(tmp_path, madaya, org_a, reporter):
    text = f"area id,name,status,start,source\n{madaya.pk},Madaya town,besieged,2015-07-01,x\n"
    (error,) = refused(write(tmp_path, text), org_a, reporter)
    assert f"the area with id {madaya.pk} is named 'Madaya'; the import does not rename areas" in error
    (error,) = refused(write(tmp_path, "area id,status,start,source\n99999,besieged,2015-07-01,x\n"), org_a, reporter)
    assert "no area of the register has this id" in error


# Who, how and where ------------------------------------------------------------------------------------------------


def test_a_reporter_of_another_organization_may_not_import(tmp_path, places, org_a, outsider):
    with pytest.raises(ImportFailed, match="may not import besieged areas for ALPHA"):
        run(write(tmp_path, ZABADANI_LIST), org_a, outsider)
    assert not Area.objects.exists()


def test_the_command_checks_then_imports_and_saves_a_mapping(tmp_path, places, org_a, reporter):
    text = "Location,Situation,Besieged since,Reference\nMadaya,besieged,2015-07-01,OCHA besieged list\n"
    args = [str(write(tmp_path, text)), "--organization=ALPHA", f"--user={reporter.username}"]
    mapping = ["--map=name_en=Location", "--map=status=Situation", "--map=start_date=Besieged since"]
    out = io.StringIO()
    call_command("import_areas", *args, *mapping, "--map=source=Reference", "--dry-run", stdout=out)
    assert "  row 2: create: Madaya: new area Madaya (no point); besieged from 2015-07-01 (current)\n" in out.getvalue()
    assert "Dry run, nothing written." in out.getvalue()
    assert not Area.objects.exists()
    call_command("import_areas", *args, *mapping, "--map=source=Reference", "--save-mapping=OCHA list")
    assert history_of("Madaya") == [(B, D(2015, 7, 1), None, "OCHA besieged list")]
    saved = ColumnMapping.objects.get(name="OCHA list", kind="areas")
    assert saved.columns["start_date"] == "Besieged since"
    later = "Location,Situation,Besieged since,Reference\nBqine,besieged,2015-07-01,OCHA besieged list\n"
    call_command("import_areas", str(write(tmp_path, later, "next.csv")), *args[1:], "--mapping=OCHA list")
    assert Area.objects.filter(name_en="Bqine").exists()
    with pytest.raises(CommandError, match="no saved column mapping of besieged areas named 'Nope'"):
        call_command("import_areas", *args, "--mapping=Nope")


def test_every_run_is_recorded_with_its_counts(tmp_path, places, org_a, reporter):
    record, report, result = import_table_recorded(
        "areas", write(tmp_path, ZABADANI_LIST), display="areas.csv", organization=org_a, by=reporter,
        dry_run=False, options={},
    )  # fmt: skip
    record = ImportRun.objects.get(pk=record.pk)
    assert record.status == ImportStatus.SUCCEEDED and record.kind == "areas"
    assert record.counts["created"] == 5 and record.counts["areas created"] == 3 and record.rows_done == 5
    assert [row["action"] for row in record.preview] == ["create"] * 5


def test_a_service_that_refuses_while_writing_undoes_every_area_already_written(
    tmp_path, places, org_a, reporter, monkeypatch
):
    """The check and the services agree, but should the register change between them, nothing is half-written."""
    from aidtrack.areas.importers import importer

    calls = []

    def refuse_the_third(**kwargs):
        calls.append(kwargs["area"].name_en)
        if len(calls) == 3:
            raise ValidationError("This period overlaps another period of Bqine.")
        return status_period_add(**kwargs)

    monkeypatch.setattr(importer, "status_period_add", refuse_the_third)
    with pytest.raises(ImportFailed, match="Bqine: This period overlaps another period of Bqine; nothing was written"):
        run(write(tmp_path, ZABADANI_LIST), org_a, reporter)
    assert calls == ["Madaya", "Madaya", "Bqine"]
    assert not Area.objects.exists() and not StatusPeriod.objects.exists()


def test_the_readme_example_imports_as_described(tmp_path, places, org_a, reporter):
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    example = readme.split("```csv\n", 1)[1].split("```", 1)[0]
    community("C3905", 35.9820, 36.7036, name="Foah")
    PartyFactory(name="Jabhat Fateh al-Sham (formerly Jabhat al-Nusra)", short_name="JFS")
    result = run(write(tmp_path, example), org_a, reporter)
    assert result.report.counts["areas created"] == 2 and not result.report.problems
    assert [p[:3] for p in history_of("Madaya")] == [(H, D(2015, 1, 1), D(2015, 7, 1)), (B, D(2015, 7, 1), None)]
    foah = Area.objects.get(name_en="Foah")
    assert foah.name_ar == "الفوعة" and foah.population == 12_800
    assert {p.short_name for p in foah.besieging_parties.all()} == {"AOG", "JFS"}
    assert history_of("Foah") == [(B, D(2015, 3, 28), None, "OCHA besieged list")]


def test_a_key_given_on_one_row_finds_the_area_on_the_others(tmp_path, madaya, places, org_a, reporter):
    text = (
        "key,name,status,start,source\n"
        "MAD-1,Madaya,besieged,2015-07-01,OCHA\n"
        "MAD-1,,accessible,2017-04-14,UN\n"
        "BQ-1,Bqine,besieged,2015-07-01,OCHA\n"
        "BQ-1,,accessible,2017-04-14,UN\n"
        ",Bqine,accessible,2017-04-14,UN\n"
    )
    result = run(write(tmp_path, text), org_a, reporter)
    assert [plan.action for plan in result.plans] == ["update", "update", "create", "create", "duplicate"]
    assert [p[0] for p in history_of("Madaya")] == [H, B, A]
    assert [p[:3] for p in history_of("Bqine")] == [(B, D(2015, 7, 1), D(2017, 4, 14)), (A, D(2017, 4, 14), None)]
    assert Area.objects.get(name_en="Bqine").import_key == "BQ-1"


def test_an_older_row_without_an_end_is_told_where_to_end(tmp_path, madaya, org_a, reporter):
    (error,) = refused(
        write(tmp_path, "name,status,start,source\nMadaya,military encircled,2014-03-01,x\n"), org_a, reporter
    )
    assert "it overlaps the register's period hard to reach from 2015-01-01" in error
    assert "it has no end and no later row, so it would still be current: end it by 2015-01-01" in error


def test_a_download_of_the_register_with_a_source_added_imports_as_unchanged(tmp_path, madaya, org_a, reporter):
    """The areas CSV download (with its HXL row) reads back: matched by id, nothing to change."""
    client = APIClient()
    client.force_authenticate(reporter)
    response = client.get("/api/v1/areas/?format=csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    lines = [lines[0] + ",source", lines[1] + ",#meta+source", *(line + ",OCHA" for line in lines[2:])]
    result = run(write(tmp_path, "\n".join(lines) + "\n"), org_a, reporter)
    assert result.columns["area_id"] == "id" and result.columns["start_date"] == "status_since"
    assert [(plan.action, plan.record_id) for plan in result.plans] == [("unchanged", madaya.pk)]
    assert not result.report.problems


def test_besieging_parties_may_be_named_in_arabic(tmp_path, places, org_a, reporter):
    gos = places["GoS"]
    gos.name_ar, gos.short_name_ar = "الحكومة السورية والقوات الحليفة", "الحكومة السورية"
    gos.save()
    text = HEADER + "Madaya,مضايا,C2450,besieged,2015-07-01,,OCHA besieged list,38000,2016-10-31,الحكومة السورية\n"
    run(write(tmp_path, text), org_a, reporter)
    assert list(Area.objects.get().besieging_parties.all()) == [gos]
