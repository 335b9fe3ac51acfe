"""The GeoJSON incident list written by the database is the same document as the one built in Python.

Each list is asked for twice, once through each path (``aidtrack.api.incident_features``, then the rows of
``incident_row`` rendered by orjson), by every kind of reader, with filters and ``fields=``; the two bodies must
be the same bytes, and parse to the same features with the same keys in the same order and values of the same
types. Records hidden from a reader must be absent from both.
"""

import datetime
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from aidtrack.api import cache as api_cache
from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.incidents.models import Incident, IncidentSource
from aidtrack.incidents.services import incident_review
from aidtrack.ops.public_cache import recent as recent_public_lists
from aidtrack.orgs.models import Visibility
from tests.api.conftest import HIDDEN_FROM_PUBLIC, SECRETS, report

ROLES = ["anonymous", "reporter_a", "reporter_b", "reviewer", "admin"]
QUERIES = [
    "",
    "fields=title,latitude,category_label",
    "fields=attribution,organization_id,id,occurred_time,location_generalised_to",
    "fields=version,internal_description,title",  # full-only keys, refused (400) to the public
    "fields=sources,id",  # GeoJSON rows have no sources: only the id is kept
    "pcode=SY01",
    "pcode=C0001",
    "date_from=2016-09-19&date_to=2016-09-19",
    "bbox=36.0,33.0,36.3,33.3",
    "category=3&category=5",
    "search=bridge",
    "verification=verified&kind=obstruction",
    "organization={organization}",
    "lang=ar",
]


@pytest.fixture
def edge_cases(world, reporter, reviewer, outsider, org_a, org_b):
    """Records whose values test the writing: licensed sources, times with microseconds, text to escape, a place
    known only to its governorate, a stated area without a point, coordinates to round, linked convoys, and a
    record of the other organization."""

    licensed = report(reporter, org_a, "LICENSED", occurred_time=datetime.time(6, 30))
    IncidentSource.objects.create(incident=licensed, kind="media", name="Insecurity Insight", licence="CC BY 4.0")
    IncidentSource.objects.create(incident=licensed, kind="media", name="AWSD", licence="CC BY-NC")
    IncidentSource.objects.create(incident=licensed, kind="media", name="Unlicensed", licence="")
    incident_review(incident=licensed, by=reviewer, outcome="verified")
    Incident.objects.filter(pk=licensed.pk).update(
        category="5",
        occurred_time=datetime.time(7, 5, 9, 250),
        verified_at=datetime.datetime(2016, 9, 20, 8, 0, 0, 123400, tzinfo=datetime.UTC),
    )
    awkward = report(
        reporter,
        org_a,
        'Quote " backslash \\ line\nbreak\ttab \x01 ü العربية \u2028 end',
        publish_exact_location=True,
        latitude=33.1234565,
        longitude=36.10000049,
        location_name="",
        supplies_lost="2 trucks; 'food'",
        people_killed=3,
    )
    incident_review(incident=awkward, by=reviewer, outcome="verified")
    report(reporter, org_a, "GOVERNORATE-ONLY", latitude=33.9, longitude=36.9)
    stated = report(reporter, org_a, "STATED-AREA", latitude=None, longitude=None, stated_area=world.district)
    incident_review(incident=stated, by=reviewer, outcome="verified")
    Incident.objects.filter(title__in=["GOVERNORATE-ONLY"]).update(verification_status="verified")
    Incident.objects.filter(pk=world.public.pk).update(convoy=world.convoy)
    Incident.objects.filter(pk=world.exact.pk).update(convoy=world.restricted_convoy)
    other = report(outsider, org_b, "OTHER-ORG-RESTRICTED", Visibility.RESTRICTED)
    Incident.objects.filter(pk=other.pk).update(verification_status="verified")
    AdminArea.objects.filter(level=AdminLevel.SUBDISTRICT).update(name_en="")  # a blank name falls back
    return world


def _clear():
    cache.clear()
    api_cache.clear()
    recent_public_lists.clear()


def _bodies(client_for, role, query, monkeypatch):
    """(status, body) of the list through the database path, then through the Python path."""
    url = "/api/v1/incidents/?format=geojson" + (f"&{query}" if query else "")
    answers = []
    for by_database in (True, False):
        _clear()
        monkeypatch.setattr("aidtrack.api.incidents.written_by_database", lambda by_database=by_database: by_database)
        response = client_for(role).get(url)
        answers.append((response.status_code, response.content))
    monkeypatch.undo()
    _clear()
    return answers


