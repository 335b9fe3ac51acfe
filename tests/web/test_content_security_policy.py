"""Every kind of response carries the Content-Security-Policy; the tile server and a report address join it.

The browser test (tests/browser/test_content_security_policy.py) shows that every page works under it.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from aidtrack.web.content_policy import content_security_policy, tile_source
from tests.staff.conftest import login

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    directives = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return dict(directives)


PUBLIC_PAGES = [
    "/",
    "/?as_of=not-a-date",
    "/no-such-page/",
    "/staff/login/",
    "/staff/password/reset/",
    "/admin/login/",
    "/api/v1/",
    "/api/v1/incidents/",
    "/api/v1/incidents/?format=csv",
    "/api/v1/incidents/?format=geojson",
    "/api/v1/incidents/?pcode=NOWHERE",
    "/api/v1/schema/",
    "/api/v1/docs/",
    "/api/v1/docs/?script",
    "/geo/layers/",
    "/healthz",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_kind_of_public_response_carries_the_strict_policy(client, db, path):
    response = client.get(path)
    assert response.status_code < 500
    assert policy(response) == STRICT


def test_the_staff_screens_carry_the_strict_policy(client, reporter):
    login(client, reporter)
    for name in ("staff:dashboard", "staff:incident_list", "staff:incident_create", "staff:import"):
        response = client.get(reverse(name))
        assert response.status_code == 200 and policy(response) == STRICT, name


def test_the_admin_carries_the_strict_policy(client, site_admin):
    login(client, site_admin)
    for path in ("/admin/", "/admin/incidents/incident/", "/admin/incidents/incident/add/"):
        response = client.get(path)
        assert response.status_code == 200 and policy(response) == STRICT, path


def test_redoc_alone_allows_inline_styles_and_its_search_worker_but_no_inline_script(client, db):
    response = client.get("/api/v1/redoc/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "fonts.googleapis.com" not in page and "https://" not in page
    assert "<style" not in page and "<script>" not in page
    assert policy(response) == {
        **STRICT,
        "style-src": "'self' 'unsafe-inline'",
        "worker-src": "'self' blob:",
    }


def test_the_docs_pages_run_no_inline_script_and_load_nothing_from_other_sites(client, db):
    for path in ("/api/v1/docs/", "/api/v1/redoc/"):
        page = client.get(path).content.decode()
        assert "<script>" not in page and "<style" not in page and "https://" not in page, path


def test_a_tile_server_is_allowed_for_images_only():
    directives = content_security_policy(tile_url="https://tiles.example.org/{z}/{x}/{y}.png")["DIRECTIVES"]
    assert directives["img-src"] == ["'self'", "data:", "https://tiles.example.org"]
    assert all("tiles.example.org" not in " ".join(v) for k, v in directives.items() if k != "img-src")


def test_a_tile_url_with_subdomains_allows_each_of_them():
    assert tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert tile_source("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png") == "http://127.0.0.1:8080"
    assert tile_source("") is None


@pytest.mark.parametrize("url", ["tiles.example.org/{z}/{x}/{y}.png", "javascript:alert(1)", "https://{a}.x/{z}"])
def test_a_tile_url_that_is_not_one_is_refused_at_start(url):
    with pytest.raises(ImproperlyConfigured, match="AIDTRACK_MAP_TILE_URL"):
        tile_source(url)


def test_the_map_page_with_a_tile_server_allows_its_tiles(client, db, settings):
    settings.AIDTRACK_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.CONTENT_SECURITY_POLICY = content_security_policy(tile_url=settings.AIDTRACK_MAP_TILE_URL)
    assert policy(client.get("/"))["img-src"] == "'self' data: https://tiles.example.org"


def test_violations_are_reported_where_the_setting_says(client, db, settings):
    settings.CONTENT_SECURITY_POLICY = content_security_policy(report_uri="https://reports.example.org/csp")
    assert policy(client.get("/"))["report-uri"] == "https://reports.example.org/csp"


def test_a_refused_form_gets_a_page_of_ours_under_the_policy(db):
    """Django's own CSRF failure page carries an inline <style>, which the policy would refuse."""
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/staff/login/", {"username": "x", "password": "y"})
    page = response.content.decode()
    assert response.status_code == 403 and "Your form could not be sent" in page
    assert "<style" not in page and policy(response) == STRICT
