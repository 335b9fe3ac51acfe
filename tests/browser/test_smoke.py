"""A newcomer's first minute in a real browser: the home page, then the admin."""

import pytest
from django.contrib.auth import get_user_model

from aidtrack.demo.loader import load_demo
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_shows_the_register_without_errors_or_other_hosts(page, live_server):
    load_demo()
    page.goto(f"{live_server.url}/?as_of=2016-09-19")
    assert (
        page.locator("#register h2")
        .first.inner_text()
        .startswith("Besieged and hard-to-reach areas on 19 September 2016")
    )
    assert page.locator("#register table").first.locator("tbody tr").count() == 13
    assert page.locator("#register .figure .value").first.inner_text() == "711,650"
    screenshot(page, "home")
    assert page.console_errors == []
    assert page.hosts == {live_server.url.split("/")[2]}


def test_the_site_admin_signs_in_and_finds_the_attacked_convoy(page, live_server):
    load_demo()
    user = get_user_model().objects.get(username="admin")
    user.set_password("demo-pass-123")
    user.save()
    page.goto(f"{live_server.url}/admin/")  # the admin signs in on the staff sign-in page, then returns
    page.fill("#id_username", "admin")
    page.fill("#id_password", "demo-pass-123")
    page.click("main button[type=submit]")
    page.click("#content-main a[href$='/convoys/convoyrequest/']")
    page.fill("#searchbar", "Urum")
    page.press("#searchbar", "Enter")
    page.click("text=CV-2016-09-014")
    assert page.locator(".field-status .readonly").inner_text() == "Attacked"
    screenshot(page, "admin-convoy")
    assert page.console_errors == []
