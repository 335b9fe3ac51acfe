"""The public map in headless Chromium, on the September 2016 demo data."""

import re
from urllib.parse import parse_qs, urlparse

import pytest

from aidtrack.demo.loader import load_demo
from tests.browser.conftest import OUTPUT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def screenshot(page, name):
    """The map as the reader sees it (the viewport); the page below it is the register's tables."""
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"))


def open_map(page, url):
    page.goto(url)
    try:
        page.wait_for_selector("#map-app[data-ready=true]", timeout=20000)
    except Exception:
        pytest.fail(f"The map did not finish drawing; console: {page.console_errors}")
    return page.locator("#map-app")


def drawn(app):
    return {key: int(app.get_attribute(f"data-{key}")) for key in ("areas", "convoys", "convoy-lines", "incidents")}


def test_every_layer_draws_the_demo_with_no_errors_and_no_other_host(page, live_server):
    load_demo()
    app = open_map(page, f"{live_server.url}/?from=2016-09-01&to=2016-09-30&as_of=2016-09-30")
    # 14 register areas, the 9 convoy requests of September 2016 (13 origin-destination lines),
    # and the 17 verified public incidents.
    assert drawn(app) == {"areas": 14, "convoys": 9, "convoy-lines": 13, "incidents": 17}
    assert page.locator(".area-marker").count() == 14
    assert page.locator("path.convoy-line").count() == 13
    assert page.locator(".convoy-badge").count() == 9
    # Incidents are clustered: every incident is a marker, counted in a cluster, or (known only by its
    # governorate: the demo loads no sub-districts) counted in its governorate's badge.
    singles = page.locator(".incident-marker:not(.legend-marker)").count()
    clustered = sum(int(text) for text in page.locator(".marker-cluster span").all_inner_texts())
    assert singles + clustered + in_badges(page) == 17
    assert in_badges(page) == 15
    assert page.locator(".gov-label").count() == 14
    screenshot(page, "map-september-2016")
    assert page.console_errors == []
    assert page.hosts == {live_server.url.split("/")[2]}


def in_badges(page) -> int:
    return sum(int(text) for text in page.locator(".leaflet-marker-icon.incident-area-badge").all_inner_texts())


def test_a_generalised_incident_says_where_it_is_shown_and_a_governorate_one_is_not_a_point(page, live_server):
    from django.utils import timezone

    from aidtrack.geo.models import AdminArea, AdminLevel
    from aidtrack.incidents.models import Incident
    from tests.factories import square

    load_demo()
    governorate = AdminArea.objects.get(pcode="SY03")
    district = AdminArea.objects.create(
        pcode="SY0307",
        level=AdminLevel.DISTRICT,
        name_en="Az-Zabdani",
        parent=governorate,
        geometry=square(36, 33.6, 0.2),
    )
    sub = AdminArea.objects.create(
        pcode="SY030703",
        level=AdminLevel.SUBDISTRICT,
        name_en="Madaya",
        parent=district,
        geometry=square(36, 33.6, 0.2),
    )
    evacuation = Incident.objects.get(title="Medical evacuation from Madaya not allowed")
    Incident.objects.filter(pk=evacuation.pk).update(admin2=district, admin3=sub, updated_at=timezone.now())
    open_map(
        page, f"{live_server.url}/?from=2016-09-01&to=2016-09-30&as_of=2016-09-30&layers=incidents&map=11/33.7/36.1"
    )
    page.locator(".incident-marker[title^='Medical evacuation from Madaya']").click()
    popup = page.locator(".leaflet-popup-content")
    popup.get_by_text("Perpetrator").wait_for()
    assert "Madaya (shown at its sub-district: the exact place is withheld)" in popup.inner_text()
    screenshot(page, "map-generalised-popup")
    # Known only by its governorate: Aleppo's badge lists them, drawn beside the name, not at a place.
    page.goto(f"{live_server.url}/?from=2016-09-01&to=2016-09-30&as_of=2016-09-30&layers=incidents")
    page.wait_for_selector("#map-app[data-ready=true]")
    badge = page.locator(".leaflet-marker-icon.incident-area-badge[title*='Aleppo governorate']")
    badge.click()
    text = page.locator(".leaflet-popup-content").inner_text()
    assert "known only to be in Aleppo governorate" in text and "Air strikes on eastern Aleppo" in text
    assert "Not drawn at a place" in text
    screenshot(page, "map-governorate-badge")
    assert page.console_errors == []


