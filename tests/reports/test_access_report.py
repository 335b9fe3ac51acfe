"""The monthly access report: September 2016's figures counted by hand from fixtures/demo/scenario.json.

Public, verified obstructions in September: 13 recorded incidents plus the removal of surgical kits at Madamiyet
Elsham (category 4) = 14, of which 6 are military operations (category 7); access achieved: 3. Convoy requests
submitted in September: 9 (all but CV-2016-10-002, a draft); delivered fully or partly: CV-2016-09-009 (40,000
reached), -011 (66,450) and -017 (93,500), so 199,950 people; attacked: CV-2016-09-014. People killed: 20 at Urum
al-Kubra, 2 and 12 in eastern Aleppo = 34.
"""

import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

URL = "/reports/access/"


def totals(client, **params):
    rows = client.get("/api/v1/statistics/access-report/", {"month": "2016-09", **params}).json()["tables"]["totals"]
    return {row["key"]: row["value"] for row in rows}


def test_september_2016_figures_match_the_demo_counted_by_hand(client, demo):
    assert totals(client) == {
        "obstructions": 14,
        "access": 3,
        "convoys_requested": 9,
        "convoys_delivered": 3,
        "convoys_attacked": 1,
        "convoys_denied": 1,
        "people_reached": 199950,
        "aid_workers_killed": 1,
    }
    tables = client.get("/api/v1/statistics/access-report/", {"month": "2016-09"}).json()["tables"]
    assert {row["category"]: row["incidents"] for row in tables["categories"]}["7"] == 6
    assert {row["key"]: row["value"] for row in tables["impact"]}["people_killed"] == 34
    assert {row["pcode"]: row["incidents"] for row in tables["governorates"]}["SY02"] == 6
    assert {row["key"]: row["share"] for row in tables["perpetrators"]}["state_forces"] == 50.0


def test_the_page_shows_the_same_figures_with_changes_and_key_events(client, demo):
    page = client.get(URL, {"month": "2016-09"}).content.decode()
    assert "Humanitarian access report: September 2016" in page
    assert "199,950" in page and "Compared with August 2016 and with September 2015." in page
    assert page.index("Attack on the inter-agency convoy at Urum al-Kubra") < page.index("CV-2016-09-011: Delivered")
    assert "<svg" in page and 'class="shade-' in page  # the chart and the map are drawn by the server


def test_in_arabic_the_map_tables_and_key_events_name_places_in_arabic(client, demo):
    """The map's governorates (their <title>), the governorate table and the key events' places follow the language;
    record text keeps its own language, isolated with dir=auto."""
    page = client.get(URL, {"month": "2016-09", "lang": "ar"}).content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    titles = page[page.index("<svg viewBox") : page.index("</svg>", page.index("<svg viewBox"))]
    assert "<title>حلب: " in titles and "<title>Aleppo: " not in titles
    assert "<td>ريف دمشق</td>" in page and "<td>Rural Damascus</td>" not in page
    assert "— حلب" in page and "— Aleppo<" not in page, "a key event's governorate"
    assert '<strong dir="auto">Attack on the inter-agency convoy at Urum al-Kubra</strong>' in page
    legend = page[page.index('<ul class="shade-legend">') : page.index("</ul>", page.index('<ul class="shade-legend">'))]
    assert legend.count('<bdi dir="ltr">') == legend.count("–") > 0, "a range reads low to high, not reversed"


def test_a_governorate_and_any_period_narrow_the_figures(client, demo):
    aleppo = totals(client, gov="SY02")
    assert aleppo["obstructions"] == 6 and aleppo["convoys_attacked"] == 1 and aleppo["people_reached"] == 0
    response = client.get("/api/v1/statistics/access-report/", {"from": "2016-09-12", "to": "2016-09-19"})
    week = {row["key"]: row for row in response.json()["tables"]["totals"]}
    assert week["obstructions"]["value"] == 11 and week["obstructions"]["previous"] == 3


def test_a_restricted_delivery_changes_no_public_figure(client, restricted_delivery):
    assert totals(client)["convoys_delivered"] == 3 and totals(client)["people_reached"] == 199950
    assert "CV-SECRET-CANARY" not in client.get(URL, {"month": "2016-09"}).content.decode()
    client.force_login(restricted_delivery.by)
    assert totals(client)["convoys_delivered"] == 4


def test_every_table_downloads_as_csv_with_an_hxl_row_and_inert_formulas(client, demo):
    from aidtrack.incidents.models import Incident

    Incident.objects.filter(title__startswith="Air strikes on eastern").update(title="=HYPERLINK(1)")
    for table in ("totals", "categories", "impact", "perpetrators", "governorates", "events"):
        response = client.get(f"/reports/access/{table}.csv", {"month": "2016-09"})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert all(cell.startswith("#") for cell in rows[1]), rows[1]
    events = client.get("/reports/access/events.csv", {"month": "2016-09"}).content.decode()
    assert "'=HYPERLINK(1)" in events


def test_bad_input_says_how_to_fix_it(client, demo):
    for params, words in [
        ({"month": "2016-13"}, "is not a month: use YYYY-MM"),
        ({"from": "2016-09-30", "to": "2016-09-01"}, "swap them"),
        ({"from": "2016-09-01"}, "Give both dates"),
        ({"month": "2016-09", "gov": "SY99"}, "is not a governorate"),
    ]:
        response = client.get(URL, params)
        assert response.status_code == 400 and words in response.content.decode(), params
    assert client.get("/reports/access/nothing.csv").status_code == 404


def test_queries_do_not_grow_with_the_records(client, demo):
    from tests.reports.conftest import more_incidents

    def count():
        cache.clear()  # the figures are kept under the data version: count the queries that compute them
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"month": "2016-09"}).status_code == 200
        return len(captured)

    count()  # the first request draws the governorates' shapes once and keeps them
    before = count()
    more_incidents(8)
    assert count() == before


def test_the_figures_are_kept_until_the_records_change(client, demo):
    """The next reader gets the figures computed for the last one, until a record changes: then new figures."""
    from tests.reports.conftest import more_incidents

    def obstructions():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{URL}totals.csv", {"month": "2016-09"})
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        return next(int(row["value"]) for row in rows if row["figure"].startswith("Access incidents")), len(captured)

    first, computed = obstructions()
    again, kept = obstructions()
    assert first == again == 14 and kept < computed / 3
    more_incidents(2)
    assert obstructions()[0] == 16


def test_without_a_period_the_report_opens_on_the_latest_month_with_records(client, demo):
    """A newcomer who follows the header's link sees the demo's September 2016, not an empty current month."""
    page = client.get(URL).content.decode()
    assert "Humanitarian access report: September 2016" in page
    assert "Access profile by governorate: September 2016" in client.get("/reports/access-profile/").content.decode()
    funnel = client.get("/reports/convoys/").content.decode()
    assert "2016" in funnel and "2026" not in funnel.split("<main", 1)[-1].split("</h1>", 1)[0]
