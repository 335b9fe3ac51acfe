"""Public datasets on Syria imported as a data officer would, without editing the file: what lands, what is left
out and why. The files are built by ``tests.imports.published`` in the publishers' own shapes."""

import pytest

from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.imports.report import ImportFailed
from aidtrack.imports.tables import iter_table
from aidtrack.imports.values import parse_date
from aidtrack.incidents.importers import import_incidents
from aidtrack.incidents.importers.presets import PRESETS
from aidtrack.incidents.models import Incident
from aidtrack.violence.importer import import_conflict_events
from aidtrack.violence.models import ConflictEvent
from tests.factories import square
from tests.imports import published


def preset(name):
    return {"columns": {}, **PRESETS[name]["plan"]}


@pytest.fixture
def idleb(geography):
    country = geography["gov"].parent
    return AdminArea.objects.create(
        pcode="SY07", level=AdminLevel.GOVERNORATE, name_en="Idleb", parent=country, geometry=square(36, 35)
    )


def run(path, org, user, **kwargs):
    return import_incidents(str(path), organization=org, by=user, **kwargs)


def test_insecurity_insight_health_care_workbook_lands_with_its_preset(
    tmp_path, geography, idleb, party, org_a, reporter
):
    path = published.shcc_health_xlsx(tmp_path / "2016-syria-attacks-on-health-care.xlsx")
    result = run(path, org_a, reporter, dry_run=True, saved_mapping=preset("insecurity-insight"))
    plan = {entry["column"]: entry for entry in result.column_plan}
    # The hashtags "#affected +healthworker +killed" are health workers, never people killed.
    assert plan["Health Workers Killed"]["field"] == "aid_workers_killed"
    assert plan["Health Workers Injured"]["field"] == "aid_workers_injured"
    # "#group +perp +name" is who; "#group +perp" only its kind ("State Military").
    assert plan["Reported Perpetrator Name"]["field"] == "perpetrator"
    assert plan["Reported Perpetrator"]["status"] == "ignored"
    assert plan["Number of Attacks on Health Facilities Reporting Destruction"]["field"] == "facilities_destroyed"
    assert plan["Number of Attacks on Health Facilities Reporting Damaged"]["field"] == "facilities_damaged"
    unknown = {u["value"]: u["suggestion"] for u in plan["Reported Perpetrator Name"]["unknown"]}
    assert set(unknown) == {"Syrian Arab Armed Forces", "Russian Armed Forces"}

    recodings = {**preset("insecurity-insight")["recodings"], "perpetrator": {"Syrian Arab Armed Forces": party.name}}
    result = run(path, org_a, reporter, saved_mapping=preset("insecurity-insight"), plan={"recodings": recodings})
    assert result.report.counts["created"] == 5
    by_id = {i.external_id: i for i in Incident.objects.all()}
    clinic = by_id["20161"]
    assert (clinic.latitude, clinic.geo_precision, clinic.category) == (33.69, 1, "5")
    assert clinic.aid_workers_killed == 2 and clinic.people_killed == 0 and clinic.facilities_damaged == 1
    assert clinic.perpetrator == party and clinic.weapon == "Aerial Bomb"
    assert len(clinic.public_summary) > 1000, "a long description is kept whole"
    assert clinic.title.startswith("In Madaya"), "the date that starts the description is not repeated"
    nurse = by_id["20162"]
    assert nurse.geo_precision == 2 and nurse.aid_workers_injured == 1 and nurse.aid_workers_abducted == 1
    assert nurse.vehicles_damaged == 1 and nurse.perpetrator is None and nurse.perpetrator_text == ""
    country = by_id["20163"]
    assert country.stated_area.pcode == "SY" and country.admin1 is None and country.latitude is None
    assert country.aid_workers_detained == 2
    hospital = by_id["20164"]
    assert hospital.stated_area == geography["gov"] and hospital.latitude is None, "'Rif Dimashq' is Rural Damascus"
    assert hospital.facilities_destroyed == 1 and hospital.perpetrator_text == "Russian Armed Forces"
    censored = by_id["20165"]
    assert censored.stated_area == idleb and censored.geo_precision == 3, "coordinates withheld: its governorate"
    source = censored.sources.get()
    assert source.name == "Insecurity Insight" and "CC BY 4.0" in source.licence


