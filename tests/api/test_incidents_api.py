"""Incidents over the API: generalised locations, filters that reveal nothing, formats, writes and their errors."""

import csv
import io
import json

import pytest
from django.test import override_settings
from openpyxl import load_workbook
from rest_framework import status

from aidtrack.incidents.models import Incident


def results(response):
    return response.json()["results"]


def titles(response):
    return {row["title"] for row in results(response)}


def test_the_public_sees_a_generalised_location_in_every_format(world, client_for):
    client = client_for("anonymous")
    centre = (round(world.subdistrict.centroid_lon, 6), round(world.subdistrict.centroid_lat, 6))

    row = client.get(f"/api/v1/incidents/{world.public.pk}/").json()
    assert (row["longitude"], row["latitude"]) == centre
    assert row["location_name"] == "Damascus sub-district"
    assert row["location_generalised"] is True and row["geo_precision"] == 3
    assert row["location_generalised_to"] == "sub-district"
    assert row["community_pcode"] is None and row["area_id"] is None
    assert "internal_description" not in row and "reported_by" not in row
    assert row["sources"] == [
        {"kind": "own_staff", "name": "Field team", "reference": "", "reliability": "unknown", "licence": ""}
    ]

    features = client.get("/api/v1/incidents/?format=geojson").json()["features"]
    feature = next(f for f in features if f["id"] == world.public.pk)
    assert tuple(feature["geometry"]["coordinates"]) == centre

    lines = list(csv.reader(io.StringIO(client.get("/api/v1/incidents/?format=csv").content.decode())))
    header, hxl = lines[0], lines[1]
    assert hxl[header.index("latitude")] == "#geo+lat" and hxl[0] == "#meta+id"
    record = next(dict(zip(header, line, strict=True)) for line in lines[2:] if line[0] == str(world.public.pk))
    assert float(record["latitude"]) == centre[1]
    assert "internal_description" not in header


def test_a_place_known_only_to_its_governorate_is_named_but_never_drawn(world, client_for, reporter, reviewer, org_a):
    """Its governorate's centre could lie a hundred kilometres away, in the desert: it gets no point at all."""
    from aidtrack.incidents.services import incident_review
    from tests.api.conftest import report

    outside = report(reporter, org_a, "GOVERNORATE-ONLY", latitude=33.9, longitude=36.9)  # outside the district
    incident_review(incident=outside, by=reviewer, outcome="verified")
    client = client_for("anonymous")
    row = client.get(f"/api/v1/incidents/{outside.pk}/").json()
    assert (row["latitude"], row["longitude"], row["location_generalised_to"]) == (None, None, "governorate")
    assert row["location_name"] == "Damascus" and row["admin1_pcode"] == "SY01"
    features = client.get("/api/v1/incidents/?format=geojson").json()["features"]
    assert next(f for f in features if f["id"] == outside.pk)["geometry"] is None
    lines = list(csv.reader(io.StringIO(client.get("/api/v1/incidents/?format=csv").content.decode())))
    record = next(dict(zip(lines[0], line, strict=True)) for line in lines[2:] if line[0] == str(outside.pk))
    assert (record["latitude"], record["location_generalised_to"]) == ("", "governorate")
    assert lines[1][lines[0].index("location_generalised_to")] == "#geo+generalised+level"


def test_an_exact_location_is_published_only_where_the_record_allows_it(world, client_for):
    row = client_for("anonymous").get(f"/api/v1/incidents/{world.exact.pk}/").json()
    assert (row["latitude"], row["longitude"]) == (33.2, 36.2)
    assert row["location_name"] == "Bridge crossing" and row["location_generalised"] is False
    assert row["location_generalised_to"] is None


def test_members_of_the_reporting_organization_see_the_full_record(world, client_for):
    row = client_for("reporter_a").get(f"/api/v1/incidents/{world.public.pk}/").json()
    assert (row["latitude"], row["longitude"]) == (33.123456, 36.123456)
    assert row["internal_description"].startswith("SECRET-INTERNAL")
    assert row["reported_by"] == "reporter.a" and row["sources"][0]["contact"].startswith("SECRET-CONTACT")


