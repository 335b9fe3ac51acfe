"""The conflict events layer (ACLED format) of the public map, in headless Chromium."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest

from aidtrack.demo.loader import load_demo
from aidtrack.violence.services import conflict_events_save
from tests.browser.test_map import drawn, open_map, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEPTEMBER = "from=2016-09-01&to=2016-09-30&as_of=2016-09-30"


def add_events(*rows):
    """Besides the demo's one event (Urum al-Kubra, 19 September, 20 killed): made-up events for this test only."""
    base = {"event_type": "Battles", "sub_event_type": "Armed clash", "actor1": "TEST actor", "source": "test"}
    conflict_events_save(events=[{**base, **row} for row in rows])


@pytest.fixture
def violence(db):
    load_demo()
    add_events(
        {
            "event_id": "TEST-1",
            "event_date": datetime.date(2016, 9, 16),
            "location": "Aleppo city",
            "latitude": 36.21,
            "longitude": 37.16,
            "fatalities": 0,
        },
        {
            "event_id": "TEST-2",
            "event_date": datetime.date(2016, 9, 17),
            "location": "Deir-ez-Zor airport",
            "latitude": 35.285,
            "longitude": 40.175,
            "fatalities": 60,
            "event_type": "Explosions/Remote violence",
        },
        {
            "event_id": "TEST-AUGUST",
            "event_date": datetime.date(2016, 8, 20),
            "location": "Aleppo city",
            "latitude": 36.2,
            "longitude": 37.15,
            "fatalities": 5,
        },
    )


def markers_shown(page):
    """Every conflict event is a cross on the map or counted in one of the layer's own groups."""
    singles = page.locator("#map .conflict-marker").count()
    grouped = sum(int(text) for text in page.locator("#map .conflict-cluster b").all_inner_texts())
    return singles + grouped


def conflict_requests(page):
    return [url for url in page.requested if "/api/v1/conflict-events/" in url]


@pytest.fixture
def watched(page):
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    return page


def test_the_layer_is_off_and_unread_until_turned_on_then_follows_the_dates(watched, live_server, violence):
    page = watched
    app = open_map(page, f"{live_server.url}/?{SEPTEMBER}")
    assert not page.locator("input[name=layer][value=conflict]").is_checked()
    assert conflict_requests(page) == [], "a first visit does not read conflict events"
    assert app.get_attribute("data-conflict") == "0" and markers_shown(page) == 0

    page.locator("input[name=layer][value=conflict]").check()
    page.wait_for_selector("#map-app[data-conflict='3']")
    assert drawn(app)["incidents"] == 17, "the incidents layer is unchanged"
    page.locator("#map .conflict-marker, #map .conflict-cluster").first.wait_for()
    assert markers_shown(page) == 3  # the demo's event and two test events; the August one is outside the range
    assert "conflict" in parse_qs(urlparse(page.url).query)["layers"][0].split(",")
    assert page.locator("#summary .conflict-total").inner_text() == "3"
    assert page.locator("#summary .conflict-fatalities").inner_text() == "80"  # 20 + 0 + 60
    assert page.locator("#legend .conflict-legend li").count() == 5
    link = page.locator("#downloads li[data-layer=conflict] a.csv").get_attribute("href")
    assert parse_qs(urlparse(link).query) == {"format": ["csv"], "date_from": ["2016-09-01"], "date_to": ["2016-09-30"]}
    screenshot(page, "map-conflict-events")

    page.locator("#as-of").focus()
    for _ in range(12):  # back to 18 September: the convoy attack of the 19th drops out
        page.keyboard.press("ArrowLeft")
    page.wait_for_selector("#map-app[data-conflict='2']")
    assert page.locator("#summary .conflict-fatalities").inner_text() == "60"
    assert len(conflict_requests(page)) == 1, "the slider filters what was read; it reads nothing new"

    page.fill("#date-from", "2016-08-01")  # a wider range is read anew
    page.locator("#date-from").dispatch_event("change")
    page.locator("#as-of").focus()
    page.keyboard.press("End")  # to 30 September: August's event joins the three of September
    page.wait_for_selector("#map-app[data-conflict='4']")
    assert len(conflict_requests(page)) == 2
    assert page.console_errors == []
    assert page.hosts == {live_server.url.split("/")[2]}


def test_a_popup_tells_the_event_and_a_permalink_restores_the_layer(page, live_server, browser, violence):
    open_map(page, f"{live_server.url}/?{SEPTEMBER}&layers=conflict&map=11/36.14/36.87")
    cross = page.locator(".conflict-marker[title*='Urum al-Kubra']")
    cross.wait_for()
    cross.click()
    popup = page.locator(".leaflet-popup-content")
    popup.get_by_text("Fatalities").wait_for()
    text = popup.inner_text()
    assert "Violence against civilians: Attack" in text and "19 September 2016" in text
    assert "not an access incident" in text and "Urum al-Kubra" in text and "20" in text
    assert "Unattributed" in text and "demo scenario, based on public reporting" in text
    screenshot(page, "map-conflict-popup")

    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors = []
    other.on("pageerror", lambda error: errors.append(str(error)))
    other.goto(page.url)
    other.wait_for_selector("#map-app[data-ready=true]")
    assert other.locator("input[name=layer][value=conflict]").is_checked()
    assert not other.locator("input[name=layer][value=incidents]").is_checked()
    other.wait_for_selector("#map .conflict-marker[title*='Urum al-Kubra']")
    assert other.locator("#map-app").get_attribute("data-conflict") == "3"
    assert errors == [] and page.console_errors == []
    other.context.close()
