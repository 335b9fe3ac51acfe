"""A field officer reports with no connection: the form opens offline, the report waits on the device, and is
sent once when the connection returns; a refused report comes back with its message; signing out clears it."""

import time
import uuid

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Error as PlaywrightError

from aidtrack.demo.loader import load_demo
from aidtrack.incidents.models import Incident
from tests.browser.conftest import OUTPUT, screenshot
from tests.browser.test_staff_incident import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def until(page, script, timeout=15.0, arg=None):
    """Polls a script with evaluate (wait_for_function evaluates strings, which the page's CSP refuses)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = page.evaluate(script, arg)
        except PlaywrightError:
            value = None  # the page navigated (a page that held a step reloads once it is sent): ask again
        if value:
            return value
        page.wait_for_timeout(200)
    raise AssertionError(f"never true: {script}")


def kept_offline(page, live_server):
    """Waits until the service worker controls the page and keeps the incident form."""
    until(page, "() => !!navigator.serviceWorker.controller")
    until(page, "() => caches.match('/staff/incidents/new/').then((found) => !!found)")
    until(page, "() => caches.match('/geo/layers/communities.json').then((found) => !!found)")


def fill_report(page, title, occurred_on="2016-09-21"):
    page.select_option("#id_category", "4")
    page.fill("#id_title", title)
    page.fill("#id_occurred_on", occurred_on)
    page.fill("#id_public_summary", "Medical supplies were held at the checkpoint.")
    page.fill("#id_latitude", "33.6901")
    page.fill("#id_longitude", "36.0963")


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.console_errors = []
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield context, page
    context.close()


def test_a_report_typed_offline_waits_on_the_device_and_is_sent_once_when_back_online(phone, live_server):
    context, page = phone
    load_demo()
    sign_in(page, live_server, "reporter.sarc")
    kept_offline(page, live_server)
    # Chromium finds nothing stopping an install (a test browser's context is always incognito).
    cdp = context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []
    assert cdp.send("Page.getAppManifest")["errors"] == []
    cdp.detach()

    context.set_offline(True)
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(f"{live_server.url}/staff/incidents/new/")
    page.locator("#offline-banner").wait_for()
    page.locator("#map-picker path.leaflet-interactive").first.wait_for()  # boundaries drawn from the kept copy
    # Every script, style, translation and map layer the page needs comes from what the device kept.
    kept = ("/static/", "/jsi18n/", "/geo/layers/")
    assert [url for url in failed if any(part in url for part in kept)] == []
    # The community search answers from the gazetteer kept on the device.
    page.fill("#id_stated_area", "Madaya")
    page.locator(".suggestions li", has_text="Madaya").first.wait_for()
    fill_report(page, "Checkpoint closed near Madaya (offline)")
    page.click("text=Report the incident")
    page.locator(".outbox-notice", has_text="saved on this device").wait_for()
    screenshot(page, "field-offline-saved-phone")

    page.reload()
    page.locator("#outbox li", has_text="Checkpoint closed near Madaya (offline)").wait_for()
    assert "waiting to send" in page.locator("#outbox").inner_text()
    assert not Incident.objects.filter(title__contains="(offline)").exists()
    screenshot(page, "field-outbox-waiting-phone")

    context.set_offline(False)
    until(page, "() => document.getElementById('outbox').hidden")
    assert Incident.objects.filter(title="Checkpoint closed near Madaya (offline)").count() == 1
    page.goto(f"{live_server.url}/staff/")
    assert "Checkpoint closed near Madaya (offline)" in page.locator("main").inner_text()
    assert page.console_errors == []


def test_offline_the_picker_names_the_communities_and_draws_the_rivers_near_madaya(phone, live_server):
    """Madaya can be found by eye with no connection: named points, district lines and rivers (GSHHG)."""
    context, page = phone
    load_demo()
    sign_in(page, live_server, "reporter.sarc")
    kept_offline(page, live_server)
    until(page, "() => caches.match('/geo/layers/rivers.geojson').then((found) => !!found)")
    context.set_offline(True)
    page.goto(f"{live_server.url}/staff/incidents/new/")
    page.locator("#offline-banner").wait_for()
    page.fill("#id_stated_area", "Madaya")
    page.locator(".suggestions li", has_text="Madaya").first.click()
    # The search zooms the picker to the community; one step out shows the Barada's springs beside it.
    until(page, "() => document.getElementById('map-picker').picker.map.getZoom() === 13")
    page.evaluate("document.getElementById('map-picker').picker.map.setZoom(12, { animate: false })")
    page.locator("#map-picker .community-label", has_text="Madaya").first.wait_for()
    page.locator("#map-picker path.context-river").first.wait_for(state="attached")
    shown = page.evaluate(
        """() => {
          const box = document.getElementById('map-picker').getBoundingClientRect();
          return [...document.querySelectorAll('#map-picker path.context-river')].some((path) => {
            const line = path.getBoundingClientRect();
            return line.width + line.height > 0 && line.right > box.left && line.left < box.right
              && line.bottom > box.top && line.top < box.bottom;
          });
        }"""
    )
    assert shown, "no river drawn in the picker's view around Madaya"
    assert "GSHHG" in page.locator("#map-picker .map-credits").inner_text()
    screenshot(page, "field-picker-madaya-phone")
    page.locator("#map-picker").screenshot(path=str(OUTPUT / "field-picker-madaya-map.png"))
    assert page.console_errors == []


def load_synthetic_roads(folder):
    """Invented lines through Madaya tagged like an OpenStreetMap export: test data, not real roads."""
    import geopandas
    from shapely.geometry import LineString

    from aidtrack.geo.context_layers import load_context_layer

    rows = [
        {"highway": "primary", "geometry": LineString([(36.03, 33.62), (36.0963, 33.6901), (36.11, 33.73)])},
        {"highway": "secondary", "geometry": LineString([(36.06, 33.71), (36.0963, 33.6901), (36.15, 33.67)])},
    ]
    path = folder / "synthetic-roads.geojson"
    geopandas.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326").to_file(path, engine="pyogrio")
    load_context_layer(
        str(path),
        kind="roads",
        source="Synthetic test lines",
        licence="CC0 (test data)",
        attribution="Synthetic test roads",
    )


def drawn_in_view(page, selector):
    """Whether a line matching the selector is drawn inside the picker's visible box."""
    return page.evaluate(
        """(selector) => {
          const box = document.getElementById('map-picker').getBoundingClientRect();
          return [...document.querySelectorAll(selector)].some((path) => {
            const line = path.getBoundingClientRect();
            return line.width + line.height > 0 && line.right > box.left && line.left < box.right
              && line.bottom > box.top && line.top < box.bottom;
          });
        }""",
        selector,
    )


