"""People besieged over time, from the register's history: one query whatever the number of days."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aidtrack.areas.selectors import people_by_status_on, people_by_status_series

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_series_agrees_with_the_register_day_by_day(demo):
    series = dict(people_by_status_series(D(2016, 6, 1), D(2016, 10, 31)))
    # 711,650 people besieged on 19 September 2016 (the register's twelve besieged areas, Darayya's 0 aside);
    # eastern Aleppo (275,000) moved from hard to reach to besieged on 7 July 2016.
    assert series[D(2016, 9, 19)]["besieged"] == 711_650
    assert series[D(2016, 7, 6)]["besieged"] == 711_650 - 275_000
    assert (
        series[D(2016, 7, 6)]["hard_to_reach"] == 275_000 + 78_000 and series[D(2016, 7, 7)]["hard_to_reach"] == 78_000
    )
    for day in (D(2016, 6, 1), D(2016, 7, 7), D(2016, 10, 31)):
        assert series[day] == people_by_status_on(day)


def test_one_query_for_any_number_of_days(demo):
    with CaptureQueriesContext(connection) as captured:
        people_by_status_series(D(2014, 1, 1), D(2016, 12, 31))
    assert len(captured) == 1


def test_the_chart_is_an_svg_image_and_in_the_report(client, demo):
    response = client.get("/reports/people.svg", {"from": "2016-06-01", "to": "2016-10-31"})
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    assert "Besieged: 711,650" in response.content.decode()
    page = client.get("/reports/access/", {"month": "2016-09"}).content.decode()
    assert "Besieged: 711,650" in page
    rows = client.get("/api/v1/statistics/access-report/", {"month": "2016-09"}).json()["tables"]["people"]
    assert rows[18] == {"date": "2016-09-19", "besieged": 711_650, "military_encircled": 0, "hard_to_reach": 78_000}
    assert client.get("/reports/people.svg", {"from": "2016-06-01", "to": "2020-10-31"}).status_code == 400


@pytest.mark.parametrize("path", ["/reports/people.svg", "/reports/access/"])
def test_in_arabic_the_chart_is_mirrored_time_running_from_the_right(client, demo, path):
    """As the day strips are: the first day on the right, the value axis on the right, the lines' labels on the left
    (they overlapped the plot when the English geometry was read right to left)."""
    import re

    def first_and_last_day_x(lang):
        page = client.get(path, {"month": "2016-09", "lang": lang}).content.decode()
        chart = page[page.index("<svg", page.index('class="people-chart"') if path.endswith("/") else 0) :]
        chart = chart[: chart.index("</svg>")]
        ticks = re.findall(r'<text[^>]*x="([\d.]+)"[^>]*text-anchor="middle"[^>]*>([^<]+)</text>', chart)
        labels = [float(x) for x in re.findall(r'<text[^>]*x="([\d.]+)"[^>]*>[^<]*: [\d,]+</text>', chart)]
        return chart, float(ticks[0][0]), float(ticks[-1][0]), labels

    chart, first, last, labels = first_and_last_day_x("en")
    assert first < last and min(labels) > last and 'direction="rtl"' not in chart
    chart, first, last, labels = first_and_last_day_x("ar")
    assert first > last and max(labels) < last and 'direction="rtl"' in chart
