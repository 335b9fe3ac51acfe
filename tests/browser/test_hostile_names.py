"""Names that are markup stay text: on the public map, the staff pages, the map picker and the admin.

Every name below is an ``<img onerror>`` payload, as a boundary file or an
import could bring it. A page is safe when no dialog opens, no ``<img src=x>``
element appears, and the name is shown literally. The test checks the text,
not only the dialog, so it proves the escaping even where the
Content-Security-Policy would have stopped the script anyway.
"""

import datetime

import geopandas
import pytest
import shapely
from django.contrib.auth import get_user_model

from aidtrack.areas.services import area_create, area_set_status
from aidtrack.convoys.services import DestinationInput, convoy_create, convoy_transition
from aidtrack.geo.importers.boundaries import import_boundaries
from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.incidents.services import SourceInput, incident_create, incident_review
from aidtrack.orgs.models import Role, Visibility
from aidtrack.violence.models import ConflictEvent
from tests.browser.conftest import screenshot
from tests.factories import OrganizationFactory, PartyFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def hostile(tag: str) -> str:
    """A name that runs ``alert(tag)`` if it is ever read as HTML (28 characters for a one-digit tag)."""
    return f"<img src=x onerror=alert({tag})>"


GOVERNORATE = hostile(1)
DISTRICT = hostile(2)
AREA = hostile(3)
PARTY = hostile(4)
ORGANIZATION = hostile(5)
INCIDENT = hostile(6)
CONVOY = hostile(7)
COMMUNITY = hostile(8)
ORIGIN = hostile(9)
CONFLICT = hostile(10)
PASSWORD = "hostile-pass-123"
WHEN = datetime.datetime(2016, 9, 10, 9, 0, tzinfo=datetime.UTC)
MAP = "/?from=2016-09-01&to=2016-09-30&as_of=2016-09-30"


def write_layer(path, rows):
    geopandas.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326").to_file(path, engine="pyogrio")
    return str(path)


@pytest.fixture
def hostile_world(tmp_path):
    """Boundaries imported from files whose names are payloads, then one record of each kind named the same way."""
    box = shapely.box
    import_boundaries(
        write_layer(
            tmp_path / "adm0.geojson", [{"ADM0_PCODE": "SY", "ADM0_EN": "Syria", "geometry": box(36, 33, 38, 35)}]
        )
    )
    import_boundaries(
        write_layer(
            tmp_path / "adm1.geojson",
            [{"ADM1_PCODE": "SY01", "ADM1_EN": GOVERNORATE, "ADM0_PCODE": "SY", "geometry": box(36, 33, 38, 35)}],
        )
    )
    import_boundaries(
        write_layer(
            tmp_path / "adm2.geojson",
            [{"ADM2_PCODE": "SY0100", "ADM2_EN": DISTRICT, "ADM1_PCODE": "SY01", "geometry": box(36, 33, 38, 35)}],
        )
    )
    AdminArea.objects.create(
        pcode="C0001",
        level=AdminLevel.COMMUNITY,
        name_en=COMMUNITY,
        parent=AdminArea.objects.get(pcode="SY0100"),
        geometry={"type": "Point", "coordinates": [36.5, 33.5]},
    )
    organization = OrganizationFactory(name=f"{ORGANIZATION} Relief", acronym=ORGANIZATION)
    reporter = member(organization, Role.REPORTER, username="hostile.reporter")
    reviewer = member(organization, Role.REVIEWER, username="hostile.reviewer")
    for user in (reporter, reviewer):
        user.set_password(PASSWORD)
        user.save()
    party = PartyFactory(name=PARTY, short_name=PARTY)
    area = area_create(
        by=reporter,
        organization=organization,
        name_en=AREA,
        latitude=33.5,
        longitude=36.5,
        population=20000,
        population_date=datetime.date(2016, 9, 1),
        population_source=AREA,
        besieging_parties=[party],
    )
    area_set_status(
        area=area,
        status="besieged",
        start_date=datetime.date(2016, 9, 1),
        source=AREA,
        by=reporter,
        organization=organization,
    )

    def report(title, **fields):
        return incident_create(
            by=reporter,
            organization=organization,
            kind="obstruction",
            category="3",
            title=title,
            occurred_on=datetime.date(2016, 9, 19),
            latitude=33.6,
            longitude=36.6,
            location_name=INCIDENT,
            public_summary=INCIDENT,
            perpetrator=party,
            publish_exact_location=True,
            visibility=Visibility.PUBLIC,
            sources=[SourceInput(kind="own_staff", name=INCIDENT)],
            **fields,
        )

    verified = incident_review(incident=report(INCIDENT), by=reviewer, outcome="verified")
    waiting = report(f"{INCIDENT} to review")
    convoy = convoy_create(
        by=reporter,
        reference="CV-HOSTILE-1",
        lead_organization=organization,
        origin_name=ORIGIN,
        origin_latitude=33.9,
        origin_longitude=37.5,
        title=CONVOY,
        destinations=[DestinationInput(area=area, planned_beneficiaries=5000)],
        created_at=WHEN,
    )
    convoy_transition(convoy=convoy, to_status="submitted", by=reporter, occurred_at=WHEN)
    ConflictEvent.objects.create(
        event_id="SYR-HOSTILE-1",
        event_date=datetime.date(2016, 9, 19),
        event_type=CONFLICT,
        actor1=CONFLICT,
        location=CONFLICT,
        notes=CONFLICT,
        latitude=33.7,
        longitude=36.7,
    )
    return {"area": area, "convoy": convoy, "incidents": [verified, waiting]}


