"""The register: one status at a time per area, history kept, answers on any date."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from aidtrack.areas.models import AccessStatus, StatusPeriod
from aidtrack.areas.selectors import area_figures, people_by_status_on, register_on, status_on
from aidtrack.areas.services import area_set_status, area_update_population, status_period_add
from aidtrack.orgs.audience import PUBLIC
from tests.factories import AreaFactory

B, H, A = AccessStatus.BESIEGED, AccessStatus.HARD_TO_REACH, AccessStatus.ACCESSIBLE
D = datetime.date


@pytest.fixture
def area(db):
    return AreaFactory(name_en="Madaya", population=38_000)


def set_status(area, status, day, by, org):
    return area_set_status(area=area, status=status, start_date=day, source="OCHA list", by=by, organization=org)


@pytest.mark.django_db
def test_a_status_change_closes_the_current_period(area, reporter, org_a):
    first = set_status(area, H, D(2015, 1, 1), reporter, org_a)
    set_status(area, B, D(2015, 7, 1), reporter, org_a)
    first.refresh_from_db()
    assert first.end_date == D(2015, 7, 1)
    assert status_on(area, D(2015, 6, 30)) == H
    assert status_on(area, D(2015, 7, 1)) == B
    assert status_on(area, D(2014, 12, 31)) is None


@pytest.mark.django_db
def test_a_change_must_start_after_the_current_period(area, reporter, org_a):
    set_status(area, B, D(2015, 7, 1), reporter, org_a)
    with pytest.raises(ValidationError, match="a change must start after it"):
        set_status(area, A, D(2015, 7, 1), reporter, org_a)
    assert StatusPeriod.objects.get(area=area).end_date is None


@pytest.mark.django_db
def test_the_same_status_twice_is_refused(area, reporter, org_a):
    set_status(area, B, D(2015, 7, 1), reporter, org_a)
    with pytest.raises(ValidationError, match="already besieged"):
        set_status(area, B, D(2016, 1, 1), reporter, org_a)


@pytest.mark.django_db
def test_an_end_before_the_start_is_refused(area, site_admin):
    with pytest.raises(ValidationError, match="must be after the start"):
        status_period_add(
            area=area, status=B, start_date=D(2016, 5, 1), end_date=D(2016, 4, 1), source="x", by=site_admin
        )
    assert not StatusPeriod.objects.exists()


@pytest.mark.django_db
def test_overlapping_periods_are_refused(area, site_admin):
    status_period_add(area=area, status=B, start_date=D(2015, 1, 1), end_date=D(2016, 1, 1), source="x", by=site_admin)
    with pytest.raises(ValidationError, match="overlaps another period"):
        status_period_add(
            area=area, status=H, start_date=D(2015, 6, 1), end_date=D(2015, 8, 1), source="x", by=site_admin
        )


@pytest.mark.django_db
def test_the_database_holds_one_open_period_per_area_and_ordered_dates(area):
    StatusPeriod.objects.create(area=area, status=B, start_date=D(2015, 1, 1), source="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusPeriod.objects.create(area=area, status=H, start_date=D(2016, 1, 1), source="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusPeriod.objects.create(area=area, status=H, start_date=D(2014, 1, 1), end_date=D(2013, 1, 1), source="x")


@pytest.mark.django_db
def test_people_by_status_on_a_date(reporter, org_a):
    madaya, foah = AreaFactory(population=38_000), AreaFactory(population=12_800)
    set_status(madaya, B, D(2015, 7, 1), reporter, org_a)
    set_status(foah, H, D(2015, 1, 1), reporter, org_a)
    set_status(foah, B, D(2015, 3, 28), reporter, org_a)
    assert people_by_status_on(D(2015, 2, 1))[H] == 12_800
    assert people_by_status_on(D(2016, 9, 19))[B] == 50_800
    assert [e.area for e in register_on(D(2016, 9, 19), statuses={B})] == sorted(
        [madaya, foah], key=lambda a: a.name_en
    )


@pytest.mark.django_db
def test_days_under_siege_count_from_the_start_of_the_unbroken_siege(area, site_admin):
    status_period_add(area=area, status=B, start_date=D(2015, 7, 1), end_date=D(2016, 1, 1), source="a", by=site_admin)
    status_period_add(area=area, status=B, start_date=D(2016, 1, 1), end_date=None, source="b", by=site_admin)
    assert area_figures(area, D(2016, 9, 19), audience=PUBLIC).days_under_siege == (D(2016, 9, 19) - D(2015, 7, 1)).days


@pytest.mark.django_db
def test_an_outsider_cannot_update_another_organizations_register_entry(area, outsider, org_a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        set_status(area, B, D(2015, 7, 1), outsider, org_a)


@pytest.mark.django_db
def test_population_update_needs_a_source(area, reporter, org_a):
    with pytest.raises(ValidationError, match="Say where the estimate comes from"):
        area_update_population(
            area=area,
            population=40_000,
            population_date=D(2016, 10, 1),
            population_source=" ",
            by=reporter,
            organization=org_a,
        )
    area = area_update_population(
        area=area,
        population=40_000,
        population_date=D(2016, 10, 1),
        population_source="HNO 2017",
        by=reporter,
        organization=org_a,
    )
    assert area.population == 40_000
