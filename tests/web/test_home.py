"""The public home page shows the register and only published incidents."""

import json
import re

import pytest
from django.urls import reverse

from aidtrack.demo.loader import load_demo


@pytest.fixture
def demo(db):
    return load_demo()


def test_the_register_on_the_day_of_the_convoy_attack(client, demo):
    page = client.get(reverse("web:home"), {"as_of": "2016-09-19"}).content.decode()
    assert "711,650" in page  # people besieged on 19 September 2016 in the demo register
    assert "Aleppo city (eastern)" in page and "مضايا" in page
    assert "Attack on the inter-agency convoy at Urum al-Kubra" in page


def test_unpublished_incidents_and_internal_text_never_show(client, demo):
    page = client.get(reverse("web:home"), {"as_of": "2016-09-30"}).content.decode()
    assert "Ambulance stopped" not in page  # partners only, unverified
    assert "Negotiation contact" not in page  # restricted
    assert "near Harasta" not in page  # disputed
    assert "internal" not in page.lower()


def test_a_bad_date_says_how_to_fix_it(client, demo):
    page = client.get(reverse("web:home"), {"as_of": "2016-02-30"}).content.decode()
    assert "is not a date: use YYYY-MM-DD" in page


def map_config(page: str) -> dict:
    start = page.index('<script id="map-config" type="application/json">') + len(
        '<script id="map-config" type="application/json">'
    )
    return json.loads(page[start : page.index("</script>", start)])


def test_the_map_reads_the_public_api_and_needs_no_tile_server(client, demo):
    page = client.get(reverse("web:home")).content.decode()
    config = map_config(page)
    assert config["api"] == {
        "areas": "/api/v1/areas/",
        "convoys": "/api/v1/convoys/",
        "incidents": "/api/v1/incidents/",
        "agreements": "/api/v1/agreements/",
        "conflict": "/api/v1/conflict-events/",
    }
    assert config["layers"] == "/geo/layers/" and config["tileUrl"] == ""
    assert config["labels"]["areaStatuses"]["besieged"] == "Besieged"


def test_a_deployment_adds_a_tile_layer_by_setting_one_url(client, demo, settings):
    settings.AIDTRACK_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.AIDTRACK_MAP_TILE_ATTRIBUTION = "© Example contributors"
    config = map_config(client.get(reverse("web:home")).content.decode())
    assert config["tileUrl"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert config["tileAttribution"] == "© Example contributors"


def test_every_script_and_stylesheet_of_the_map_comes_from_our_static_files(client, demo):
    page = client.get(reverse("web:home")).content.decode()
    sources = re.findall(r'<script[^>]* src="([^"]+)"', page) + re.findall(r'<link[^>]* href="([^"]+)"', page)
    assert any("leaflet.js" in s for s in sources) and any("markercluster" in s for s in sources)
    assert any(s.endswith("web/map/main.js") for s in sources)
    # Our own server: static files, and the JavaScript translations of the page's language.
    assert all(s.startswith("/static/") or s == "/jsi18n/" for s in sources), sources


def test_the_map_filters_offer_every_governorate_and_organization(client, demo):
    page = client.get(reverse("web:home")).content.decode()
    assert '<option value="SY02">Aleppo</option>' in page
    assert '<option value="access">Access achieved</option>' in page
    assert ">SARC</option>" in page