@pytest.mark.parametrize("language", ["en", "ar"])
def test_offline_the_picker_draws_the_loaded_roads_near_madaya_with_their_credit(
    browser, live_server, tmp_path, language
):
    """Roads an operator loaded (here synthetic lines) are drawn at community zoom and credited, with no connection."""
    context = browser.new_context(viewport=PHONE, locale=language, extra_http_headers={"Accept-Language": language})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    load_demo()
    load_synthetic_roads(tmp_path)
    sign_in(page, live_server, "reporter.sarc")
    kept_offline(page, live_server)
    until(page, "() => caches.match('/geo/layers/roads.geojson').then((found) => !!found)")
    context.set_offline(True)
    page.goto(f"{live_server.url}/staff/incidents/new/")
    page.locator("#offline-banner").wait_for()
    page.evaluate(
        "document.getElementById('map-picker').picker.map.setView([33.6901, 36.0963], 12, { animate: false })"
    )
    name = "مضايا" if language == "ar" else "Madaya"
    page.locator("#map-picker .community-label", has_text=name).first.wait_for()
    page.locator("#map-picker path.context-road").first.wait_for(state="attached")
    assert drawn_in_view(page, "#map-picker path.context-road"), "no road drawn in the picker's view around Madaya"
    credits = page.locator("#map-picker .map-credits").inner_text()
    assert "Synthetic test roads" in credits and ("الطرق" if language == "ar" else "Roads:") in credits
    # Zoomed out to the governorate, the roads give way.
    page.evaluate("document.getElementById('map-picker').picker.map.setZoom(8, { animate: false })")
    until(page, "() => !document.querySelector('#map-picker path.context-road')")
    page.evaluate("document.getElementById('map-picker').picker.map.setZoom(12, { animate: false })")
    page.locator("#map-picker path.context-road").first.wait_for(state="attached")
    screenshot(page, f"field-picker-roads-madaya-phone-{language}")
    page.locator("#map-picker").screenshot(path=str(OUTPUT / f"field-picker-roads-madaya-map-{language}.png"))
    assert errors == []
    context.close()