@pytest.fixture
def watched(page):
    """The page, failing the test if any payload runs: alert() opens a dialog."""
    page.dialogs = []

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return page


def assert_inert(page, *names, within="body"):
    """No name ran or became an element anywhere on the page; each is shown as text within the part named."""
    page.wait_for_timeout(300)  # an <img src=x> fails to load, and would run its handler, within this time
    assert page.dialogs == [], f"a name ran as script on {page.url}"
    assert page.locator("img[src=x]").count() == 0, f"a name became an element on {page.url}"
    text = page.locator(within).text_content()
    for name in names:
        assert name in text, f"{name!r} is not shown as text in {within} on {page.url}"


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/staff/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/staff/")


def open_map(page, url):
    page.goto(url)
    page.wait_for_selector("#map-app[data-ready=true]", timeout=20000)


def test_hostile_names_are_text_on_the_public_map(watched, live_server, hostile_world):
    page = watched
    open_map(page, f"{live_server.url}{MAP}&layers=areas,convoys,incidents,conflict&choropleth=incidents-adm1")
    # The governorate's permanent label and the shading's tooltip.
    assert page.locator(".gov-label").text_content() == GOVERNORATE
    page.locator("path.choropleth-area").first.hover()
    page.wait_for_selector(".leaflet-tooltip:not(.gov-label)")
    assert page.locator(".leaflet-tooltip:not(.gov-label)").text_content().startswith(f"{GOVERNORATE}: 1 ")
    assert_inert(page, ORGANIZATION, within="#f-organization")
    screenshot(page, "hostile-map")

    # Each popup: the area (name, parties, sources), the convoy (title, origin, destination, lead), the incident.
    popup = ".leaflet-popup-content"
    page.locator(".area-marker").first.click()
    assert_inert(page, AREA, PARTY, within=popup)
    page.locator(".leaflet-popup-close-button").click()
    page.locator(".convoy-badge").first.click()
    assert_inert(page, CONVOY, ORIGIN, ORGANIZATION, within=popup)

    open_map(page, f"{live_server.url}{MAP}&layers=incidents,conflict&map=12/33.65/36.65")
    page.locator(".incident-marker:not(.legend-marker)").first.click()
    # The popup reads the whole record from the API.
    page.wait_for_selector(".leaflet-popup-content dl")
    assert_inert(page, INCIDENT, within=".leaflet-popup-content")
    page.locator(".conflict-marker").first.click()
    page.wait_for_selector(".conflict-popup")
    assert_inert(page, CONFLICT, within=".conflict-popup")

    # District labels from zoom 8.
    open_map(page, f"{live_server.url}{MAP}&map=8/34/37")
    page.wait_for_selector(".district-label")
    assert page.locator(".district-label").first.text_content() == DISTRICT
    assert_inert(page)