def test_insecurity_insight_aid_worker_csv_with_bom_us_dates_and_a_repeated_row(tmp_path, geography, org_a, reporter):
    path = published.kika_csv(tmp_path / "2016-syria-aid-worker-kika.csv")
    result = run(path, org_a, reporter, saved_mapping=preset("insecurity-insight"))
    assert result.report.counts["created"] == 3 and result.report.counts["duplicates (skipped)"] == 1
    assert any("month/day/year" in note for note in result.report.notes)
    by_id = {i.external_id: i for i in Incident.objects.all()}
    assert by_id["30001"].aid_workers_killed == 3 and by_id["30001"].people_killed == 0
    assert by_id["30002"].occurred_on.isoformat() == "2016-09-21" and by_id["30002"].aid_workers_abducted == 2
    assert by_id["30003"].aid_workers_detained == 1 and by_id["30003"].stated_area.pcode == "SY"
    assert by_id["30003"].weapon == "", "N/A is no weapon"


def test_the_full_aid_worker_security_database_export_keeps_syria_and_says_what_it_left_out(
    tmp_path, geography, org_a, reporter
):
    path = published.awsd_csv(tmp_path / "security_incidents.csv")
    result = run(path, org_a, reporter, saved_mapping=preset("awsd"))
    assert result.report.counts["created"] == 3 and result.report.counts["in another country (left out)"] == 1
    assert any("Afghanistan (1)" in note for note in result.report.notes)
    assert not Incident.objects.filter(external_id="2480").exists()
    convoy = Incident.objects.get(external_id="2461")
    assert convoy.national_aid_workers_killed == 12 and convoy.perpetrator_text == "Government of Syria"
    assert Incident.objects.get(external_id="2470").stated_area == geography["gov"], "Region 'Rif Dimashq'"
    nowhere = Incident.objects.get(external_id="2475")
    assert nowhere.stated_area.pcode == "SY" and nowhere.geo_precision == 3, "only the country: known to it"


def test_an_acled_export_re_shared_on_hdx_loads_as_conflict_events(tmp_path, geography):
    path = published.acled_csv(tmp_path / "conflict_data_syr.csv")
    import_conflict_events(str(path))
    events = {e.event_id: e for e in ConflictEvent.objects.all()}
    assert set(events) == {"SYR10001", "SYR10002"}
    assert events["SYR10001"].event_date.isoformat() == "2016-09-19" and events["SYR10001"].fatalities == 12


def test_an_hdx_file_with_arabic_places_trailing_blank_columns_and_an_empty_row(
    tmp_path, geography, party, org_a, reporter
):
    path = published.hdx_csv(tmp_path / "access-incidents.csv")
    with pytest.raises(ImportFailed) as refused:
        run(path, org_a, reporter, saved_mapping=preset("hdx-hxl") | {"refused_rows": "refuse"})
    problems = [f"{p.where}: {p.message}" for p in refused.value.report.errors]
    assert problems == [
        "row 4, column 'Constraint type': found 'Interference in implementation': expected one of 1, 2, 3, 4, 5, 6, 7, "
        "8, 9, other (the code, or its label in English or Arabic)."
    ], "the empty row is no row"
    plan = {entry["column"]: entry for entry in refused.value.result.column_plan}
    assert plan["Constraint type"]["unknown"] == [{"value": "Interference in implementation", "suggestion": "4"}]
    recodings = {"category": {"Interference in implementation": "4"}}
    result = run(path, org_a, reporter, saved_mapping=preset("hdx-hxl"), plan={"recodings": recodings})
    assert result.report.counts["created"] == 3
    assert any("1 empty row" in note for note in result.report.notes)
    shelling = Incident.objects.get(public_summary="Shelling")
    assert (shelling.people_killed, shelling.aid_workers_killed, shelling.category) == (3, 1, "7")
    assert Incident.objects.get(public_summary="Checkpoint refused passage").category == "4"
    delayed = Incident.objects.get(public_summary="Convoy delayed at checkpoint")
    assert delayed.category == "3" and delayed.stated_area == geography["madaya"]


