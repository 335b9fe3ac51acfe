"""Loading a roads layer (manage.py import_context_layer) and serving it at /geo/layers/roads.geojson.

Every file here is synthetic, built by the test: a few invented lines around Madaya tagged like an OpenStreetMap
export (highway=primary, residential, ...). They are not real roads.
"""

import zipfile

import geopandas
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from shapely.geometry import LineString, MultiLineString, Point, box

from aidtrack.geo.models import ContextLayer, ContextLayerKind

pytestmark = pytest.mark.django_db

CREDITS = {
    "source": "Synthetic test lines (not real roads)",
    "licence": "CC0 (test data)",
    "attribution": "Synthetic test roads",
}

# Invented lines near Madaya (33.69 N, 36.10 E), in longitude, latitude.
SYNTHETIC = [
    {"highway": "primary", "name": "Test primary A", "geometry": LineString([(36.05, 33.60), (36.10, 33.69)])},
    # The same road cut in two, as OpenStreetMap cuts a road at every change of tag: joined into one line.
    {"highway": "primary", "name": "Test primary B", "geometry": LineString([(36.10, 33.69), (36.12, 33.75)])},
    {"highway": "secondary", "name": "Test secondary", "geometry": LineString([(36.08, 33.70), (36.14, 33.66)])},
    {"highway": "residential", "name": "Test street", "geometry": LineString([(36.099, 33.689), (36.101, 33.691)])},
    {"highway": "motorway", "name": "Far away", "geometry": LineString([(2.30, 48.85), (2.40, 48.90)])},
    # Crossing the margin's western edge at 34.9 E: only the part inside is kept.
    {"highway": "trunk", "name": "Test trunk", "geometry": LineString([(34.5, 33.5), (35.5, 33.5)])},
]


def write(rows, path, *, crs="EPSG:4326", driver=None, layer=None):
    frame = geopandas.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326").to_crs(crs)
    frame.to_file(path, driver=driver, layer=layer, engine="pyogrio")
    return path


def load(path, *extra, **credits):
    options = {**CREDITS, **credits}
    call_command("import_context_layer", "roads", str(path), *extra, *[f"--{k}={v}" for k, v in options.items()])


def served(client):
    return client.get(reverse("geo:roads")).json()


def test_the_main_roads_in_and_around_syria_are_kept_clipped_joined_and_credited(tmp_path, client):
    load(write(SYNTHETIC, tmp_path / "roads.geojson"))
    layer = ContextLayer.objects.get(kind=ContextLayerKind.ROADS)
    assert layer.kept == "highway: motorway, trunk, primary, secondary"
    data = served(client)
    assert data["attribution"] == "Synthetic test roads" and data["licence"] == "CC0 (test data)"
    by_class = {}
    for feature in data["features"]:
        by_class.setdefault(feature["properties"]["class"], []).append(feature["geometry"]["coordinates"])
    assert sorted(by_class) == ["primary", "secondary", "trunk"]  # the street and the road in Paris are left out
    assert by_class["primary"] == [[[36.05, 33.6], [36.1, 33.69], [36.12, 33.75]]]  # two pieces, one line
    assert by_class["trunk"] == [[[34.9, 33.5], [35.5, 33.5]]]  # clipped at the margin


def test_a_zipped_shapefile_in_metres_is_read_and_reprojected(tmp_path, client):
    folder = tmp_path / "shp"
    folder.mkdir()
    write(SYNTHETIC, folder / "roads.shp", crs="EPSG:32637")
    archive = tmp_path / "roads_shp.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for member in folder.iterdir():
            out.write(member, member.name)
    load(archive)
    coordinates = [
        c
        for f in served(client)["features"]
        if f["properties"]["class"] == "secondary"
        for c in f["geometry"]["coordinates"]
    ]
    assert coordinates[0] == pytest.approx([36.08, 33.70], abs=0.0002)


def test_fclass_columns_are_read_and_other_classes_can_be_chosen(tmp_path, client):
    rows = [{"fclass": row["highway"], "geometry": row["geometry"]} for row in SYNTHETIC]
    load(write(rows, tmp_path / "gis_osm_roads.gpkg"), "--classes=residential")
    assert {f["properties"]["class"] for f in served(client)["features"]} == {"residential"}