def test_popups_tell_the_besieging_parties_and_the_convoy_pipeline(page, live_server):
    load_demo()
    open_map(page, f"{live_server.url}/?from=2016-09-01&to=2016-09-30&as_of=2016-09-30&layers=areas")
    page.locator(".area-marker[title^='Aleppo city (eastern)']").click()
    popup = page.locator(".leaflet-popup-content")
    assert "Government of Syria and allied forces" in popup.inner_text() and "275,000" in popup.inner_text()
    page.goto(f"{live_server.url}/?from=2016-09-01&to=2016-09-30&as_of=2016-09-30&layers=convoys")
    page.wait_for_selector("#map-app[data-ready=true]")
    page.locator(".convoy-badge[title^='Convoy CV-2016-09-014']").focus()
    page.keyboard.press("Enter")
    text = page.locator(".leaflet-popup-content").inner_text()
    assert "Attacked" in text and "Dispatched" in text and "19 September 2016" in text
    screenshot(page, "map-convoy-popup")
    # Unclustered at zoom 11: the incident's popup reads its public record from the API.
    page.goto(f"{live_server.url}/?from=2016-09-01&to=2016-09-30&as_of=2016-09-30&layers=incidents&map=11/36.14/36.87")
    page.wait_for_selector("#map-app[data-ready=true]")
    page.locator(".incident-marker[title^='Attack on the inter-agency convoy']").click()
    popup = page.locator(".leaflet-popup-content")
    popup.get_by_text("people killed").wait_for()
    text = popup.inner_text()
    assert "5. Violence against humanitarian personnel" in text and "19 September 2016" in text
    screenshot(page, "map-incident-popup")
    assert page.console_errors == []


def test_the_timeline_replays_the_register_and_the_incidents(page, live_server):
    load_demo()
    app = open_map(page, f"{live_server.url}/?from=2016-09-01&to=2016-09-30&as_of=2016-09-10")
    before = drawn(app)
    assert before["incidents"] == 3  # 5, 8 and 10 September
    assert page.locator(".convoy-badge[title$='Attacked']").count() == 0
    slider = page.locator("#as-of")
    slider.focus()
    for _ in range(9):  # to 19 September, one day per arrow key
        page.keyboard.press("ArrowRight")
    assert page.locator("#as-of-label").inner_text() == "19 September 2016"
    after = drawn(app)
    assert after["incidents"] > before["incidents"]
    assert page.locator(".convoy-badge[title='Convoy CV-2016-09-014: Attacked']").count() == 1
    assert parse_qs(urlparse(page.url).query)["as_of"] == ["2016-09-19"]
    # Before Darayya's evacuation (27 August) it was besieged; on 19 September it is accessible.
    assert page.locator(".area-marker[title^='Darayya: Accessible']").count() == 1
    # The convoy download gives the convoys as they stood that day, as drawn.
    geojson = page.locator("#downloads li[data-layer=convoys] a.geojson").get_attribute("href")
    assert parse_qs(urlparse(geojson).query)["as_of"] == ["2016-09-19"]
    features = page.request.get(f"{live_server.url}{geojson}").json()["features"]
    assert len(features) == after["convoys"]
    statuses = {f["properties"]["reference"]: f["properties"]["status"] for f in features}
    assert statuses["CV-2016-09-014"] == "attacked"
    screenshot(page, "map-19-september")
    assert page.console_errors == []


def test_a_filter_changes_the_summary_and_the_downloads(page, live_server):
    load_demo()
    app = open_map(page, f"{live_server.url}/?from=2016-09-01&to=2016-09-30&as_of=2016-09-19")
    besieged = page.locator("#summary .figure[data-status=besieged] .value")
    assert besieged.inner_text() == "711,650"
    total = int(page.locator("#summary .incident-total").inner_text())
    page.select_option("#f-governorate", "SY02")
    assert besieged.inner_text() == "275,000"  # eastern Aleppo only
    assert int(page.locator("#summary .incident-total").inner_text()) < total
    page.select_option("#f-category", "7")
    rows = page.locator("#summary .incident-summary tr")
    assert rows.count() == 1 and rows.first.get_attribute("data-category") == "7"
    link = page.locator("#downloads li[data-layer=incidents] a.csv").get_attribute("href")
    query = parse_qs(urlparse(link).query)
    assert query == {
        "format": ["csv"],
        "date_from": ["2016-09-01"],
        "date_to": ["2016-09-19"],
        "category": ["7"],
        "pcode": ["SY02"],
    }
    # The link answers with exactly the incidents drawn.
    geojson = page.locator("#downloads li[data-layer=incidents] a.geojson").get_attribute("href")
    answer = page.request.get(f"{live_server.url}{geojson}").json()
    assert len(answer["features"]) == int(app.get_attribute("data-incidents"))
    screenshot(page, "map-filtered")
    assert page.console_errors == []


def convoy_summary(page):
    rows = page.locator("#summary .convoy-summary tr")
    return {rows.nth(i).get_attribute("data-key"): int(rows.nth(i).locator(".num").inner_text()) for i in range(4)}