def test_another_organization_never_sees_partners_only_records(world, client_for):
    assert client_for("reporter_b").get(f"/api/v1/incidents/{world.partners.pk}/").status_code == 404
    assert "PARTNERS-ONLY" not in titles(client_for("reporter_b").get("/api/v1/incidents/"))
    row = client_for("reporter_a").get(f"/api/v1/incidents/{world.partners.pk}/").json()
    assert row["full_view"] is True and row["location_generalised"] is False


def test_a_bounding_box_around_a_hidden_exact_point_finds_nothing_for_the_public(world, client_for):
    box = "/api/v1/incidents/?bbox=36.1230,33.1230,36.1240,33.1240"
    assert titles(client_for("anonymous").get(box)) == set()
    assert "PUBLIC-GENERALISED" in titles(client_for("reporter_a").get(box))


def test_a_community_pcode_does_not_place_a_generalised_incident(world, client_for):
    assert "PUBLIC-GENERALISED" not in titles(client_for("anonymous").get("/api/v1/incidents/?pcode=C0001"))
    assert "PUBLIC-GENERALISED" in titles(client_for("reporter_a").get("/api/v1/incidents/?pcode=C0001"))


def test_a_governorate_pcode_matches_everything_inside_it(world, client_for):
    assert titles(client_for("anonymous").get("/api/v1/incidents/?pcode=sy01")) == {
        "PUBLIC-GENERALISED",
        "PUBLIC-EXACT",
    }


def test_free_text_search_does_not_read_hidden_text(world, client_for):
    for text in ("SECRET-INTERNAL", "SECRET-CHECKPOINT"):
        assert titles(client_for("anonymous").get(f"/api/v1/incidents/?search={text}")) == set()
    assert "PUBLIC-GENERALISED" in titles(client_for("reporter_a").get("/api/v1/incidents/?search=SECRET-INTERNAL"))
    assert titles(client_for("anonymous").get("/api/v1/incidents/?search=exact")) == {"PUBLIC-EXACT"}


def test_filters_by_category_date_party_and_verification(world, client_for):
    client = client_for("reporter_a")
    assert titles(client.get(f"/api/v1/incidents/?party={world.party.pk}")) == {"PUBLIC-GENERALISED"}
    assert titles(client.get("/api/v1/incidents/?verification=reported")) == {"UNVERIFIED-ONLY"}
    assert titles(client.get("/api/v1/incidents/?category=5")) == set()
    assert len(results(client.get("/api/v1/incidents/?category=3&category=5"))) == 5
    assert titles(client.get("/api/v1/incidents/?date_from=2016-09-20")) == set()
    assert len(results(client.get("/api/v1/incidents/?date_from=2016-09-19&date_to=2016-09-19"))) == 5


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("bbox=37,33,36,34", "bbox"),
        ("bbox=36,33,37", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("date_from=2016-02-30", "date_from"),
        ("pcode=SY99", "pcode"),
        ("category=42", "category"),
        ("updated_since=yesterday", "updated_since"),
        ("page_size=0", "page_size"),
        ("cursor=%%%", "cursor"),
    ],
)
def test_bad_query_parameters_get_a_field_message(world, client_for, query, field):
    response = client_for("anonymous").get(f"/api/v1/incidents/?{query}")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    body = response.json()
    assert body["status"] == 400 and body["code"] == "invalid" and body["errors"][field]


def test_accept_header_chooses_the_format(world, client_for):
    response = client_for("anonymous").get("/api/v1/incidents/", HTTP_ACCEPT="application/geo+json")
    assert response["Content-Type"].startswith("application/geo+json")
    assert response.json()["type"] == "FeatureCollection"


