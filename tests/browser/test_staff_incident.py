"""A reporter reports an incident by clicking the map; the admin areas appear at once."""

import pytest
from django.contrib.auth import get_user_model

from aidtrack.demo.loader import load_demo
from aidtrack.incidents.models import Incident
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MADAYA = (33.6901, 36.0963)


def sign_in(page, live_server, username):
    user = get_user_model().objects.get(username=username)
    user.set_password("demo-pass-123")
    user.save()
    page.goto(f"{live_server.url}/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-pass-123")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/staff/")


def test_report_an_incident_by_clicking_the_map(page, live_server):
    load_demo()
    sign_in(page, live_server, "reporter.sarc")
    screenshot(page, "staff-dashboard")
    page.click("text=Report an incident")
    page.wait_for_selector("#map-picker.leaflet-container")  # the picker is kept on the element as the map starts
    page.wait_for_selector("#map-picker path.leaflet-interactive")  # governorate outlines drawn
    page.evaluate(f"document.getElementById('map-picker').picker.map.setView([{MADAYA[0]}, {MADAYA[1]}], 10)")
    x, y = page.evaluate(
        "([lat, lon]) => {"
        " const point = document.getElementById('map-picker').picker.map.latLngToContainerPoint([lat, lon]);"
        " return [point.x, point.y]; }",
        list(MADAYA),
    )
    page.locator("#map-picker").click(position={"x": x, "y": y})

    page.locator("#placement [data-level=admin1]", has_text="SY03").wait_for()
    assert page.locator("#placement [data-level=admin1]").inner_text().startswith("Rural Damascus (SY03)")
    assert page.locator("#placement [data-level=community]").inner_text().startswith("Madaya (C2450)")
    assert abs(float(page.input_value("#id_latitude")) - MADAYA[0]) < 0.01
    assert abs(float(page.input_value("#id_longitude")) - MADAYA[1]) < 0.01

    page.select_option("#id_category", "4")
    page.fill("#id_title", "Medical supplies held at the Madaya checkpoint")
    page.fill("#id_occurred_on", "2016-09-21")
    page.fill("#id_public_summary", "Medical supplies were held at the checkpoint for six hours.")
    page.fill("#id_people_injured", "2")
    screenshot(page, "staff-incident-form")
    page.click("text=Report the incident")

    page.wait_for_selector("text=is reported; a reviewer will verify it")
    incident = Incident.objects.get(title="Medical supplies held at the Madaya checkpoint")
    assert (incident.admin1.pcode, incident.community.pcode) == ("SY03", "C2450")
    assert "Rural Damascus (SY03)" in page.locator(".facts").first.inner_text()
    screenshot(page, "staff-incident-detail")
    assert page.console_errors == []
    assert page.hosts == {live_server.url.split("/")[2]}


def test_community_search_suggests_madaya_for_a_variant_spelling(page, live_server):
    load_demo()
    sign_in(page, live_server, "reporter.sarc")
    page.goto(f"{live_server.url}/staff/incidents/new/")
    page.fill("#id_stated_area", "Mudaya")
    page.wait_for_selector(".suggestions li[role=option]")
    assert page.locator(".suggestions li").first.inner_text().startswith("Madaya (C2450)")
    page.locator(".suggestions li").first.dispatch_event("mousedown")
    assert page.input_value("#id_stated_area") == "Madaya (C2450)"
    page.locator("#placement [data-level=community]", has_text="C2450").wait_for()
    assert page.locator("#placement [data-level=admin1]").inner_text().startswith("Rural Damascus (SY03)")
    screenshot(page, "staff-community-search")
    assert page.console_errors == []