def test_hostile_names_are_text_on_the_staff_pages(watched, live_server, hostile_world):
    page = watched
    sign_in(page, live_server, "hostile.reviewer")
    area, convoy = hostile_world["area"], hostile_world["convoy"]
    verified, waiting = hostile_world["incidents"]
    pages = [
        ("/staff/", [INCIDENT, CONVOY]),
        ("/staff/incidents/", [INCIDENT]),
        (f"/staff/incidents/{verified.pk}/", [INCIDENT, PARTY, GOVERNORATE, DISTRICT, ORGANIZATION]),
        (f"/staff/incidents/{verified.pk}/history/", [INCIDENT]),
        (f"/staff/incidents/{waiting.pk}/edit/", [INCIDENT, PARTY]),
        ("/staff/convoys/", [CONVOY, ORGANIZATION]),
        (f"/staff/convoys/{convoy.pk}/", [CONVOY, ORIGIN, AREA, ORGANIZATION]),
        (f"/staff/convoys/{convoy.pk}/history/", []),
        ("/staff/areas/", [AREA]),
        (f"/staff/areas/{area.pk}/", [AREA, PARTY]),
        (f"/staff/areas/{area.pk}/history/", [AREA]),
        ("/staff/review/", [INCIDENT]),
    ]
    for path, names in pages:
        page.goto(f"{live_server.url}{path}")
        assert_inert(page, *names)
    screenshot(page, "hostile-staff-review")


def test_hostile_names_are_text_in_the_map_picker_and_the_community_search(watched, live_server, hostile_world):
    page = watched
    sign_in(page, live_server, "hostile.reporter")
    page.goto(f"{live_server.url}/staff/incidents/new/")
    page.wait_for_selector("#map-picker path.leaflet-interactive")
    page.locator("#map-picker path.leaflet-interactive").first.hover()
    page.wait_for_selector("#map-picker .leaflet-tooltip:not(.place-label)")
    assert page.locator("#map-picker .leaflet-tooltip:not(.place-label)").text_content() == GOVERNORATE
    # A click sets the point and looks up its admin areas and nearest community.
    page.locator("#map-picker path.leaflet-interactive").first.click()
    page.locator("#placement [data-level=admin1]", has_text="SY01").wait_for()
    assert_inert(page, GOVERNORATE, DISTRICT, within="#placement")
    page.fill("#id_stated_area", "C0001")
    page.wait_for_selector(".suggestions li[role=option]")
    assert page.locator(".suggestions li").first.text_content().startswith(COMMUNITY)
    assert_inert(page, COMMUNITY, within=".suggestions")
    # At community zoom the picker names every community beside its point, as text.
    page.evaluate("document.getElementById('map-picker').picker.map.setView([33.5, 36.5], 12)")
    page.locator("#map-picker .community-label").first.wait_for()
    assert_inert(page, COMMUNITY, within="#map-picker")
    screenshot(page, "hostile-picker")


def test_hostile_names_are_text_in_the_admin(watched, live_server, hostile_world):
    page = watched
    user = get_user_model().objects.get(username="hostile.reviewer")
    user.is_staff = user.is_superuser = True
    user.save()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "hostile.reviewer")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    for path in (
        "geo/adminarea/",
        "areas/area/",
        "orgs/party/",
        "orgs/organization/",
        "incidents/incident/",
        "convoys/convoyrequest/",
    ):
        page.goto(f"{live_server.url}/admin/{path}")
        assert_inert(page)
        page.locator("#result_list tbody tr th a").first.click()
        assert_inert(page)