def test_xlsx_has_column_names_then_hxl_hashtags(world, client_for):
    response = client_for("anonymous").get("/api/v1/incidents/?format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("id", "reference") and rows[1][:2] == ("#meta+id", "#meta+ref")
    assert len(rows) == 2 + 2


def test_an_error_is_json_even_when_csv_was_asked_for(world, client_for):
    response = client_for("anonymous").get("/api/v1/incidents/?format=csv&bbox=1")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert response.json()["errors"]["bbox"]


def test_a_reporter_reports_for_their_organization(world, client_for, org_a):
    payload = {
        "organization": org_a.pk,
        "kind": "obstruction",
        "category": "5",
        "title": "Shelling near the warehouse",
        "occurred_on": "2016-09-21",
        "latitude": 33.05,
        "longitude": 36.05,
        "public_summary": "The warehouse was shelled.",
        "sources": [{"kind": "media", "name": "Reuters"}],
    }
    response = client_for("reporter_a").post("/api/v1/incidents/", payload, format="json")
    assert response.status_code == status.HTTP_201_CREATED, response.content
    row = response.json()
    assert row["reference"].startswith("INC-2016-") and row["admin3_pcode"] == "SY010000"
    assert row["verification_status"] == "reported" and row["version"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"latitude": "north"}, "latitude"),
        ({"latitude": 95}, "latitude"),
        ({"occurred_on": "2016-02-30"}, "occurred_on"),
        ({"stated_area": "SY99", "latitude": None, "longitude": None}, "stated_area"),
        ({"category": "", "kind": "obstruction"}, "category"),
        ({"latitude": None}, "longitude"),
        ({"verification_status": "verified"}, "verification_status"),
    ],
)
def test_bad_input_is_refused_with_a_field_message_and_nothing_is_saved(world, client_for, org_a, body, field):
    payload = {
        "organization": org_a.pk,
        "kind": "obstruction",
        "category": "5",
        "title": "Bad",
        "occurred_on": "2016-09-21",
        "latitude": 33.05,
        "longitude": 36.05,
        "public_summary": "x",
        **body,
    }
    before = Incident.objects.count()
    response = client_for("reporter_a").post("/api/v1/incidents/", payload, format="json")
    assert response.status_code == status.HTTP_400_BAD_REQUEST, response.content
    assert field in response.json()["errors"] or any(field in m for m in json.dumps(response.json()).split('"'))
    assert Incident.objects.count() == before


