"""A query whose SQL is compiled once per process runs again with new values, and shows each reader only what the
selector that wrote it lets that reader see."""

import datetime

import pytest
from django.db import connection
from django.db.models import DateField, IntegerField
from django.test.utils import CaptureQueriesContext

from aidtrack.areas.selectors import area_records
from aidtrack.incidents.models import Incident
from aidtrack.incidents.selectors import incident_visibility_q
from aidtrack.incidents.services import incident_create, incident_review
from aidtrack.ops import reused_sql
from aidtrack.ops.reused_sql import ReusedSQLMismatch, Slot, reused_rows
from aidtrack.orgs.audience import PUBLIC, audience_of
from aidtrack.orgs.models import Visibility
from tests.factories import AreaFactory

D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_shapes():
    """Each test starts with no SQL kept, as a new process does."""
    reused_sql._shapes.clear()
    yield
    reused_sql._shapes.clear()


def access_incident(by, reviewer, organization, area, day, visibility, title):
    incident = incident_create(
        by=by,
        organization=organization,
        kind="access",
        title=title,
        occurred_on=day,
        latitude=33.69,
        longitude=36.09,
        public_summary="Crossing.",
        area=area,
        visibility=visibility,
    )
    incident_review(incident=incident, by=reviewer, outcome="verified")
    return incident


@pytest.fixture
def two_areas(reporter, reviewer, org_a, geography):
    first, second = AreaFactory(name_en="Madaya"), AreaFactory(name_en="Zabadani")
    access_incident(reporter, reviewer, org_a, first, D(2016, 9, 1), Visibility.PUBLIC, "Madaya in September")
    access_incident(reporter, reviewer, org_a, first, D(2016, 10, 1), Visibility.PUBLIC, "Madaya in October")
    access_incident(reporter, reviewer, org_a, first, D(2016, 9, 5), Visibility.RESTRICTED, "SECRET-CANARY")
    access_incident(reporter, reviewer, org_a, second, D(2016, 9, 2), Visibility.PUBLIC, "Zabadani in September")
    return first, second


def titles(records) -> set[str]:
    return {title for _pk, _day, title, _status in records.access}


def test_the_reused_sql_gives_each_area_and_day_its_own_rows(two_areas, settings):
    settings.AIDTRACK_CHECK_REUSED_SQL = False  # the kept SQL only, as served
    first, second = two_areas
    assert titles(area_records(first, D(2016, 12, 31), audience=PUBLIC)) == {
        "Madaya in September",
        "Madaya in October",
    }
    assert titles(area_records(second, D(2016, 12, 31), audience=PUBLIC)) == {"Zabadani in September"}
    assert titles(area_records(first, D(2016, 9, 30), audience=PUBLIC)) == {"Madaya in September"}
    assert titles(area_records(second, D(2016, 9, 1), audience=PUBLIC)) == set()


def test_a_restricted_record_never_reaches_the_public_through_the_kept_sql(two_areas, reporter, settings):
    """The member's shape is compiled first, then the public's: each reader class keeps its own SQL."""
    settings.AIDTRACK_CHECK_REUSED_SQL = False
    first, _second = two_areas
    member = audience_of(reporter)
    day = D(2016, 12, 31)
    assert "SECRET-CANARY" in titles(area_records(first, day, audience=member))
    for _ in range(2):  # compiled, then reused
        assert "SECRET-CANARY" not in titles(area_records(first, day, audience=PUBLIC))
    assert "SECRET-CANARY" in titles(area_records(first, day, audience=member))
    # The rows the kept SQL gives the public are exactly those the selector's rule gives.
    expected = set(
        Incident.objects.filter(incident_visibility_q(PUBLIC), area=first, kind="access").values_list(
            "title", flat=True
        )
    )
    assert titles(area_records(first, day, audience=PUBLIC)) == expected


def incidents_at(audience):
    """A selector's query: the access incidents ``audience`` may see at an area up to a day."""
    return (
        Incident.objects.filter(
            incident_visibility_q(audience),
            area_id=Slot("area", IntegerField()),
            occurred_on__lte=Slot("day", DateField()),
        )
        .order_by("occurred_on")
        .values_list("title", "occurred_on")
    )