def test_with_no_roads_loaded_the_picker_draws_none_and_reports_no_error(phone, live_server):
    context, page = phone
    load_demo()
    sign_in(page, live_server, "reporter.sarc")
    page.goto(f"{live_server.url}/staff/incidents/new/")
    page.evaluate(
        "document.getElementById('map-picker').picker.map.setView([33.6901, 36.0963], 12, { animate: false })"
    )
    page.locator("#map-picker .community-label", has_text="Madaya").first.wait_for()
    page.locator("#map-picker path.context-river").first.wait_for(state="attached")
    assert page.locator("#map-picker path.context-road").count() == 0
    assert "Roads" not in page.locator("#map-picker .map-credits").inner_text()
    assert page.console_errors == []


def test_a_report_sent_again_after_its_answer_was_lost_is_recorded_once(phone, live_server):
    context, page = phone
    load_demo()
    sign_in(page, live_server, "reporter.sarc")
    user = get_user_model().objects.get(username="reporter.sarc")
    key = str(uuid.uuid4())
    item = {
        "key": key,
        "kind": "incident",
        "sendUrl": "/staff/outbox/incidents/",
        "formUrl": "/staff/incidents/new/",
        "title": "Sent twice",
        "state": "waiting",
        "savedAt": "2016-09-21T10:00:00Z",
    }
    page.goto(f"{live_server.url}/staff/incidents/new/")
    fill_report(page, "Sent twice")
    fields = page.evaluate("() => [...new FormData(document.querySelector('form[data-outbox]'))]")
    item["fields"] = fields
    # The same report put in the outbox twice over, as when a sending's answer never reached the device.
    for _ in range(2):
        page.evaluate(
            "([storageKey, item]) => localStorage.setItem(storageKey, JSON.stringify([item]))",
            [f"aidtrack:outbox:{user.pk}", item],
        )
        page.goto(f"{live_server.url}/staff/")
        until(page, "() => document.getElementById('outbox').hidden")
    assert Incident.objects.filter(title="Sent twice").count() == 1


def test_a_refused_report_comes_back_with_its_message_and_input(phone, live_server):
    context, page = phone
    load_demo()
    sign_in(page, live_server, "reporter.sarc")
    kept_offline(page, live_server)
    context.set_offline(True)
    page.goto(f"{live_server.url}/staff/incidents/new/")
    fill_report(page, "Dated in the future", occurred_on="2031-01-01")
    page.click("text=Report the incident")
    page.locator(".outbox-notice", has_text="saved on this device").wait_for()

    context.set_offline(False)
    page.locator("#outbox li", has_text="refused").wait_for()
    page.locator("#outbox a", has_text="Open").click()
    page.locator(".outbox-error", has_text="2031-01-01 is in the future").wait_for()
    assert page.input_value("#id_title") == "Dated in the future"
    screenshot(page, "field-outbox-refused-phone")
    page.fill("#id_occurred_on", "2016-09-21")
    page.click("text=Report the incident")
    page.locator("text=is reported; a reviewer will verify it").wait_for()
    assert Incident.objects.filter(title="Dated in the future").count() == 1
    page.goto(f"{live_server.url}/staff/")
    assert page.locator("#outbox").is_hidden()


def test_signing_out_clears_the_outbox_and_the_kept_pages(phone, live_server):
    context, page = phone
    load_demo()
    sign_in(page, live_server, "reporter.sarc")
    kept_offline(page, live_server)
    context.set_offline(True)
    page.goto(f"{live_server.url}/staff/incidents/new/")
    # Dated in the future, it is refused when sent and stays on the device until its author fixes it.
    fill_report(page, "Left unsent on a shared phone", occurred_on="2031-01-01")
    page.click("text=Report the incident")
    page.locator(".outbox-notice", has_text="saved on this device").wait_for()
    context.set_offline(False)
    page.locator("#outbox li", has_text="refused").wait_for()
    warnings = []
    page.once("dialog", lambda dialog: (warnings.append(dialog.message), dialog.accept()))
    page.click("text=Sign out")
    page.wait_for_url(f"{live_server.url}/staff/login/")
    assert "Reports not yet sent on this device: 1" in warnings[0]
    assert page.evaluate("() => Object.keys(localStorage).filter((key) => key.startsWith('aidtrack:'))") == []
    assert page.evaluate("() => caches.keys()") == []


