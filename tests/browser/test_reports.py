"""The answer pages in headless Chromium: each drawn without errors or other hosts, on a desktop and a phone,
and the September 2016 access report printed to an A4 PDF."""

import re

import pytest

from aidtrack.demo.loader import load_demo
from tests.browser.conftest import OUTPUT, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = {
    "agreements": "/agreements/",
    "agreement": "/agreements/{agreement}/",
    "agreement-day": "/agreements/{agreement}/days/2016-09-16/",
    "access-report": "/reports/access/?month=2016-09",
    "convoy-funnel": "/reports/convoys/?from=2016-09-01&to=2016-09-30",
}


def test_every_answer_page_draws_on_a_desktop_and_a_phone(browser, live_server):
    from aidtrack.agreements.models import Agreement

    load_demo()
    agreement = Agreement.objects.get().pk
    for size, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        errors, hosts = [], set()
        page.on("console", lambda message, errors=errors: message.type == "error" and errors.append(message.text))
        page.on("request", lambda request, hosts=hosts: hosts.add(request.url.split("/")[2]))
        for name, path in PAGES.items():
            page.goto(live_server.url + path.format(agreement=agreement))
            assert page.locator("main h2").first.is_visible()
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} is wider than a {size} screen"
            screenshot(page, f"answers-{name}-{size}")
        assert errors == [] and hosts == {live_server.url.split("/")[2]}
        context.close()


def test_the_agreement_strip_leads_to_a_days_evidence(page, live_server):
    load_demo()
    page.goto(f"{live_server.url}/agreements/")
    page.get_by_role("link", name=re.compile("Cessation of hostilities")).click()
    page.locator(".strip a").nth(4).click()  # 16 September, the first day not met
    assert "The evidence for Friday 16 September 2016" in page.locator("main h2").inner_text()
    assert page.get_by_text("Clashes south of Aleppo").is_visible()


def test_the_september_report_prints_to_a_few_a4_pages(page, live_server):
    load_demo()
    page.goto(f"{live_server.url}/reports/access/?month=2016-09")
    page.emulate_media(media="print")
    assert not page.locator(".main-nav").is_visible() and not page.locator(".download").first.is_visible()
    screenshot(page, "answers-access-report-print")
    OUTPUT.mkdir(exist_ok=True)
    pdf = page.pdf(path=str(OUTPUT / "answers-access-report-2016-09.pdf"), format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pdf.startswith(b"%PDF") and 1 <= pages <= 4, pages
