"""The convoy funnel of September 2016, counted by hand from fixtures/demo/scenario.json.

Nine requests were submitted in September (CV-2016-10-002 is a draft). Six were approved (all fully; -011 was put
on hold and approved again), -005 denied, -003 no response, -020 on hold; -002 was cancelled after approval.
Five were dispatched: -017 and -011 delivered fully, -009 partly (30 surgical kits removed at Madamiyet Elsham),
-001 blocked, -014 attacked. People planned: 570,750; reached 40,000 + 66,450 + 93,500 = 199,950. Days from
submission to the first answer: 5.0, 5.2, 5.2, 7.1, 10.1, 12.0, 13.2, 14.1: median 8.6, 90th percentile 14.1.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aidtrack.reports.convoys import percentile

pytestmark = pytest.mark.django_db

SEPTEMBER = {"from": "2016-09-01", "to": "2016-09-30"}


def tables(client, **params):
    response = client.get("/api/v1/statistics/convoy-funnel/", {**SEPTEMBER, **params})
    assert response.status_code == 200
    return response.json()["tables"]


def steps(client):
    return {row["key"]: row["convoys"] for row in tables(client)["funnel"]}


def test_the_september_2016_funnel_matches_the_demo_counted_by_hand(client, demo):
    assert steps(client) == {
        "requested": 9,
        "approved": 6,
        "approved_fully": 6,
        "approved_partly": 0,
        "denied": 1,
        "no_response": 1,
        "cancelled": 1,
        "on_hold": 1,
        "waiting": 0,
        "dispatched": 5,
        "delivered": 3,
        "delivered_fully": 2,
        "delivered_partly": 1,
        "blocked": 1,
        "attacked": 1,
        "people_planned": 570750,
        "people_reached": 199950,
    }
    stages = {row["key"]: row for row in tables(client)["stages"]}
    assert (stages["answer"]["convoys"], stages["answer"]["median_days"], stages["answer"]["p90_days"]) == (
        8,
        8.6,
        14.1,
    )
    assert tables(client)["months"] == [
        {"month": "2016-09", "requested": 9, "approved": 6, "denied": 1, "no_response": 1, "rate": 66.7}
    ]


def test_the_removals_ledger_gives_the_share_of_what_was_loaded(client, demo):
    (row,) = tables(client)["removals_by_item"]
    assert row == {"group": "Surgical kits", "unit": "kits", "removed": 30, "loaded": 30, "share": 100.0, "removals": 1}
    assert tables(client)["removals_by_party"][0]["group"] == "Government of Syria and allied forces"


def test_a_restricted_delivery_changes_no_public_figure(client, restricted_delivery):
    assert steps(client)["delivered"] == 3 and steps(client)["people_reached"] == 199950
    page = client.get("/reports/convoys/", SEPTEMBER).content.decode()
    assert "CV-SECRET-CANARY" not in page and "199,950" in page
    client.force_login(restricted_delivery.by)
    assert steps(client)["delivered"] == 4 and steps(client)["requested"] == 10


def test_the_page_and_its_downloads(client, demo):
    page = client.get("/reports/convoys/", SEPTEMBER).content.decode()
    assert "570,750" in page and "↳ Attacked" in page and "Surgical kits" in page
    response = client.get("/reports/convoys/stages.csv", SEPTEMBER)
    assert response.status_code == 200 and "#indicator+days+median" in response.content.decode()
    assert client.get("/reports/convoys/", {"from": "2016-09-31", "to": "x"}).status_code == 400


def test_percentiles_are_nearest_rank():
    assert percentile([], 0.9) is None
    assert percentile([3, 1, 2], 0.9) == 3 and percentile(list(range(1, 11)), 0.9) == 9


def test_queries_do_not_grow_with_the_records(client, demo):
    from tests.reports.conftest import more_convoys

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/reports/convoys/", SEPTEMBER).status_code == 200
        return len(captured)

    before = count()
    more_convoys(5)
    assert count() == before


def _bar_geometry(page):
    """(label x, rect x, rect width, value x) of each bar in the page's first bar chart."""
    import re

    chart = page[page.index('<svg class="bars"') : page.index("</svg>", page.index('<svg class="bars"'))]
    found = re.findall(
        r'<text class="bar-label" x="([\d.]+)".*?<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)".*?'
        r'<text class="bar-value" x="([\d.]+)"',
        chart,
        re.S,
    )
    return chart, [tuple(float(n) for n in row) for row in found]


@pytest.mark.parametrize("path", ["/reports/convoys/?from=2016-09-01&to=2016-09-30", "/reports/access/?month=2016-09"])
def test_in_arabic_the_bars_grow_from_the_right_with_their_labels_on_the_right(client, demo, path):
    """Each bar starts at the chart's right edge less the label room; its label is right of it, its value left of it
    (the anchors are read right to left). In English the same bars grow from the left."""
    chart, english = _bar_geometry(client.get(path, {"lang": "en"}).content.decode())
    assert english and all(label < rect <= value - rect_width for label, rect, rect_width, value in english)
    assert 'direction="rtl"' not in chart
    chart, arabic = _bar_geometry(client.get(path, {"lang": "ar"}).content.decode())
    assert 'direction="rtl"' in chart and len(arabic) == len(english)
    ends = {round(rect + width, 1) for _label, rect, width, _value in arabic}
    assert len(ends) == 1, "every bar starts from the same right edge"
    assert all(value < rect and label > rect + width for label, rect, width, value in arabic)


def test_a_request_is_counted_in_the_month_of_its_day_in_syria_not_in_utc(client, demo):
    """Submitted at 00:30 on 1 October 2016 in Damascus (21:30 UTC on 30 September): an October request, whichever
    way the database hands back the moment (aware on PostgreSQL, naive UTC on SQLite)."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from aidtrack.areas.models import Area
    from aidtrack.convoys.services import DestinationInput, convoy_create, convoy_transition
    from aidtrack.orgs.models import Organization

    by = get_user_model().objects.get(username="reporter.ocha")
    just_after_midnight = timezone.make_aware(datetime.datetime(2016, 10, 1, 0, 30))
    assert just_after_midnight.astimezone(datetime.UTC).day == 30
    convoy = convoy_create(
        by=by,
        reference="CV-MIDNIGHT",
        lead_organization=Organization.objects.get(acronym="OCHA"),
        origin_name="Damascus",
        plan_month=datetime.date(2016, 10, 1),
        destinations=[DestinationInput(area=Area.objects.get(name_en="Madaya"), planned_beneficiaries=100)],
        created_at=just_after_midnight - datetime.timedelta(hours=1),
    )
    convoy_transition(convoy=convoy, to_status="submitted", by=by, occurred_at=just_after_midnight)
    months = {
        row["month"]: row["requested"] for row in tables(client, **{"from": "2016-09-01", "to": "2016-10-31"})["months"]
    }
    assert months["2016-09"] == 9 and months["2016-10"] >= 1
