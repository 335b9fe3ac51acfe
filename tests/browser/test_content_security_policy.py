"""Every page works under the Content-Security-Policy: the browser reports no violation anywhere.

The public map (every layer, the shading and the legend), the register, the staff screens (each page with a
record of the demo, the map picker, an import run), the Django admin (every model's list, add and change
pages and its history) and the API documentation (Swagger UI and ReDoc). A violation is caught both as a
``securitypolicyviolation`` event and as the console error the browser writes.
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from aidtrack.areas.models import Area
from aidtrack.convoys.models import ConvoyRequest
from aidtrack.demo.loader import load_demo
from aidtrack.incidents.models import Incident
from tests.browser.conftest import OUTPUT, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "policy-pass-123"
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${where})`);
});
"""


@pytest.fixture
def policed(page):
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def viewport_shot(page, name):
    """The documentation pages are very long: what the reader first sees."""
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"))


def visit(page, url, ready=None):
    response = page.goto(url)
    assert response.status < 500, f"{url} answered {response.status}"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    if ready:
        page.wait_for_selector(ready, timeout=20000)
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.cspViolations")
    refused = [error for error in page.console_errors if "Content Security Policy" in error]
    assert (violations, refused) == ([], []), f"{url} breaks the policy"
    page.console_errors.clear()