def test_a_file_without_classes_keeps_every_line_and_says_so(tmp_path, client):
    rows = [{"name": row["name"], "geometry": row["geometry"]} for row in SYNTHETIC]
    load(write(rows, tmp_path / "routes.geojson"))
    assert "no highway or fclass column" in ContextLayer.objects.get().kept
    assert len(served(client)["features"]) == 4  # all but Paris; the primary's two pieces joined


def test_loading_again_replaces_the_layer_and_changes_its_etag(tmp_path, client):
    load(write(SYNTHETIC, tmp_path / "roads.geojson"))
    first = client.get(reverse("geo:roads"))
    assert client.get(reverse("geo:roads"), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    load(write(SYNTHETIC[:1], tmp_path / "fewer.geojson"), attribution="Synthetic test roads, second edition")
    second = client.get(reverse("geo:roads"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert second.json()["attribution"] == "Synthetic test roads, second edition"
    assert ContextLayer.objects.count() == 1


def test_with_no_roads_loaded_the_layer_is_empty_not_an_error(client):
    response = client.get(reverse("geo:roads"))
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    assert response.json()["features"] == []
    assert response["Cache-Control"] == "public, no-cache"
    assert client.get(reverse("geo:roads"), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_a_dry_run_writes_nothing(tmp_path, capsys):
    call_command(
        "import_context_layer",
        "roads",
        str(write(SYNTHETIC, tmp_path / "roads.geojson")),
        "--dry-run",
        *[f"--{k}={v}" for k, v in CREDITS.items()],
    )
    assert "Dry run, nothing written" in capsys.readouterr().out
    assert not ContextLayer.objects.exists()


def refused(path, *extra, **credits) -> str:
    with pytest.raises(CommandError) as error:
        load(path, *extra, **credits)
    return str(error.value)


def test_refusals_say_what_is_wrong_and_write_nothing(tmp_path, settings):
    good = write(SYNTHETIC, tmp_path / "roads.geojson")
    load(good)
    before = ContextLayer.objects.get()

    assert "--attribution is required" in refused(good, attribution=" ")
    points = write([{"highway": "primary", "geometry": Point(36.1, 33.69)}], tmp_path / "points.geojson")
    assert "holds Point, not lines" in refused(points)
    areas = write([{"highway": "primary", "geometry": box(36, 33, 37, 34)}], tmp_path / "areas.geojson")
    assert "holds Polygon, not lines" in refused(areas)
    mixed = [{"highway": "primary", "geometry": box(36, 33, 37, 34)}, {"highway": "primary", "geometry": Point(36, 33)}]
    assert "holds Point, Polygon, not lines" in refused(write(mixed, tmp_path / "mixed.geojson"))
    far = write(SYNTHETIC[4:5], tmp_path / "paris.geojson")
    assert "within Syria and the margin around it" in refused(far)
    (tmp_path / "roads.csv").write_text("highway,wkt\n")
    assert "not a map format" in refused(tmp_path / "roads.csv")
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    assert "not a valid zip archive" in refused(tmp_path / "broken.zip")
    (tmp_path / "broken.geojson").write_text('{"type": "FeatureCollection", "features": [')
    assert "cannot be" in refused(tmp_path / "broken.geojson")
    (tmp_path / "empty.geojson").write_bytes(b"")
    assert "is empty" in refused(tmp_path / "empty.geojson")
    assert "no such file" in refused(tmp_path / "missing.geojson")
    assert "more than the import limit" in refused(good, "--max-bytes=100")

    settings.AIDTRACK_CONTEXT_LAYER_MAX_LINES = 2
    assert "more than 2 lines" in refused(good)
    settings.AIDTRACK_CONTEXT_LAYER_MAX_LINES = 300_000
    settings.AIDTRACK_CONTEXT_LAYER_MAX_BYTES = 200
    assert "more than the 200\xa0bytes a phone keeps offline" in refused(good)  # as filesizeformat writes it

    assert ContextLayer.objects.get().version == before.version  # the layer loaded first is untouched


def test_a_geopackage_with_several_line_layers_needs_a_layer(tmp_path, client):
    path = tmp_path / "several.gpkg"
    write(SYNTHETIC[:2], path, layer="roads")
    write(SYNTHETIC[2:3], path, layer="tracks")
    assert "choose the roads with --layer" in refused(path)
    load(path, "--layer=tracks")
    assert {f["properties"]["class"] for f in served(client)["features"]} == {"secondary"}


def test_multilinestrings_are_kept(tmp_path, client):
    rows = [
        {
            "highway": "primary",
            "geometry": MultiLineString([[(36.0, 33.6), (36.1, 33.7)], [(36.2, 33.6), (36.3, 33.7)]]),
        }
    ]
    load(write(rows, tmp_path / "multi.geojson"))
    assert len(served(client)["features"]) == 2


def test_the_command_keeps_an_import_run(tmp_path):
    from aidtrack.imports.models import ImportKind, ImportRun, ImportStatus

    load(write(SYNTHETIC, tmp_path / "roads.geojson"))
    run = ImportRun.objects.get(kind=ImportKind.ROADS)
    # Read: the two primary pieces, the secondary and the trunk (not the street, nor the road in Paris).
    assert run.status == ImportStatus.SUCCEEDED and run.counts == {"lines read": 4, "lines kept": 3}
    refused(write(SYNTHETIC[4:5], tmp_path / "paris.geojson"))
    failed = ImportRun.objects.filter(kind=ImportKind.ROADS).latest("pk")
    assert failed.status == ImportStatus.FAILED and "within Syria" in failed.summary


ROADS_TAB = "/staff/import/?kind=roads"


def test_the_admin_sends_a_roads_file_to_the_staff_page_where_it_is_checked_before_it_is_loaded(admin_client, tmp_path):
    """The admin wrote an upload at once; it now leads to the staff page's roads tab (check, then import)."""
    from aidtrack.imports.models import ImportRun

    page = admin_client.get(reverse("admin:geo_contextlayer_changelist")).content.decode()
    assert f'href="{ROADS_TAB}"' in page and "Load a roads file on the staff import page" in page
    old_address = reverse("admin:geo_contextlayer_upload")  # bookmarks of the admin's own upload form
    response = admin_client.get(old_address)
    assert response.status_code == 302 and response["Location"] == ROADS_TAB
    with open(write(SYNTHETIC, tmp_path / "roads.geojson"), "rb") as stream:
        response = admin_client.post(old_address, {"kind": "roads", **CREDITS, "file": stream})
    assert response.status_code == 302 and response["Location"] == ROADS_TAB
    assert not ImportRun.objects.exists() and not ContextLayer.objects.exists()  # nothing written unchecked
    assert "Import Roads" in admin_client.get(ROADS_TAB).content.decode()


def test_the_admin_offers_the_roads_tab_only_to_accounts_allowed_to_add_layers(client, django_user_model):
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user("staff.viewer", password="x-pass-12345", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_contextlayer"))
    client.force_login(staff)
    assert ROADS_TAB not in client.get(reverse("admin:geo_contextlayer_changelist")).content.decode()
    assert client.get(reverse("admin:geo_contextlayer_upload"), follow=True).status_code == 403


def test_a_zip_of_many_shapefiles_needs_the_roads_one_named(tmp_path, client):
    """As Geofabrik's country zips: roads beside other layers."""
    folder = tmp_path / "many"
    folder.mkdir()
    write(SYNTHETIC, folder / "gis_osm_roads_free_1.shp")
    write([{"highway": "primary", "geometry": Point(36.1, 33.69)}], folder / "gis_osm_places_free_1.shp")
    archive = tmp_path / "syria-latest-free.shp.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for member in folder.iterdir():
            out.write(member, member.name)
    assert "Name the roads' one with --layer" in refused(archive)
    load(archive, "--layer=gis_osm_roads_free_1")
    assert len(served(client)["features"]) == 3