def test_an_ocha_access_monitoring_sheet_with_a_title_above_its_header(tmp_path, geography, org_a, reporter):
    path = published.access_xlsx(tmp_path / "access-monitoring-q3-2016.xlsx")
    result = run(path, org_a, reporter, plan={"constants": {"source_name": "OCHA access monitoring"}})
    assert result.report.counts["created"] == 3
    assert any("header is on row 3" in note and "Q3 2016" in note for note in result.report.notes)
    checkpoint = Incident.objects.get(external_id="AC-2016-0091")
    assert checkpoint.category == "3" and checkpoint.access_effect == "delayed"
    assert checkpoint.stated_area == geography["madaya"] and checkpoint.occurred_on.isoformat() == "2016-09-19"
    sniper = Incident.objects.get(external_id="AC-2016-0092")
    assert sniper.category == "5" and sniper.access_effect == "suspended" and sniper.stated_area == geography["gov"]
    assert Incident.objects.get(external_id="AC-2016-0093").category == "1"


def test_a_csv_with_a_title_line_keeps_the_rows_numbered_as_the_file(tmp_path):
    path = tmp_path / "titled.csv"
    path.write_text("Access incidents 2016,,\n\nDate,Place,Killed\n2016-09-19,Madaya,1\n", encoding="utf-8")
    (table,) = iter_table(path, "titled.csv")
    assert list(table.frame.columns) == ["Date", "Place", "Killed"]
    assert (table.header_row, table.first_row, table.above) == (3, 4, ("Access incidents 2016",))


@pytest.mark.parametrize(
    "text",
    ["9/19/2016 0:00", "2016-09-19T00:00:00Z", "19 Sept 2016", "2016-09-19 10:30", "19/09/2016 10:30 AM"],
)
def test_dates_with_a_time_after_them_are_read(text):
    assert parse_date(text, "mdy" if text.startswith("9/") else "dmy").isoformat() == "2016-09-19"


def test_the_command_line_shows_the_plan_and_takes_recodings_values_and_refused_rows(
    tmp_path, geography, party, org_a, reporter
):
    import io
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = published.hdx_csv(tmp_path / "access-incidents.csv")
    common = ["import_incidents", str(path), "--organization=ALPHA", f"--user={reporter.username}"]
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(*common, "--dry-run", stdout=out, stderr=io.StringIO())
    shown = out.getvalue()
    assert "'Constraint type' -> category" in shown and "'Interference in implementation' (suggested: 4)" in shown
    assert "Unnamed" not in shown, "the trailing empty columns are no columns"

    out = io.StringIO()
    call_command(*common, "--skip-refused", "--set=visibility=restricted", stdout=out, stderr=io.StringIO())
    assert "2 created" in out.getvalue() and "1 rows refused (left out)" in out.getvalue()
    assert set(Incident.objects.values_list("visibility", flat=True)) == {"restricted"}

    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"recodings": {"category": {"Interference in implementation": "4"}}}))
    call_command(*common, f"--plan={plan}", stdout=io.StringIO())
    assert Incident.objects.get(public_summary="Checkpoint refused passage").category == "4"
    with pytest.raises(CommandError, match="--set 'colour=red': write it as FIELD=VALUE"):
        call_command(*common, "--set=colour=red")
    plan.write_text("[1, 2]")
    with pytest.raises(CommandError, match="expected a JSON object"):
        call_command(*common, f"--plan={plan}")