def test_a_convoy_step_recorded_offline_is_dated_when_it_was_made_and_sent_when_back_online(phone, live_server):
    from aidtrack.convoys.models import ConvoyRequest
    from aidtrack.orgs.models import Organization
    from tests.factories import make_convoy

    context, page = phone
    load_demo()
    sign_in(page, live_server, "reporter.sarc")
    reporter = get_user_model().objects.get(username="reporter.sarc")
    convoy = make_convoy(reporter, Organization.objects.get(acronym="SARC"), reference="CV-OFFLINE-1")
    kept_offline(page, live_server)
    page.goto(f"{live_server.url}/staff/convoys/{convoy.pk}/")  # opened once online, so kept for later

    context.set_offline(True)
    page.reload()
    page.click("button[value=submitted]")
    page.locator(".outbox-notice", has_text="status step is saved on this device").wait_for()
    assert page.locator("button[value=cancelled]").is_disabled()
    page.locator("#outbox li", has_text="CV-OFFLINE-1").wait_for()
    screenshot(page, "field-convoy-step-waiting-phone")
    assert ConvoyRequest.objects.get(pk=convoy.pk).status == "draft"

    context.set_offline(False)
    page.locator(".cstatus.big", has_text="Submitted").wait_for(timeout=30000)
    convoy.refresh_from_db()
    assert convoy.status == "submitted" and convoy.events.filter(to_status="submitted").count() == 1


def test_a_draft_is_kept_on_the_server_online_and_on_the_device_offline(phone, live_server):
    from aidtrack.incidents.models import IncidentDraft

    context, page = phone
    load_demo()
    sign_in(page, live_server, "reporter.sarc")
    kept_offline(page, live_server)
    page.goto(f"{live_server.url}/staff/incidents/new/")
    page.fill("#id_title", "Unfinished: shelling near Madaya")
    page.click("text=Save as a draft")
    page.locator("text=The draft is saved").wait_for()
    assert IncidentDraft.objects.get().title == "Unfinished: shelling near Madaya"
    page.goto(f"{live_server.url}/staff/")
    page.click("text=Unfinished: shelling near Madaya")
    assert page.input_value("#id_title") == "Unfinished: shelling near Madaya"

    context.set_offline(True)
    page.goto(f"{live_server.url}/staff/incidents/new/")
    page.fill("#id_title", "Drafted with no connection")
    page.click("text=Save as a draft")
    page.locator(".outbox-notice", has_text="draft is saved on this device only").wait_for()
    page.locator("#outbox li", has_text="Drafted with no connection").wait_for()
    assert "draft on this device" in page.locator("#outbox").inner_text()
    context.set_offline(False)
    page.wait_for_timeout(1500)
    assert IncidentDraft.objects.count() == 1 and not Incident.objects.filter(title__startswith="Drafted").exists()
    screenshot(page, "field-draft-on-device-phone")


def _sarc_incident():
    from aidtrack.orgs.permissions import can_write_for

    reporter = get_user_model().objects.get(username="reporter.sarc")
    incident = next(i for i in Incident.objects.order_by("pk") if can_write_for(reporter, i.organization_id))
    return reporter, incident


def test_an_incident_edited_offline_waits_on_the_device_and_is_applied_once_back_online(phone, live_server):
    context, page = phone
    load_demo()
    sign_in(page, live_server, "reporter.sarc")
    _, incident = _sarc_incident()
    start = incident.version
    kept_offline(page, live_server)
    edit = f"{live_server.url}/staff/incidents/{incident.pk}/edit/"
    page.goto(edit)  # opened once online, so kept for later
    until(page, "(url) => caches.match(url).then((found) => !!found)", arg=edit)

    context.set_offline(True)
    page.reload()
    page.fill("#id_title", "Checkpoint closed at the entrance (edited offline)")
    page.click("text=Save changes")
    page.locator(".outbox-notice", has_text="An edit of this incident is saved on this device").wait_for()
    assert page.locator("button.primary[type=submit]").is_disabled()  # the next edit waits for this one
    page.reload()
    page.locator("#outbox li", has_text="(edited offline)").wait_for()
    screenshot(page, "field-edit-waiting-phone")
    incident.refresh_from_db()
    assert incident.version == start

    context.set_offline(False)
    until(page, "() => document.getElementById('outbox').hidden", timeout=30)
    incident.refresh_from_db()
    assert incident.title == "Checkpoint closed at the entrance (edited offline)" and incident.version == start + 1
    assert page.console_errors == []