def test_the_queryset_is_compiled_once_and_run_with_new_values(two_areas, settings):
    settings.AIDTRACK_CHECK_REUSED_SQL = False
    first, second = two_areas
    built = []

    def build():
        built.append(1)
        return incidents_at(PUBLIC)

    rows = reused_rows(("incidents at", "public"), build, area=first.pk, day=D(2016, 12, 31))
    assert rows == [("Madaya in September", D(2016, 9, 1)), ("Madaya in October", D(2016, 10, 1))]
    with CaptureQueriesContext(connection) as captured:
        rows = reused_rows(("incidents at", "public"), build, area=second.pk, day=D(2016, 12, 31))
    assert rows == [("Zabadani in September", D(2016, 9, 2))]  # dates converted as Django converts them
    assert len(built) == 1 and len(captured) == 1


def test_a_key_that_does_not_name_the_reader_is_caught_when_checking(two_areas, reporter, settings):
    settings.AIDTRACK_CHECK_REUSED_SQL = True
    first, _second = two_areas
    reused_rows(("incidents at",), lambda: incidents_at(PUBLIC), area=first.pk, day=D(2016, 12, 31))
    with pytest.raises(ReusedSQLMismatch):
        reused_rows(("incidents at",), lambda: incidents_at(audience_of(reporter)), area=first.pk, day=D(2016, 12, 31))


def test_values_must_match_the_slots(two_areas):
    first, _second = two_areas
    with pytest.raises(TypeError, match="slots"):
        reused_rows(("incidents at", "public"), lambda: incidents_at(PUBLIC), area=first.pk)


def test_only_value_lists_are_read(db):
    with pytest.raises(TypeError, match="values_list"):
        reused_rows(("records",), lambda: Incident.objects.filter(area_id=Slot("area", IntegerField())), area=1)


def test_a_shape_that_matches_nothing_runs_no_query(db):
    build = lambda: Incident.objects.filter(pk__in=[]).values_list("title")  # noqa: E731
    with CaptureQueriesContext(connection) as captured:
        assert reused_rows(("nothing",), build) == []
        assert reused_rows(("nothing",), build) == []
    assert len(captured) == 0


def test_records_come_with_their_selected_relations_for_each_area(reporter, org_a, geography, settings):
    from aidtrack.areas.models import StatusPeriod
    from aidtrack.ops.reused_sql import reused_records

    settings.AIDTRACK_CHECK_REUSED_SQL = False
    first, second = AreaFactory(name_en="Madaya"), AreaFactory(name_en="Zabadani")
    StatusPeriod.objects.create(
        area=first, status="besieged", start_date=D(2015, 7, 1), source="OCHA", organization=org_a
    )
    StatusPeriod.objects.create(area=second, status="hard_to_reach", start_date=D(2016, 1, 1), source="OCHA")

    def periods():
        return StatusPeriod.objects.filter(area_id=Slot("area", IntegerField())).select_related("organization")

    assert [p.status for p in reused_records(("periods",), periods, area=first.pk)] == ["besieged"]
    with CaptureQueriesContext(connection) as captured:
        (period,) = reused_records(("periods",), periods, area=second.pk)
        assert period.status == "hard_to_reach" and period.start_date == D(2016, 1, 1) and period.organization is None
        (period,) = reused_records(("periods",), periods, area=first.pk)
        assert period.organization.name == "Alpha Relief" and period.pk is not None
    assert len(captured) == 2  # one a call: the organization came with its period


def test_a_queryset_whose_sql_does_not_say_all_is_refused(geography):
    from aidtrack.ops.reused_sql import reused_records

    area = AreaFactory()
    with pytest.raises(TypeError, match="prefetch"):
        reused_records(("periods of",), lambda: area.status_periods.all())
    with pytest.raises(TypeError, match="prefetch"):
        reused_records(("areas",), lambda: type(area).objects.prefetch_related("communities"))
