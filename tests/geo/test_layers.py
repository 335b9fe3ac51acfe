"""Map layers: simplified GeoJSON per admin level, revalidated by ETag and Last-Modified."""

import gzip
import json

import pytest
from django.urls import reverse

from aidtrack.geo.importers.boundaries import import_boundaries
from tests.geo.builders import ADM1, box, import_all, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def boundaries(db, tmp_path_factory):
    import_all(tmp_path_factory.mktemp("cod"))


def test_each_level_is_a_feature_collection_with_names_and_parents(client, boundaries):
    response = client.get(reverse("geo:admin-layer", args=[2]))
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    features = {f["properties"]["pcode"]: f for f in collection["features"]}
    assert set(features) == {"SY0100", "SY0101", "SY0200"}
    assert features["SY0200"]["properties"]["parent_pcode"] == "SY02"
    assert features["SY0200"]["geometry"]["type"] == "Polygon"


def test_a_browser_revalidates_and_gets_304_until_boundaries_change(client, boundaries, tmp_path):
    url = reverse("geo:admin-layer", args=[1])
    first = client.get(url)
    assert first.has_header("ETag") and first.has_header("Last-Modified")
    assert "no-cache" in first["Cache-Control"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304

    renamed = [dict(ADM1[0], ADM1_EN="West (new)", geometry=box(36, 33, 37, 35)), ADM1[1]]
    import_boundaries(str(write(renamed, tmp_path / "adm1.geojson")))
    after = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    assert "West (new)" in after.content.decode()


def test_layers_are_gzipped_for_clients_that_accept_it(client, boundaries):
    response = client.get(reverse("geo:admin-layer", args=[3]), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["features"]


def test_the_layer_index_lists_the_levels_that_have_areas(client, boundaries):
    layers = client.get(reverse("geo:layers")).json()["layers"]
    assert [(layer["level"], layer["features"]) for layer in layers] == [(0, 1), (1, 2), (2, 3), (3, 3)]
    assert layers[3]["url"] == "/geo/layers/adm3.geojson"


def test_the_layer_index_names_no_host_since_one_copy_serves_every_reader(client, boundaries):
    """The index is cached once for all readers and rendered by a job worker: a host in it (the worker's, or the
    first reader's) would send every other reader's map to another address, or from https to http."""
    first = client.get(reverse("geo:layers"), HTTP_HOST="localhost", secure=False).json()["layers"]
    other = client.get(reverse("geo:layers"), HTTP_HOST="127.0.0.1:8000", secure=True).json()["layers"]
    assert first == other
    assert all(layer["url"].startswith("/geo/layers/adm") for layer in other)


def test_an_unknown_level_is_404(client, boundaries):
    assert client.get("/geo/layers/adm7.geojson").status_code == 404
