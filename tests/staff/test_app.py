"""The staff screens as an app: manifest, service worker, offline data, a sign-out that clears the device."""

import pytest
from django.urls import reverse

from tests.staff.conftest import login

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_from_the_root_as_javascript_and_keeps_the_incident_form(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    assert reverse("staff:incident_create") in script and "/static/leaflet/leaflet.js" in script
    assert reverse("geo:communities") in script and reverse("javascript-catalog") in script
    # Nothing from another server: the shell works with no internet at all.
    assert "http://" not in script.split("\n", 2)[0] and "https://" not in script.split("\n", 2)[0]


def test_the_manifest_installs_the_staff_screens_with_icons(client):
    response = client.get(reverse("staff:manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["start_url"] == manifest["scope"] == reverse("staff:dashboard")
    assert manifest["display"] == "standalone"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}


def test_staff_pages_link_the_manifest_and_the_app_script_with_its_words(client, reporter):
    login(client, reporter)
    page = client.get(reverse("staff:dashboard")).content.decode()
    assert reverse("staff:manifest") in page and "staff/app.js" in page
    assert 'id="staff-app-text"' in page and "waiting to send" in page
    assert f'data-user-id="{reporter.pk}"' in page


def test_signing_out_tells_the_browser_to_clear_what_the_site_stored(client, reporter):
    login(client, reporter)
    response = client.post(reverse("staff:logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_the_gazetteer_lists_communities_with_both_names_and_points(client, geography):
    data = client.get(reverse("geo:communities")).json()
    rows = {row[0]: dict(zip(data["fields"], row, strict=True)) for row in data["rows"]}
    madaya = rows["C2450"]
    assert (madaya["name_en"], madaya["name_ar"], madaya["lat"], madaya["lon"]) == ("Madaya", "مضايا", 33.6901, 36.0963)


def test_the_towns_layer_names_towns_near_syria_with_their_licence(client):
    data = client.get(reverse("geo:towns")).json()
    towns = {row[0]: row for row in data["rows"]}
    assert "CC BY 4.0" in data["attribution"]
    assert "Aleppo" in towns and towns["Aleppo"][1] == "حلب"
    assert "Paris" not in towns


def test_the_rivers_layer_draws_the_euphrates_and_the_barada_with_their_licence(client):
    from shapely.geometry import Point, shape

    from aidtrack.geo.context import CONTEXT_BOUNDS

    response = client.get(reverse("geo:rivers"))
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert "GSHHG" in data["attribution"] and "LGPL" in data["attribution"]
    lines = [shape(feature["geometry"]) for feature in data["features"]]
    south, west, north, east = CONTEXT_BOUNDS
    assert all(west <= x <= east and south <= y <= north for line in lines for x, y in line.coords)

    def nearest_km(lat, lon):
        return min(line.distance(Point(lon, lat)) for line in lines) * 111

    assert nearest_km(35.95, 39.01) < 4  # the Euphrates at Raqqa
    assert nearest_km(33.69, 36.10) < 6  # the Barada's springs beside Madaya
    assert nearest_km(34.5, 38.5) > 30  # the desert around Palmyra has none


def test_the_offline_shell_keeps_the_rivers(client):
    assert reverse("geo:rivers") in client.get("/sw.js").content.decode().split("\n", 1)[0]


def test_every_module_a_kept_script_imports_is_kept_too():
    """Offline, a script whose import is not kept fails to load (the picker drew nothing without web/i18n.js)."""
    import posixpath
    import re

    from django.contrib.staticfiles import finders

    from aidtrack.staff.views.app import SHELL_STATIC

    kept = set(SHELL_STATIC)
    missing = []
    for name in (name for name in SHELL_STATIC if name.endswith(".js")):
        with open(finders.find(name), encoding="utf-8") as script:
            for module in re.findall(r'^import .* from "(\.[^"]+)";', script.read(), flags=re.M):
                wanted = posixpath.normpath(posixpath.join(posixpath.dirname(name), module))
                if wanted not in kept:
                    missing.append(f"{name} imports {wanted}")
    assert missing == []