def sign_in(page, live_server, username, path="/staff/login/", button="main button[type=submit]"):
    user = get_user_model().objects.get(username=username)
    user.set_password(PASSWORD)
    user.save()
    page.goto(f"{live_server.url}{path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click(button)
    page.wait_for_load_state("networkidle")


def test_the_public_pages_and_the_api_docs_break_no_rule_of_the_policy(policed, live_server):
    load_demo()
    base = live_server.url
    visit(policed, f"{base}/?as_of=2016-09-19", "#map-app[data-ready=true]")
    every_layer = "?from=2016-09-01&to=2016-09-30&layers=areas,convoys,incidents,conflict&choropleth=incidents-adm1"
    visit(policed, f"{base}/{every_layer}", "#map-app[data-ready=true]")
    policed.locator(".area-marker").first.focus()
    policed.keyboard.press("Enter")
    policed.locator(".convoy-badge").first.focus()
    policed.keyboard.press("Enter")
    policed.wait_for_selector(".leaflet-popup-content .pipeline")
    visit_current(policed)
    visit(policed, f"{base}/?map=11/36.14/36.87&layers=incidents,conflict", "#map-app[data-ready=true]")
    visit(policed, f"{base}/api/v1/docs/", ".opblock")
    viewport_shot(policed, "csp-swagger")
    visit(policed, f"{base}/api/v1/redoc/", "text=aidtrack API")
    policed.fill("input[placeholder='Search...']", "convoy")
    policed.wait_for_selector("[data-role='search:results'] li")  # the search runs in ReDoc's worker
    viewport_shot(policed, "csp-redoc")
    for path in (
        "/staff/login/",
        "/staff/password/reset/",
        "/staff/password/reset/sent/",
        "/staff/password/reset/MQ/not-a-token/",
        "/staff/password/reset/complete/",
        "/no-such-page/",
    ):
        visit(policed, f"{base}{path}")
    assert policed.hosts == {base.split("/")[2]}


def test_the_staff_screens_break_no_rule_of_the_policy(policed, live_server, tmp_path, settings):
    settings.AIDTRACK_IMPORT_DIR = tmp_path / "imports"
    load_demo()
    base = live_server.url
    sign_in(policed, live_server, "reviewer")
    incident = Incident.objects.filter(organization__acronym="SARC").order_by("pk").first()
    convoy = ConvoyRequest.objects.filter(status="draft").first() or ConvoyRequest.objects.first()
    area = Area.objects.order_by("pk").first()
    pages = [
        "staff:dashboard",
        "staff:incident_list",
        "staff:convoy_list",
        "staff:area_list",
        "staff:review_queue",
        "staff:import",
        "staff:import_mappings",
        "staff:import_mapping_new",
        "staff:password_change",
        ("staff:incident_detail", incident.pk),
        ("staff:incident_history", incident.pk),
        ("staff:convoy_detail", convoy.pk),
        ("staff:convoy_edit", convoy.pk),
        ("staff:convoy_history", convoy.pk),
        ("staff:area_detail", area.pk),
        ("staff:area_history", area.pk),
        "staff:convoy_create",
        "staff:alerts",
        "staff:alert_subscribe",
    ]
    for name in pages:
        name, *args = name if isinstance(name, tuple) else (name,)
        visit(policed, f"{base}{reverse(name, args=args)}")
    for kind in ("incidents", "areas", "convoys"):
        visit(policed, f"{base}{reverse('staff:import')}?kind={kind}")
    for kind in ("incidents", "areas", "convoys", "review"):
        visit(policed, f"{base}{reverse('staff:alert_subscribe')}?kind={kind}")
    # The map picker, with its outlines and a looked-up point, and the community search.
    visit(
        policed, f"{base}{reverse('staff:incident_edit', args=[incident.pk])}", "#map-picker path.leaflet-interactive"
    )
    visit(policed, f"{base}{reverse('staff:incident_create')}", "#map-picker path.leaflet-interactive")
    policed.locator("#map-picker path.leaflet-interactive").first.click()
    policed.fill("#id_stated_area", "Madaya")
    policed.wait_for_selector(".suggestions li[role=option]")
    visit_current(policed)
    # An import run's page.
    table = tmp_path / "log.csv"
    table.write_text("Date,Category,Summary,Latitude,Longitude\n19/09/2016,5,Convoy attacked,36.1479,36.9479\n")
    policed.goto(f"{base}{reverse('staff:import')}")
    policed.select_option("#id_organization", label="Syrian Arab Red Crescent (SARC)")
    policed.set_input_files("#id_file", str(table))
    policed.click("text=Check the file")
    policed.wait_for_selector("text=Import these rows")
    visit(policed, policed.url)
    screenshot(policed, "csp-staff-import-run")


def visit_current(page):
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.cspViolations") == [], f"{page.url} breaks the policy"
    assert [error for error in page.console_errors if "Content Security Policy" in error] == []


def test_the_django_admin_breaks_no_rule_of_the_policy(policed, live_server):
    load_demo()
    base = live_server.url
    sign_in(policed, live_server, "admin", path="/admin/login/")
    visit(policed, f"{base}/admin/")
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        visit(policed, f"{base}{reverse(f'{prefix}_changelist')}")
        if model_admin.has_add_permission(_request_for("admin")):
            visit(policed, f"{base}{reverse(f'{prefix}_add')}")
        first = model_admin.get_queryset(_request_for("admin")).order_by("pk").first()
        if first is not None:
            visit(policed, f"{base}{reverse(f'{prefix}_change', args=[first.pk])}")
            visit(policed, f"{base}{reverse(f'{prefix}_history', args=[first.pk])}")
            if isinstance(model_admin, SimpleHistoryAdmin):
                version = first.history.order_by("history_id").first()
                url = reverse(f"{prefix}_simple_history", args=[first.pk, version.history_id])
                visit(policed, f"{base}{url}")
    screenshot(policed, "csp-admin")


def _request_for(username):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(username=username)
    return request


def test_a_configured_tile_server_loads_under_the_policy(policed, live_server, settings):
    """Tiles from another origin (here the same server under another name) are allowed, and nothing else is."""
    from aidtrack.web.content_policy import content_security_policy

    load_demo()
    port = live_server.url.rsplit(":", 1)[1]
    settings.AIDTRACK_MAP_TILE_URL = f"http://127.0.0.1:{port}/static/web/favicon.svg?tile={{z}}/{{x}}/{{y}}"
    settings.CONTENT_SECURITY_POLICY = content_security_policy(tile_url=settings.AIDTRACK_MAP_TILE_URL)
    visit(policed, f"{live_server.url}/?as_of=2016-09-19", "#map-app[data-ready=true]")
    policed.wait_for_selector("img.leaflet-tile-loaded")
    assert policed.hosts == {live_server.url.split("/")[2], f"127.0.0.1:{port}"}