def test_malformed_json_is_a_400(world, client_for):
    response = client_for("reporter_a").post("/api/v1/incidents/", "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_an_edit_on_a_stale_version_is_refused_with_409(world, client_for):
    client = client_for("reporter_a")
    url = f"/api/v1/incidents/{world.unverified.pk}/"
    assert client.patch(url, {"title": "First", "version": 1}, format="json").status_code == 200
    response = client.patch(url, {"title": "Second", "version": 1}, format="json")
    assert response.status_code == status.HTTP_409_CONFLICT
    assert response.json()["code"] == "stale" and response.json()["errors"]["version"]
    assert Incident.objects.get(pk=world.unverified.pk).title == "First"


def test_an_edit_without_a_version_is_refused(world, client_for):
    response = client_for("reporter_a").patch(
        f"/api/v1/incidents/{world.unverified.pk}/", {"title": "x"}, format="json"
    )
    assert response.status_code == 400 and response.json()["errors"]["version"]


def test_review_needs_a_reason_unless_verified(world, client_for):
    url = f"/api/v1/incidents/{world.unverified.pk}/review/"
    response = client_for("reviewer").post(url, {"outcome": "disputed", "version": 1}, format="json")
    assert response.status_code == 400 and response.json()["errors"]["note"]


def test_a_convoy_hidden_from_the_writer_cannot_be_linked(world, client_for):
    url = f"/api/v1/incidents/{world.public.pk}/"
    body = {"convoy": world.restricted_convoy.pk, "version": world.public.version}
    response = client_for("admin").patch(url, body, format="json")
    assert response.status_code == 200
    row = client_for("anonymous").get(url)
    assert row.status_code == 404 or row.json()["convoy_reference"] is None


@override_settings(AIDTRACK_API_ANON_RATE="3/minute")
def test_anonymous_clients_are_throttled(world, client_for):
    client = client_for("anonymous")
    codes = [client.get("/api/v1/parties/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client_for("reporter_a").get("/api/v1/parties/").status_code == 200


def test_fields_keeps_only_the_keys_asked_for_and_the_features_point(world, client_for):
    """The map asks for the few keys it draws; GeoJSON features keep their (generalised) point."""
    client = client_for("anonymous")
    centre = [round(world.subdistrict.centroid_lon, 6), round(world.subdistrict.centroid_lat, 6)]
    features = client.get("/api/v1/incidents/?format=geojson&fields=title,category").json()["features"]
    feature = next(f for f in features if f["id"] == world.public.pk)
    assert feature["properties"] == {
        "id": world.public.pk,
        "category": world.public.category,
        "title": world.public.title,
    }
    assert feature["geometry"]["coordinates"] == centre
    page = client.get("/api/v1/incidents/?fields=title").json()
    assert all(set(row) == {"id", "title"} for row in page["results"])
    lines = client.get("/api/v1/incidents/?format=csv&fields=title,occurred_on").content.decode().splitlines()
    assert lines[:2] == ["title,occurred_on", "#event+title,#date+occurred"]


@pytest.mark.parametrize("fields", ["internal_description", "reported_by,title", "nonsense", ","])
def test_fields_cannot_reach_what_the_public_may_not_read(world, client_for, fields):
    response = client_for("anonymous").get("/api/v1/incidents/", {"format": "geojson", "fields": fields})
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    message = response.json()["errors"]["fields"][0]
    assert "Choose among:" in message and "internal_description" not in message.split("Choose among:")[1]


def test_members_may_ask_for_their_full_fields(world, client_for):
    rows = client_for("reporter_a").get("/api/v1/incidents/?fields=title,internal_description").json()["results"]
    row = next(r for r in rows if r["id"] == world.public.pk)
    assert row["internal_description"].startswith("SECRET-INTERNAL")


def test_a_cached_list_is_served_compressed_and_revalidates_with_its_etag(world, client_for):
    """The map's largest read: gzipped once and kept so; a reload with the ETag gets 304 and no body."""
    import gzip

    client = client_for("anonymous")
    url = "/api/v1/incidents/?format=geojson"
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    second = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert first["Content-Encoding"] == second["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(second.content)) == json.loads(gzip.decompress(first.content))
    assert "Accept-Encoding" in second["Vary"]
    plain = client.get(url)
    assert not plain.has_header("Content-Encoding")
    assert json.loads(plain.content) == json.loads(gzip.decompress(second.content))
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=second["ETag"])
    assert again.status_code == status.HTTP_304_NOT_MODIFIED and again.content == b""


def test_the_etag_is_the_same_fresh_or_cached_compressed_or_not_and_changes_with_the_data(world, client_for):
    from aidtrack.api import cache as api_cache

    client = client_for("anonymous")
    url = "/api/v1/incidents/?format=geojson"
    fresh = client.get(url, HTTP_ACCEPT_ENCODING="gzip")["ETag"]
    cached = client.get(url, HTTP_ACCEPT_ENCODING="gzip")["ETag"]
    plain = client.get(url)["ETag"]
    assert fresh.removeprefix("W/") == cached == plain
    api_cache.clear()  # another worker, which has not rendered the list yet
    assert client.get(url, HTTP_IF_NONE_MATCH=cached).status_code == status.HTTP_304_NOT_MODIFIED
    changed = Incident.objects.get(pk=world.public.pk)
    changed.title = "Changed title"
    changed.save()
    assert client.get(url, HTTP_IF_NONE_MATCH=cached).status_code == status.HTTP_200_OK
