"""ACLED-format conflict events: imported as a separate violence layer, and counted by agreements when asked."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from aidtrack.agreements.models import Agreement, AgreementCondition, ConditionKind
from aidtrack.agreements.selectors import agreement_compliance
from aidtrack.imports.models import ImportRun
from aidtrack.imports.report import ImportFailed
from aidtrack.incidents.models import Incident
from aidtrack.violence.importer import ConflictEventImporter, import_conflict_events
from aidtrack.violence.models import ConflictEvent
from tests.factories import PartyFactory

D = datetime.date
HEADER = (
    "data_id,event_id_cnty,event_date,year,event_type,sub_event_type,actor1,admin1,admin2,admin3,location,"
    "latitude,longitude,geo_precision,source,notes,fatalities\n"
)
ROWS = (
    "1,SYR1001,15 September 2016,2016,Battles,Armed clash,Military Forces of Syria (2000-),Rural Damascus,"
    'Az-Zabdani,Madaya,Madaya,33.6901,36.0963,1,SOHR,"Clashes near Madaya",3\n'
    "2,SYR1002,2016-09-16,2016,Explosions/Remote violence,Shelling/artillery/missile attack,ISIS,Rural Damascus,"
    "Az-Zabdani,Madaya,Madaya,33.5,36.5,2,SOHR,Shelling,0\n"
)


def write(tmp_path, text, name="acled.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_acled_rows_become_conflict_events_placed_in_admin_areas(tmp_path, geography):
    report = import_conflict_events(write(tmp_path, HEADER + ROWS))
    assert report.counts["added"] == 2
    event = ConflictEvent.objects.get(event_id="SYR1001")
    assert event.event_date == D(2016, 9, 15) and event.fatalities == 3
    assert event.admin3 == geography["sub"] and event.admin1 == geography["gov"]
    assert not Incident.objects.exists(), "the violence layer is kept apart from access incidents"


def test_a_dry_run_writes_nothing_and_a_reimport_updates_in_place(tmp_path, geography):
    path = write(tmp_path, HEADER + ROWS)
    assert import_conflict_events(path, dry_run=True).counts["to add"] == 2
    assert not ConflictEvent.objects.exists()
    import_conflict_events(path)
    report = import_conflict_events(write(tmp_path, HEADER + ROWS.replace('Madaya",3', 'Madaya",4'), "v2.csv"))
    assert report.counts["updated"] == 1 and report.counts["unchanged"] == 1
    assert ConflictEvent.objects.count() == 2 and ConflictEvent.objects.get(event_id="SYR1001").fatalities == 4


def test_a_reimport_stamps_only_the_events_it_changed(tmp_path, geography):
    import_conflict_events(write(tmp_path, HEADER + ROWS))
    before = dict(ConflictEvent.objects.values_list("event_id", "imported_at"))
    import_conflict_events(write(tmp_path, HEADER + ROWS.replace('Madaya",3', 'Madaya",4'), "v2.csv"))
    after = dict(ConflictEvent.objects.values_list("event_id", "imported_at"))
    assert after["SYR1001"] > before["SYR1001"], "sync clients find the change with ?updated_since="
    assert after["SYR1002"] == before["SYR1002"]


def test_a_bad_row_writes_nothing_and_is_named(tmp_path, geography):
    bad = ROWS.replace("2016-09-16", "2016-13-45")
    with pytest.raises(ImportFailed) as failure:
        import_conflict_events(write(tmp_path, HEADER + bad))
    assert "row 3, column 'event_date'" in str(failure.value.report.errors[0])
    assert not ConflictEvent.objects.exists()


def test_a_file_without_acled_columns_is_refused_with_its_columns(tmp_path, geography):
    with pytest.raises(ImportFailed, match="no event_id, event_type column.*Its columns are: event_date, lat, lon"):
        import_conflict_events(write(tmp_path, "event_date,lat,lon\n2016-09-15,33.6,36.1\n"))


def test_the_command_records_the_run(tmp_path, geography):
    call_command("import_conflict_events", write(tmp_path, HEADER + ROWS))
    assert ImportRun.objects.get().kind == "conflict_events"


@pytest.fixture
def cessation(db):
    agreement = Agreement.objects.create(
        name="Cessation",
        starts_at=timezone.make_aware(datetime.datetime(2016, 9, 12, 19)),
        ends_at=timezone.make_aware(datetime.datetime(2016, 9, 19, 19)),
    )
    condition = AgreementCondition.objects.create(
        agreement=agreement,
        kind=ConditionKind.REDUCED_VIOLENCE,
        description="Reduced violence",
        required_consecutive_days=7,
        max_incidents_per_day=0,
        counted_categories=["7"],
    )
    return agreement, condition


def test_reduced_violence_counts_conflict_events_of_the_listed_types(tmp_path, geography, cessation):
    agreement, condition = cessation
    import_conflict_events(write(tmp_path, HEADER + ROWS))
    (ignored,) = agreement_compliance(agreement, until=D(2016, 9, 19))
    assert all(day.met for day in ignored.days), "conflict events count only when the condition asks"
    condition.counted_conflict_event_types = ["Battles", "Explosions/Remote violence"]
    condition.save()
    (result,) = agreement_compliance(agreement, until=D(2016, 9, 19))
    broken = {day.day: day.detail for day in result.days if not day.met}
    assert set(broken) == {D(2016, 9, 15), D(2016, 9, 16)}
    assert broken[D(2016, 9, 15)] == "0 incident(s) and 1 conflict event(s) counted; at most 0 allowed"


def test_events_by_an_excluded_party_do_not_count(tmp_path, geography, cessation):
    agreement, condition = cessation
    condition.counted_conflict_event_types = ["Explosions/Remote violence"]
    condition.save()
    agreement.excluded_parties.add(PartyFactory(name="Islamic State of Iraq and the Levant", short_name="ISIS"))
    import_conflict_events(write(tmp_path, HEADER + ROWS))
    (result,) = agreement_compliance(agreement, until=D(2016, 9, 19))
    assert all(day.met for day in result.days)


def test_an_acled_import_runs_on_the_import_framework_with_progress_and_a_preview(tmp_path, geography):
    seen = []
    result = ConflictEventImporter.run(
        write(tmp_path, HEADER + ROWS),
        organization=None,
        by=None,
        dry_run=True,
        progress=lambda stage, rows: seen.append((stage, rows)),
    )
    assert [(row["row"], row["action"], row["key"]) for row in result.preview()] == [
        (2, "create", "SYR1001"),
        (3, "create", "SYR1002"),
    ]
    assert ("checked", 2) in seen
    assert {entry["column"]: entry["field"] for entry in result.column_plan}["event_id_cnty"] == "event_id", (
        "ACLED's own event id is taken before data_id"
    )
    assert not ConflictEvent.objects.exists()