def test_the_convoy_summary_counts_the_steps_between_from_and_as_of(page, live_server):
    load_demo()
    open_map(page, f"{live_server.url}/?from=2016-09-01&to=2016-09-30&as_of=2016-09-30")
    assert convoy_summary(page) == {"requested": 9, "approved": 6, "delivered": 3, "stopped": 4}
    # From 20 September: every request was made before; CV-2016-09-011 was approved again after its hold and
    # delivered, CV-2016-09-001 blocked. Earlier deliveries, denials and the attack are not counted.
    open_map(page, f"{live_server.url}/?from=2016-09-20&to=2016-09-30&as_of=2016-09-30")
    assert convoy_summary(page) == {"requested": 0, "approved": 1, "delivered": 1, "stopped": 1}
    assert "20 September 2016 – 30 September 2016" in page.locator("#summary").inner_text()
    screenshot(page, "map-convoy-summary-from-20-september")


def test_the_summary_shows_nothing_for_a_layer_that_is_off(page, live_server):
    load_demo()
    open_map(page, f"{live_server.url}/?from=2016-09-01&to=2016-09-30&as_of=2016-09-30")
    summary = page.locator("#summary").inner_text()
    assert "null" not in summary and "undefined" not in summary
    assert summary.rstrip().endswith(page.locator("#summary .incident-summary tr").last.inner_text().strip())
    assert page.console_errors == []


def test_a_permalink_restores_the_view(page, live_server, browser):
    load_demo()
    open_map(page, f"{live_server.url}/?from=2016-09-01&to=2016-09-30&as_of=2016-09-19")
    page.select_option("#f-area-status", "besieged")
    page.select_option("#choropleth", "people-adm1")
    page.locator("input[name=layer][value=incidents]").uncheck()
    page.locator("#map").focus()
    page.keyboard.press("+")
    page.wait_for_url(re.compile(r"[?&]map="))
    link = page.url
    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    other.goto(link)
    other.wait_for_selector("#map-app[data-ready=true]")
    app = other.locator("#map-app")
    assert other.input_value("#f-area-status") == "besieged"
    assert other.input_value("#choropleth") == "people-adm1"
    assert not other.locator("input[name=layer][value=incidents]").is_checked()
    assert other.locator(".incident-marker:not(.legend-marker)").count() == 0
    assert app.get_attribute("data-areas") == "12"  # besieged on 19 September 2016
    assert int(app.get_attribute("data-shaded")) == 6  # governorates with people besieged
    assert other.evaluate("location.search") == page.evaluate("location.search")
    zoom = float(parse_qs(urlparse(link).query)["map"][0].split("/")[0])
    assert other.locator(".leaflet-control-zoom-in").is_visible() and zoom >= 6
    screenshot(other, "map-permalink")
    other.context.close()


def test_the_map_fits_a_phone_screen(browser, live_server):
    load_demo()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/?from=2016-09-01&to=2016-09-30&as_of=2016-09-19")
    page.wait_for_selector("#map-app[data-ready=true]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator("#map").bounding_box()
    assert box["width"] <= 390 and box["height"] > 300
    screenshot(page, "map-phone")
    assert errors == []
    context.close()


def test_close_in_the_map_draws_the_rivers_and_names_madaya_with_the_credits(page, live_server):
    load_demo()
    open_map(page, f"{live_server.url}/?map=11/33.6900/36.1000")
    page.locator("path.context-river").first.wait_for(state="attached")
    page.locator(".community-label", has_text="Madaya").first.wait_for()
    assert "Rivers: GSHHG" in page.locator(".leaflet-control-attribution").first.inner_text()
    # Zoomed out to the country, the rivers give way to the register's own layers.
    open_map(page, f"{live_server.url}/?map=7/35.0000/38.5000")
    page.wait_for_timeout(500)
    assert page.locator("path.context-river").count() == 0
    assert page.console_errors == []


def test_close_in_the_map_draws_the_loaded_roads_with_their_credit(page, live_server, tmp_path):
    """Roads an operator loaded (synthetic lines here) are drawn on the public map at high zoom only."""
    from tests.browser.test_field_offline import load_synthetic_roads

    load_demo()
    load_synthetic_roads(tmp_path)
    open_map(page, f"{live_server.url}/?map=12/33.6900/36.1000")
    page.locator("path.context-road").first.wait_for(state="attached")
    page.locator(".community-label", has_text="Madaya").first.wait_for()
    credits = page.locator("#map").inner_text()
    assert "Roads:" in credits and "Synthetic test roads" in credits
    screenshot(page, "map-roads-madaya")
    open_map(page, f"{live_server.url}/?map=8/34.0000/37.0000")
    page.wait_for_timeout(500)
    assert page.locator("path.context-road").count() == 0
    assert page.console_errors == []
