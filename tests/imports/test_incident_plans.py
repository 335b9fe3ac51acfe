"""A public HXL incident dataset imported as published: column plan, recodings, rules, precision, refused rows."""

import pytest

from aidtrack.imports.report import ImportFailed
from aidtrack.imports.table_runs import refused_rows
from aidtrack.incidents.importers import import_incidents
from aidtrack.incidents.models import Incident
from aidtrack.orgs.selectors import party_names

# Shaped like the health-care attack datasets NGOs publish on HDX: US dates, a precision in words, a perpetrator
# in the source's words, event types spread over count and yes/no columns, no category column.
HEADER = (
    "Date,Country,Admin 1,Latitude,Longitude,Geo Precision,Reported Perpetrator Name,Weapon Carried/Used,"
    "Health Worker Killed,Health Worker Kidnapped,Health Worker Arrested,Health Facilities Damaged,"
    "Aerial Bombardment,Event Description\n"
    "#date,#country+name,#adm1+name,#geo+lat,#geo+lon,#geo+precision,#group+perp,,,,,,,#description\n"
)
ROWS = [
    "09/19/2016,Syria,Rural Damascus,33.69,36.09,(1) Exact location,Government of Syria,Aerial bomb,2,0,0,1,Yes,"
    "Clinic hit",
    "09/05/2016,Syria,Rural Damascus,33.5,36.5,(3) Governorate,Unknown armed group,Gunfire,0,1,0,0,No,Nurse taken",
    "09/07/2016,Syria,,,,(4) Country,,,0,0,2,0,No,Two doctors held",
    "09/08/2016,Syria,,,,(1) Exact location,,,0,0,0,0,No,No place at all",
]
PLAN = {
    "recodings": {
        "geo_precision": {
            "(1) Exact location": "1",
            "(3) Governorate": "adm1",
            "(4) Country": "adm0",
        },
        "perpetrator": {"Government of Syria": "Government of Syria and allied forces"},
    },
    "rules": [
        {"field": "category", "value": "7", "column": "Aerial Bombardment", "test": "yes"},
        {"field": "category", "value": "5", "column": "Health Worker Kidnapped", "test": "nonzero"},
    ],
    "constants": {
        "category": "5",
        "source_name": "Attacks on health care, Insecurity Insight",
        "source_reference": "https://data.humdata.org/dataset/shcc-healthcare-syria",
        "source_licence": "CC BY 4.0: Insecurity Insight",
        "visibility": "restricted",
    },
    "date_order": {"occurred_on": "mdy"},
}


