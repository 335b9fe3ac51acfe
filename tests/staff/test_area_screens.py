"""Updating the register: a new status period closes the current one; population with its source."""

import datetime
from http import HTTPStatus

from django.urls import reverse

from aidtrack.areas.models import Area
from aidtrack.areas.services import status_period_add
from tests.factories import AreaFactory
from tests.staff.conftest import login


def besieged_area(by):
    area = AreaFactory(name_en="Madaya", name_ar="مضايا")
    status_period_add(
        area=area, status="besieged", start_date=datetime.date(2015, 7, 1), end_date=None, source="OCHA", by=by
    )
    area.refresh_from_db()
    return area


def test_the_register_lists_areas_with_their_status_today(client, reporter, site_admin):
    besieged_area(site_admin)
    AreaFactory(name_en="Quiet town")
    login(client, reporter)
    page = client.get(reverse("staff:area_list")).content.decode()
    assert "Madaya" in page and "Quiet town" in page and "Besieged" in page
    filtered = client.get(reverse("staff:area_list"), {"status": "besieged"}).content.decode()
    assert "Madaya" in filtered and "Quiet town" not in filtered


def test_a_status_change_opens_a_period_and_closes_the_current_one(client, reporter, org_a, site_admin):
    area = besieged_area(site_admin)
    login(client, reporter)
    response = client.post(
        reverse("staff:area_status", args=[area.pk]),
        {
            "status": "hard_to_reach",
            "start_date": "2017-04-14",
            "source": "OCHA list, April 2017",
            "note": "Evacuation agreement",
            "organization": org_a.pk,
            "expected_version": area.version,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    periods = list(area.status_periods.order_by("start_date"))
    assert [(p.status, p.end_date) for p in periods] == [
        ("besieged", datetime.date(2017, 4, 14)),
        ("hard_to_reach", None),
    ]
    assert periods[1].organization == org_a and periods[1].recorded_by == reporter


def test_a_status_change_before_the_current_period_says_what_to_do(client, reporter, org_a, site_admin):
    area = besieged_area(site_admin)
    login(client, reporter)
    response = client.post(
        reverse("staff:area_status", args=[area.pk]),
        {
            "status": "accessible",
            "start_date": "2015-01-01",
            "source": "Old list",
            "organization": org_a.pk,
            "expected_version": area.version,
        },
    )
    page = response.content.decode()
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "a change must start after it" in page and 'value="Old list"' in page
    assert area.status_periods.count() == 1


def test_a_population_update_needs_a_source_and_is_then_saved(client, reporter, org_a):
    area = AreaFactory(name_en="Madaya", population=40000)
    login(client, reporter)
    url = reverse("staff:area_population", args=[area.pk])
    data = {"population": "38000", "population_date": "2016-10-31", "organization": org_a.pk}
    refused = client.post(url, {**data, "population_source": "", "expected_version": area.version})
    assert refused.status_code == HTTPStatus.BAD_REQUEST and "This field is required." in refused.content.decode()
    saved = client.post(url, {**data, "population_source": "OCHA", "expected_version": area.version})
    assert saved.status_code == HTTPStatus.FOUND
    area = Area.objects.get(pk=area.pk)
    assert (area.population, area.population_source) == (38000, "OCHA")


def test_a_reporter_cannot_record_for_another_organization(client, reporter, org_b, site_admin):
    area = besieged_area(site_admin)
    login(client, reporter)
    response = client.post(
        reverse("staff:area_population", args=[area.pk]),
        {"population": "1", "population_date": "2016-10-31", "population_source": "x", "organization": org_b.pk},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Select a valid choice" in response.content.decode()


def test_the_area_history_shows_who_changed_the_population(client, reporter, org_a):
    area = AreaFactory(name_en="Madaya", population=40000)
    login(client, reporter)
    client.post(
        reverse("staff:area_population", args=[area.pk]),
        {
            "population": "38000",
            "population_date": "2016-10-31",
            "population_source": "OCHA",
            "organization": org_a.pk,
            "expected_version": area.version,
        },
    )
    page = client.get(reverse("staff:area_history", args=[area.pk])).content.decode()
    assert "reporter.a" in page
    assert "Population estimate" in page and "40000" in page and "38000" in page
