"""Every area of the register has a public page: history, people, deliveries with the days between, incidents."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aidtrack.areas.models import Area

pytestmark = pytest.mark.django_db


def area_page(client, name, as_of="2016-09-30"):
    response = client.get(f"/areas/{Area.objects.get(name_en=name).pk}/", {"as_of": as_of})
    assert response.status_code == 200
    return response.content.decode()


def test_every_register_area_has_a_page_listed_in_the_index(client, demo):
    index = client.get("/areas/", {"as_of": "2016-09-19"}).content.decode()
    for area in Area.objects.all():
        assert f'href="/areas/{area.pk}/?as_of=2016-09-19"' in index
        assert client.get(f"/areas/{area.pk}/").status_code == 200


def test_madaya_on_30_september_2016(client, demo):
    page = area_page(client, "Madaya")
    assert "since 1 July 2015" in page and "457" in page  # days under siege, counted by hand
    assert "38,000" in page and 'dir="auto">OCHA besieged list, autumn 2016' in page
    assert "Government of Syria and allied forces" in page
    assert "25 September 2016 (5 days before)" in page  # the last delivery
    assert "convoy <bdi>CV-2016-09-011</bdi>" in page and "Simultaneous deliveries to the four towns" in page
    assert "Medical evacuation from Madaya not allowed" in page  # an incident nearby


def test_eastern_aleppo_shows_its_history_and_no_delivery(client, demo):
    page = area_page(client, "Aleppo city (eastern)")
    assert page.count('class="seg seg-') == 2  # hard to reach, then besieged from 7 July 2016
    assert "7 Jul 2016" in page and "none recorded that you may see" in page


def test_a_restricted_delivery_changes_no_public_figure(client, restricted_delivery):
    page = area_page(client, "Aleppo city (eastern)")
    assert "CV-SECRET-CANARY" not in page and "none recorded that you may see" in page
    client.force_login(restricted_delivery.by)
    page = area_page(client, "Aleppo city (eastern)")
    assert "CV-SECRET-CANARY" in page and "13 September 2016 (17 days before)" in page


def test_a_period_recorded_by_no_organization_shows_a_dash(client, demo):
    """A site admin's period (or an import's without an organization) has no recorder: the page says so, and
    does not fail on the missing organization."""
    from aidtrack.areas.models import StatusPeriod

    StatusPeriod.objects.filter(area__name_en="Madaya").update(organization=None)
    page = area_page(client, "Madaya")
    assert "<td>—</td></tr>" in page and "since 1 July 2015" in page


def test_an_unknown_area_is_not_found(client, demo):
    missing = Area.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
    assert client.get(f"/areas/{missing}/").status_code == 404
    assert client.get(f"/areas/{10**30}/").status_code == 404  # no id column holds it: not a database error


def test_a_bad_date_says_how_to_fix_it(client, demo):
    response = client.get(f"/areas/{Area.objects.first().pk}/", {"as_of": "2016-02-30"})
    assert response.status_code == 400 and "use YYYY-MM-DD" in response.content.decode()


def test_queries_do_not_grow_with_the_records(client, demo):
    from tests.reports.conftest import more_convoys, more_incidents

    def count():
        with CaptureQueriesContext(connection) as captured:
            area_page(client, "Madaya")
        return len(captured)

    before = count()
    more_convoys(4)
    more_incidents(4, day="2016-09-20")
    assert count() == before
