"""Importing incident tables: dry run, row-by-row report, all or nothing, normalisation, matching, mappings."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aidtrack.imports.models import ColumnMapping, ImportRun, ImportStatus
from aidtrack.imports.report import ImportFailed
from aidtrack.imports.table_runs import import_table_recorded
from aidtrack.incidents.importers import import_incidents
from aidtrack.incidents.models import Incident, VerificationStatus

HEADER = "id,date,category,summary,latitude,longitude,killed\n"


def write(tmp_path, text, name="incidents.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(path, org, user, **kwargs):
    return import_incidents(str(path), organization=org, by=user, **kwargs)


def test_dry_run_lists_rows_to_create_and_writes_nothing(tmp_path, geography, org_a, reporter):
    path = write(
        tmp_path, HEADER + "A1,2016-09-19,5,Convoy attacked,33.69,36.09,20\nA2,2016-09-20,3,Road closed,33.5,36.5,0\n"
    )
    result = run(path, org_a, reporter, dry_run=True)
    assert result.report.counts["to create"] == 2
    assert [plan.row for plan in result.plans] == [2, 3]
    assert not Incident.objects.exists()


def test_commit_creates_every_row_placed_in_admin_areas_with_history(tmp_path, geography, org_a, reporter):
    path = write(tmp_path, HEADER + "A1,2016-09-19,5,Convoy attacked,33.69,36.09,20\n")
    result = run(path, org_a, reporter)
    assert result.report.counts["created"] == 1
    incident = Incident.objects.get()
    assert incident.external_id == "A1"
    assert incident.reference == f"INC-2016-{incident.pk:06d}"
    assert incident.admin3 == geography["sub"] and incident.admin1 == geography["gov"]
    assert incident.community == geography["madaya"]
    assert incident.people_killed == 20
    assert incident.verification_status == VerificationStatus.REPORTED
    assert incident.history.get().history_user == reporter


def test_one_bad_row_writes_nothing_and_names_row_column_value_and_expectation(tmp_path, geography, org_a, reporter):
    path = write(
        tmp_path,
        HEADER + "A1,2016-09-19,5,Fine row,33.69,36.09,0\nA2,2016-02-30,5,Bad date,33.69,36.09,0\n"
        "A3,2016-09-19,12,Bad category,33.69,36.09,-1\n",
    )
    with pytest.raises(ImportFailed) as failure:
        run(path, org_a, reporter)
    assert not Incident.objects.exists()
    messages = [str(problem) for problem in failure.value.report.errors]
    assert any("row 3, column 'date'" in m and "'2016-02-30'" in m and "19/09/2016" in m for m in messages)
    assert any("row 4, column 'category'" in m and "'12'" in m for m in messages)
    assert any("row 4, column 'killed'" in m and "whole number" in m for m in messages)
    assert "nothing was written" in str(failure.value)


def test_values_are_normalised_dates_dms_arabic_categories_and_names(tmp_path, geography, org_a, reporter):
    text = (
        "id,date,category,summary,latitude,longitude,location\n"
        'B1,19/09/2016,العمليات العسكرية,Shelling,"33°41\'24""N","36°05\'46""E",\n'
        "B2,19 Sep 2016,Interference in the implementation of humanitarian activities,Checkpoint,,,Mudaya\n"
        "B3,2016-09-21,other,Arabic place,,,مضايا\n"
    )
    result = run(write(tmp_path, text), org_a, reporter)
    assert result.report.counts["created"] == 3
    b1, b2, b3 = (Incident.objects.get(external_id=key) for key in ("B1", "B2", "B3"))
    assert b1.occurred_on == b2.occurred_on == datetime.date(2016, 9, 19)
    assert b1.category == "7" and b2.category == "4"
    assert b1.latitude == pytest.approx(33.69, abs=1e-3) and b1.longitude == pytest.approx(36.0961, abs=1e-3)
    assert b2.stated_area == geography["madaya"] and b3.stated_area == geography["madaya"]
    warnings = [str(w) for w in result.report.warnings]
    assert any("'Mudaya' was matched to Madaya (C2450) (confidence" in w for w in warnings)
    assert not any("مضايا" in w for w in warnings), "an exact Arabic name needs no warning"


def test_hxl_hashtags_are_recognised_whatever_the_headers(tmp_path, geography, org_a, reporter, party):
    text = (
        "Ref,When,Type,What happened,Where (code),Who\n"
        "#event+id,#date+occurred,#event+category,#description,#adm3+code,#group+name+perp\n"
        "H1,2016-09-19,4,Removal of medical items,SY030703,GoS\n"
    )
    run(write(tmp_path, text), org_a, reporter)
    incident = Incident.objects.get()
    assert incident.stated_area == geography["sub"] and incident.admin1 == geography["gov"]
    assert incident.perpetrator == party and incident.perpetrator_kind == party.kind


def test_reimport_updates_matched_rows_and_skips_unchanged_and_duplicates(tmp_path, geography, org_a, reporter):
    run(
        write(
            tmp_path, HEADER + "A1,2016-09-19,5,Convoy attacked,33.69,36.09,20\nA2,2016-09-20,3,Closed,33.5,36.5,0\n"
        ),
        org_a,
        reporter,
    )
    first = Incident.objects.get(external_id="A1")
    changed = HEADER + "A1,2016-09-19,5,Convoy attacked,33.69,36.09,21\nA2,2016-09-20,3,Closed,33.5,36.5,0\n"
    dry = run(write(tmp_path, changed), org_a, reporter, dry_run=True)
    assert dry.report.counts["to update"] == 1 and dry.report.counts["unchanged (skipped)"] == 1
    result = run(write(tmp_path, changed), org_a, reporter)
    assert result.report.counts["updated"] == 1
    first.refresh_from_db()
    assert first.people_killed == 21 and first.version == 2
    assert Incident.objects.count() == 2
    no_ids = "date,category,summary,latitude,longitude\n2016-09-20,3,Closed,33.5,36.5\n2016-09-22,3,New,33.5,36.5\n"
    result = run(write(tmp_path, no_ids), org_a, reporter)
    assert result.report.counts["duplicates (skipped)"] == 1 and result.report.counts["created"] == 1


def test_the_same_id_twice_in_a_file_is_an_error(tmp_path, geography, org_a, reporter):
    path = write(tmp_path, HEADER + "A1,2016-09-19,5,One,33.69,36.09,0\nA1,2016-09-20,5,Two,33.69,36.09,0\n")
    with pytest.raises(ImportFailed) as failure:
        run(path, org_a, reporter)
    assert "the same id is on row 2" in str(failure.value.report.errors[0])


def test_unknown_pcode_and_unmatched_name_are_reported(tmp_path, geography, org_a, reporter):
    text = "date,category,summary,pcode,location\n2016-09-19,4,A,SY999999,\n2016-09-19,4,B,,Xyzzyville\n"
    with pytest.raises(ImportFailed) as failure:
        run(write(tmp_path, text), org_a, reporter)
    messages = " ".join(str(p) for p in failure.value.report.errors)
    assert "row 2, column 'pcode'" in messages and "no admin area has this P-code" in messages
    assert "row 3, column 'location'" in messages and "give its P-code" in messages


def test_saved_column_mapping_is_used_for_the_next_file(tmp_path, geography, org_a, reporter):
    text = "Incident no,Day of event,Constraint,Narrative,Y coord,X coord\nP1,2016-09-19,4,Text,33.6,36.2\n"
    call_command(
        "import_incidents",
        str(write(tmp_path, text)),
        "--organization=ALPHA",
        f"--user={reporter.username}",
        "--map=external_id=Incident no",
        "--map=occurred_on=Day of event",
        "--map=category=Constraint",
        "--map=public_summary=Narrative",
        "--map=latitude=Y coord",
        "--map=longitude=X coord",
        "--save-mapping=Partner log",
    )
    saved = ColumnMapping.objects.get(name="Partner log")
    assert saved.columns["occurred_on"] == "Day of event"
    text2 = "Incident no,Day of event,Constraint,Narrative,Y coord,X coord\nP2,2016-09-20,3,Text,33.6,36.2\n"
    call_command(
        "import_incidents",
        str(write(tmp_path, text2, "next.csv")),
        "--organization=ALPHA",
        f"--user={reporter.username}",
        "--mapping=Partner log",
    )
    assert Incident.objects.get(external_id="P2").occurred_on == datetime.date(2016, 9, 20)


def test_a_missing_saved_mapping_is_named(tmp_path, geography, org_a, reporter):
    with pytest.raises(CommandError, match="no saved column mapping of incidents named 'Nope'"):
        call_command(
            "import_incidents",
            str(write(tmp_path, HEADER)),
            "--organization=ALPHA",
            f"--user={reporter.username}",
            "--mapping=Nope",
        )


def test_a_reporter_of_another_organization_may_not_import(tmp_path, geography, org_a, outsider):
    with pytest.raises(ImportFailed, match="may not import incidents for ALPHA"):
        run(write(tmp_path, HEADER + "A1,2016-09-19,5,x,33.69,36.09,0\n"), org_a, outsider)


def test_every_run_is_recorded_with_counts_and_progress(tmp_path, geography, org_a, reporter):
    path = write(tmp_path, HEADER + "A1,2016-09-19,5,x,33.69,36.09,0\n")
    record, report, result = import_table_recorded(
        "incidents", path, display="incidents.csv", organization=org_a, by=reporter, dry_run=False, options={}
    )
    record = ImportRun.objects.get(pk=record.pk)
    assert record.status == ImportStatus.SUCCEEDED and record.kind == "incidents"
    assert record.counts["created"] == 1 and record.rows_done == 1
    assert record.started_by == reporter


def test_arabic_headers_are_recognised(tmp_path, geography, org_a, reporter):
    header = "التاريخ,الفئة,الملخص,خط العرض,خط الطول,قتلى\n"
    path = write(tmp_path, header + "19/09/2016,5,قصف قافلة,33.69,36.09,20\n")
    result = run(path, org_a, reporter)
    incident = Incident.objects.get()
    assert result.columns["latitude"] == "خط العرض" and incident.people_killed == 20
    assert incident.occurred_on == datetime.date(2016, 9, 19) and incident.public_summary == "قصف قافلة"