def write(tmp_path, rows=ROWS, name="attacks.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def run(path, org, user, **kwargs):
    return import_incidents(str(path), organization=org, by=user, **kwargs)


def test_the_column_plan_lists_every_column_with_samples_and_what_it_becomes(
    tmp_path, geography, party, org_a, reporter
):
    result = run(write(tmp_path), org_a, reporter, dry_run=True, plan={**PLAN, "refused_rows": "skip"})
    plan = {entry["column"]: entry for entry in result.column_plan}
    assert plan["Date"]["field"] == "occurred_on" and plan["Date"]["samples"][0] == "09/19/2016"
    assert plan["Weapon Carried/Used"]["field"] == "weapon"
    assert plan["Health Worker Kidnapped"]["field"] == "aid_workers_abducted"
    assert plan["Aerial Bombardment"]["status"] == "rule"
    assert plan["Country"]["field"] == "country"
    unknown = {u["value"]: u["suggestion"] for u in plan["Reported Perpetrator Name"]["unknown"]}
    assert unknown == {"Government of Syria": "Government of Syria and allied forces", "Unknown armed group": ""}


def test_precision_and_dates_are_honoured_and_nothing_is_lost(tmp_path, geography, party, org_a, reporter):
    result = run(write(tmp_path), org_a, reporter, plan={**PLAN, "refused_rows": "skip"})
    assert result.report.counts["created"] == 3 and result.report.counts["rows refused (left out)"] == 1
    by_day = {i.occurred_on.day: i for i in Incident.objects.all()}
    assert by_day[19].latitude == 33.69 and by_day[19].category == "7" and by_day[19].weapon == "Aerial bomb"
    assert by_day[19].perpetrator == party and by_day[19].aid_workers_killed == 2
    party.refresh_from_db()
    assert "Government of Syria" in party.aliases, "a recoding learned once is reused"
    assert by_day[19].facilities_damaged == 1
    assert by_day[5].latitude is None and by_day[5].stated_area == geography["gov"], "governorate only: no point"
    assert by_day[5].admin3 is None and by_day[5].geo_precision == 3
    assert by_day[5].perpetrator is None and by_day[5].perpetrator_text == "Unknown armed group"
    assert by_day[5].category == "5" and by_day[5].aid_workers_abducted == 1
    assert by_day[7].stated_area.pcode == "SY" and by_day[7].admin1 is None and by_day[7].admin3 is None
    assert by_day[7].aid_workers_detained == 2 and by_day[7].category == "5"
    source = by_day[7].sources.get()
    assert source.licence == "CC BY 4.0: Insecurity Insight" and source.reference.startswith("https://")


def test_refused_rows_are_kept_in_their_columns_with_the_problem(tmp_path, geography, party, org_a, reporter):
    from aidtrack.imports.table_runs import import_table_recorded

    record, _report, result = import_table_recorded(
        "incidents",
        write(tmp_path),
        display="attacks.csv",
        organization=org_a,
        by=reporter,
        dry_run=True,
        options={},
        plan={**PLAN, "refused_rows": "skip"},
    )
    refused = refused_rows(record)
    assert [row["row"] for row in refused] == [6]
    assert refused[0]["cells"]["Event Description"] == "No place at all" and "no place" in refused[0]["problem"]


def test_a_date_column_that_reads_two_ways_asks_and_one_that_does_not_is_read_as_it_says(
    tmp_path, geography, party, org_a, reporter
):
    ambiguous = [row for row in ROWS if not row.startswith("09/19")]
    with pytest.raises(ImportFailed, match="'Date'.*read two ways.*choose day/month or month/day"):
        run(write(tmp_path, ambiguous), org_a, reporter, dry_run=True)
    plan = {**PLAN, "refused_rows": "skip", "date_order": {}}
    result = run(write(tmp_path), org_a, reporter, dry_run=True, plan=plan)
    assert sorted(p.values.get("occurred_on").day for p in result.plans) == [5, 7, 19]
    assert any("month/day/year" in note for note in result.report.notes)
    with pytest.raises(ImportFailed, match="can only be read month first, but the plan says day first"):
        run(write(tmp_path), org_a, reporter, dry_run=True, plan={**plan, "date_order": {"occurred_on": "dmy"}})


def test_by_default_one_refused_row_refuses_the_file(tmp_path, geography, party, org_a, reporter):
    with pytest.raises(ImportFailed, match="nothing was written"):
        run(write(tmp_path), org_a, reporter, plan=PLAN)
    assert not Incident.objects.exists()


def test_saving_a_perpetrator_recoding_teaches_the_party_its_alias(party, reporter):
    from aidtrack.orgs.services import party_add_aliases

    party_add_aliases(party=party, aliases=["Government of Syria", "الحكومة السورية"], by=reporter)
    names = party_names()
    assert names["government of syria"][0] == party.pk and "الحكومه السوريه" in names


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"columns": {"occurred_on": "Day of event"}}, "'Day of event', which this file does not have"),
        ({"recodings": {"category": {"x": "12"}}}, "recoding of 'x' \\(category\\) gives category the value '12'"),
        ({"rules": [{"field": "category", "value": "5", "column": "Nope", "test": "yes"}]}, "reads the column 'Nope'"),
        (
            {"rules": [{"field": "category", "value": "9", "column": "Country", "test": "equals", "text": "Iraq"}]},
            "matched no row",
        ),
        ({"columns": {"occurred_on": ""}}, "gives no column for occurred_on"),
    ],
)
def test_a_plan_that_cannot_work_is_refused_naming_what_to_fix(tmp_path, geography, org_a, reporter, change, message):
    with pytest.raises(ImportFailed, match=message):
        run(write(tmp_path), org_a, reporter, dry_run=True, plan={**PLAN, **change})


def test_reimporting_changes_in_bulk_sends_a_reviewed_incident_back_and_the_same_file_is_unchanged(
    tmp_path, geography, party, org_a, reporter, reviewer
):
    from aidtrack.incidents.models import VerificationStatus
    from aidtrack.incidents.services import incident_review

    def with_ids(rows):
        path = tmp_path / "with-ids.csv"
        header, tags = HEADER.splitlines()
        lines = [f"Event ID,{header}", f"#event+id,{tags}"] + [f"E{n},{row}" for n, row in enumerate(rows)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    plan = {**PLAN, "refused_rows": "skip"}
    run(with_ids(ROWS), org_a, reporter, plan=plan)
    first = Incident.objects.get(occurred_on__day=19)
    incident_review(incident=first, by=reviewer, outcome=VerificationStatus.VERIFIED)
    again = run(with_ids(ROWS), org_a, reporter, plan=plan)
    assert again.report.counts["unchanged (skipped)"] == 3 and again.report.counts["updated"] == 0
    changed = [ROWS[0].replace("Clinic hit", "Clinic hit twice"), *ROWS[1:]]
    updated = run(with_ids(changed), org_a, reporter, plan=plan)
    assert updated.report.counts["updated"] == 1
    first.refresh_from_db()
    assert first.public_summary == "Clinic hit twice" and first.verification_status == VerificationStatus.REPORTED
    assert first.history.first().history_change_reason.startswith("Edited after review")