def test_an_edit_made_stale_while_offline_comes_back_with_what_changed_and_applies_when_sent_again(phone, live_server):
    from aidtrack.incidents.services import incident_update

    context, page = phone
    load_demo()
    sign_in(page, live_server, "reporter.sarc")
    _, incident = _sarc_incident()
    start = incident.version
    kept_offline(page, live_server)
    edit = f"{live_server.url}/staff/incidents/{incident.pk}/edit/"
    page.goto(edit)
    until(page, "(url) => caches.match(url).then((found) => !!found)", arg=edit)

    context.set_offline(True)
    page.reload()
    page.fill("#id_title", "My account of it, typed offline")
    page.click("text=Save changes")
    page.locator(".outbox-notice", has_text="An edit of this incident is saved on this device").wait_for()
    # Meanwhile a colleague with a connection saves the incident.
    colleague = get_user_model().objects.get(username="reviewer")
    incident_update(
        incident=incident, by=colleague, expected_version=start, location_name="Second checkpoint, west road"
    )

    # Back online, the edit is sent and refused; the page holding it reloads to say so. Going elsewhere before
    # that reload would race it (the reload aborts the navigation), so wait for it first.
    with page.expect_navigation(timeout=30000):
        context.set_offline(False)
    page.goto(f"{live_server.url}/staff/")
    page.locator("#outbox li .outbox-state.refused").wait_for(timeout=30000)
    assert "Someone saved this incident" in page.locator("#outbox").inner_text()
    page.locator("#outbox li a", has_text="Open").click()
    page.wait_for_url(f"{edit}#outbox=*")
    page.locator(".outbox-notice table.changes", has_text="Second checkpoint, west road").wait_for()
    assert page.input_value("#id_title") == "My account of it, typed offline"
    screenshot(page, "field-edit-stale-phone")
    incident.refresh_from_db()
    assert incident.title != "My account of it, typed offline" and incident.version == start + 1

    page.click("text=Save changes")  # a deliberate choice, after reading what changed
    page.wait_for_url(f"{live_server.url}/staff/incidents/{incident.pk}/")
    incident.refresh_from_db()
    assert incident.title == "My account of it, typed offline" and incident.version == start + 2
    assert page.console_errors == []


def test_a_checkpoint_removal_recorded_offline_is_sent_once_when_back_online(phone, live_server):
    import datetime

    from aidtrack.convoys.services import convoy_transition
    from aidtrack.orgs.models import Organization
    from tests.factories import make_convoy

    context, page = phone
    load_demo()
    sign_in(page, live_server, "reporter.sarc")
    reporter = get_user_model().objects.get(username="reporter.sarc")
    convoy = make_convoy(reporter, Organization.objects.get(acronym="SARC"), reference="CV-OFFLINE-2")
    day = datetime.datetime(2016, 9, 1, 8, tzinfo=datetime.UTC)
    for step, status in enumerate(("submitted", "approved", "dispatched")):
        convoy_transition(convoy=convoy, to_status=status, by=reporter, occurred_at=day + datetime.timedelta(days=step))
    kept_offline(page, live_server)
    page.goto(f"{live_server.url}/staff/convoys/{convoy.pk}/")  # opened once online, so kept for later

    context.set_offline(True)
    page.reload()
    page.click("text=Record cargo removed at a checkpoint")
    page.select_option("#id_cargo_line", label=str(convoy.cargo_lines.get(item="Surgical kits")))
    page.fill("#id_quantity_removed", "12")
    page.fill("#id_removed_on", "2016-09-04")
    page.fill("#id_place_name", "Checkpoint at the Madaya entrance")
    page.click("text=Record the removal")
    page.locator(".outbox-notice", has_text="saved on this device").wait_for()
    page.locator("#outbox li", has_text="CV-OFFLINE-2: checkpoint removal").wait_for()
    screenshot(page, "field-removal-waiting-phone")
    assert not convoy.removals.exists()

    context.set_offline(False)
    # The convoy's destination has no community to place the obstruction incident at: refused, and kept.
    page.locator("#outbox li .outbox-state.refused").wait_for(timeout=30000)
    assert "removal was refused" in page.locator("#outbox").inner_text()
    page.locator("#outbox li a", has_text="Open").click()
    page.locator(".outbox-error", has_text="Give the checkpoint's coordinates").wait_for()
    assert page.input_value("#id_place_name") == "Checkpoint at the Madaya entrance"
    screenshot(page, "field-removal-refused-phone")
    page.fill("#id_latitude", "33.69")
    page.fill("#id_longitude", "36.09")
    page.click("text=Record the removal")
    until(page, "() => document.getElementById('outbox').hidden", timeout=30)
    removal = convoy.removals.get()
    assert (removal.quantity_removed, removal.place_name) == (12, "Checkpoint at the Madaya entrance")
    assert removal.incident.convoy == convoy
    assert page.console_errors == []
