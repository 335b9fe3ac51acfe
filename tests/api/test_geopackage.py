"""Lists export as GeoPackage, with what the reader may see, as every other format."""

import io

import geopandas
import pytest

from tests.api.conftest import report


def read(content):
    return geopandas.read_file(io.BytesIO(content), engine="pyogrio")


def test_incidents_as_geopackage_hold_points_and_the_csv_columns(world, client_for):
    response = client_for("reporter_a").get("/api/v1/incidents/?format=gpkg")
    assert response.status_code == 200 and response["Content-Type"] == "application/geopackage+sqlite3"
    frame = read(response.content)
    json_rows = client_for("reporter_a").get("/api/v1/incidents/").json()["results"]
    assert len(frame) == len(json_rows) and "title" in frame.columns
    assert frame.crs.to_epsg() == 4326
    row = frame[frame["id"] == world.public.pk].iloc[0]
    assert (row.geometry.x, row.geometry.y) == pytest.approx((36.123456, 33.123456))


def test_anonymous_geopackage_has_only_public_records_generalised(world, client_for):
    frame = read(client_for("anonymous").get("/api/v1/incidents/?format=gpkg").content)
    assert set(frame["id"]) == {r["id"] for r in client_for("anonymous").get("/api/v1/incidents/").json()["results"]}
    assert "internal_description" not in frame.columns
    centre = (world.subdistrict.centroid_lon, world.subdistrict.centroid_lat)
    row = frame[frame["id"] == world.public.pk].iloc[0]
    assert (row.geometry.x, row.geometry.y) == pytest.approx(centre, abs=1e-6)


def test_filters_apply_and_an_empty_list_still_downloads(world, client_for, reporter, org_a):
    report(reporter, org_a, "Another")
    frame = read(client_for("reporter_a").get("/api/v1/incidents/?format=gpkg&search=Another").content)
    assert list(frame["title"]) == ["Another"]
    response = client_for("reporter_a").get("/api/v1/incidents/?format=gpkg&search=nothing-matches")
    assert response.status_code == 200 and len(read(response.content)) == 0


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/admin-areas/",
        "/api/v1/organizations/",
        "/api/v1/parties/",
        "/api/v1/areas/",
        "/api/v1/convoys/",
        "/api/v1/agreements/",
        "/api/v1/conflict-events/",
        "/api/v1/statistics/people-by-status/?date=2016-09-19",
    ],
)
def test_every_list_downloads_as_geopackage(world, client_for, url):
    separator = "&" if "?" in url else "?"
    response = client_for("admin").get(f"{url}{separator}format=gpkg")
    assert response.status_code == 200, response.content[:300]
    assert len(read(response.content)) == len(client_for("admin").get(url).json().get("results", [None]))