def test_csv_columns_without_a_name_are_dropped_when_empty_and_refused_when_a_later_chunk_fills_them(tmp_path):
    path = tmp_path / "trailing.csv"
    path.write_text("Date,Place,,\n2016-09-19,Madaya,,\n2016-09-20,Madaya,,late\n", encoding="utf-8")
    first = next(iter_table(path, "trailing.csv", chunk_rows=1))
    assert list(first.frame.columns) == ["Date", "Place"]
    with pytest.raises(ImportFailed, match="have data but no name"):
        list(iter_table(path, "trailing.csv", chunk_rows=1))


def test_a_workbook_with_empty_rows_names_its_rows_as_the_sheet_does(tmp_path, geography, org_a, reporter):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Access incidents, September 2016"])
    sheet.append([])
    sheet.append(["Date", "Category", "Community", "Description"])
    sheet.append(["2016-09-19", "3", "Madaya", "Convoy held"])
    sheet.append([])
    sheet.append([])
    sheet.append(["2016-09-20", "Not a category", "Madaya", "Row to fix"])
    sheet.append([])
    path = tmp_path / "log.xlsx"
    book.save(path)
    with pytest.raises(ImportFailed) as refused:
        run(path, org_a, reporter)
    assert [p.where for p in refused.value.report.errors] == ["row 7, column 'Category'"]
    assert any("2 empty row(s)" in note for note in refused.value.report.notes)


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_a_two_row_header_names_its_repeated_columns_by_the_merged_cells_above(
    tmp_path, geography, org_a, reporter, suffix
):
    import openpyxl

    rows = [
        ["Syria access log", "", "", "", "", "", ""],
        ["", "", "People", "", "Aid workers", "", ""],
        ["Date", "Community", "Killed", "Injured", "Killed", "Injured", "Description"],
        ["2016-09-19", "Madaya", "3", "4", "1", "0", "Shelling"],
    ]
    path = tmp_path / f"log.{suffix}"
    if suffix == "xlsx":
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.active.merge_cells("C2:D2")
        book.active.merge_cells("E2:F2")
        book.save(path)
    else:
        path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
    result = run(path, org_a, reporter, plan={"constants": {"category": "7"}})
    assert result.columns["people_killed"] == "People Killed"
    assert result.columns["aid_workers_killed"] == "Aid workers Killed"
    shelling = Incident.objects.get()
    assert (shelling.people_killed, shelling.people_injured, shelling.aid_workers_killed) == (3, 4, 1)


def test_a_workbook_repeating_a_column_name_is_read_not_crashed_on(tmp_path, geography, org_a, reporter):
    import openpyxl

    book = openpyxl.Workbook()
    for row in [["Date", "Community", "Notes", "Notes"], ["2016-09-19", "Madaya", "a", "b"]]:
        book.active.append(row)
    path = tmp_path / "repeated.xlsx"
    book.save(path)
    (table,) = iter_table(path, "repeated.xlsx")
    assert list(table.frame.columns) == ["Date", "Community", "Notes", "Notes.1"]


def test_a_point_outside_the_country_is_said_at_the_check_and_swapped_coordinates_named(
    tmp_path, geography, org_a, reporter
):
    path = tmp_path / "points.csv"
    path.write_text(
        "Date,Category,Latitude,Longitude,Description\n"
        "2016-09-19,5,34.5553,69.2075,Kabul point\n"
        "2016-09-19,5,36.09,33.69,Swapped Madaya\n"
        "2016-09-19,5,33.69,36.09,Madaya\n",
        encoding="utf-8",
    )
    result = run(path, org_a, reporter, dry_run=True)
    warned = {p.where: p.message for p in result.report.problems}
    assert "lies outside the country: it will be in no governorate" in warned["row 2, column 'Latitude'"]
    assert "latitude and longitude look swapped" in warned["row 3, column 'Latitude'"]
    assert "row 4, column 'Latitude'" not in warned