def _same_document(new: bytes, old: bytes):
    new_doc, old_doc = json.loads(new), json.loads(old)
    assert new_doc == old_doc
    for new_feature, old_feature in zip(new_doc["features"], old_doc["features"], strict=True):
        assert list(new_feature) == list(old_feature)
        assert list(new_feature["properties"]) == list(old_feature["properties"])
        for key, value in old_feature["properties"].items():
            assert type(new_feature["properties"][key]) is type(value), key
    assert new == old


# Records each reader must never receive (titles): the canaries.
NEVER_SHOWN = {
    "anonymous": {*HIDDEN_FROM_PUBLIC, "OTHER-ORG-RESTRICTED"},
    "reporter_a": {"OTHER-ORG-RESTRICTED"},
    "reporter_b": set(HIDDEN_FROM_PUBLIC),
    "reviewer": {"OTHER-ORG-RESTRICTED"},
    "admin": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_the_database_writes_the_same_geojson_as_python(edge_cases, client_for, role, monkeypatch):
    for query in QUERIES:
        query = query.format(organization=edge_cases.public.organization_id)
        (new_status, new), (old_status, old) = _bodies(client_for, role, query, monkeypatch)
        assert new_status == old_status, query
        if old_status != 200:
            assert role == "anonymous" and "version" in query
            continue
        assert json.loads(old)["features"] or query in {"pcode=C0001", "search=bridge"}, query
        _same_document(new, old)
        titles = {feature["properties"].get("title") for feature in json.loads(new)["features"]}
        assert not titles & NEVER_SHOWN[role], query
        if role == "anonymous":
            assert not any(secret.encode() in new for secret in SECRETS), query


def test_every_kind_of_value_is_in_the_comparison(edge_cases, client_for, monkeypatch):
    """The comparison above sees what it is meant to: the licences joined in order, microseconds, a label, the
    escaped title, a rounded half, a governorate-only record without a point, a hidden convoy and a blank name."""
    (_, new), _ = _bodies(client_for, "reporter_a", "", monkeypatch)
    features = {feature["properties"]["title"]: feature for feature in json.loads(new)["features"]}
    licensed = features["LICENSED"]["properties"]
    assert licensed["attribution"] == "Insecurity Insight (CC BY 4.0); AWSD (CC BY-NC)"
    assert licensed["occurred_time"] == "07:05:09.000250"
    assert licensed["verified_at"] == "2016-09-20T08:00:00.123400Z"
    assert licensed["category_label"].startswith("5. Violence")
    awkward = next(f for title, f in features.items() if title.startswith("Quote"))
    assert awkward["geometry"]["coordinates"] == [round(36.10000049, 6), round(33.1234565, 6)]
    assert features["PUBLIC-GENERALISED"]["properties"]["convoy_reference"] == "CV-PUBLIC"
    public = json.loads(_bodies(client_for, "anonymous", "", monkeypatch)[0][1])
    shown = {feature["properties"]["title"]: feature["properties"] for feature in public["features"]}
    assert next(f for f in public["features"] if f["properties"]["title"] == "GOVERNORATE-ONLY")["geometry"] is None
    assert shown["PUBLIC-EXACT"]["convoy_reference"] is None
    assert shown["PUBLIC-GENERALISED"]["location_name"] == "Damascus district"
    assert shown["PUBLIC-GENERALISED"]["geo_precision"] == 3


@override_settings(LANGUAGE_CODE="en")
def test_labels_are_in_the_readers_language(edge_cases, client_for, monkeypatch):
    (_, new), (_, old) = _bodies(client_for, "anonymous", "lang=ar", monkeypatch)
    _same_document(new, old)
    labels = {feature["properties"]["category_label"] for feature in json.loads(new)["features"]}
    assert labels and all(any("\u0600" <= c <= "\u06ff" for c in label) for label in labels)


def test_an_empty_list_is_an_empty_collection(world, client_for, monkeypatch):
    (_, new), (_, old) = _bodies(client_for, "anonymous", "date_from=2030-01-01", monkeypatch)
    assert new == old == b'{"type":"FeatureCollection","features":[]}'


def test_queries_do_not_grow_with_the_rows(edge_cases, client_for):
    counts = []
    for query in ("", "date_from=2030-01-01"):
        _clear()
        with CaptureQueriesContext(connection) as queries:
            assert client_for("reporter_a").get(f"/api/v1/incidents/?format=geojson&{query}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
