"""Public lists from the shared cache: no query before a cached list, served while the database is down,
never stale after a write, precomputed when the data changes."""

import gzip
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.http import FileResponse
from django.test import Client

from aidtrack.incidents.models import Incident
from aidtrack.ops import local_copies, outage, public_cache
from tests.ops.conftest import DatabaseSwitch
from tests.staff.conftest import login

AREAS = "/api/v1/areas/?format=geojson"
INCIDENTS = "/api/v1/incidents/?format=geojson"


@pytest.fixture
def steady(settings):
    """A production-like data check: the version is read from the database at most every minute."""
    settings.AIDTRACK_DATA_CHECK_SECONDS = 60


def titles(response) -> set[str]:
    body = gzip.decompress(response.content) if response.get("Content-Encoding") == "gzip" else response.content
    return {feature["properties"]["title"] for feature in json.loads(body)["features"]}


def test_a_cached_public_list_costs_no_query(world, steady, django_assert_num_queries):
    client = Client()
    first = client.get(AREAS, HTTP_ACCEPT_ENCODING="gzip")
    assert first.status_code == 200 and first["Content-Encoding"] == "gzip"
    with django_assert_num_queries(0):
        again = client.get(AREAS, HTTP_ACCEPT_ENCODING="gzip")
    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert client.get(AREAS, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_cached_public_lists_are_served_while_the_database_is_down(world, steady, monkeypatch):
    client = Client()
    before = client.get(INCIDENTS)
    switch = DatabaseSwitch(monkeypatch)
    switch.down()
    try:
        during = client.get(INCIDENTS)
        assert during.status_code == 200 and during.content == before.content
        uncached = client.get(INCIDENTS + "&category=5")
        assert uncached.status_code == 503 and uncached.json()["code"] == "database_unavailable"
    finally:
        switch.up()
        outage._down_since = None


def test_a_write_is_seen_at_once_by_the_next_reader(world, steady):
    client = Client()
    assert "Changed title" not in titles(client.get(INCIDENTS))
    changed = Incident.objects.get(pk=world.public.pk)
    changed.title = "Changed title"
    changed.save()
    assert "Changed title" in titles(client.get(INCIDENTS))


def test_a_signed_in_reader_is_not_served_the_public_copy(world, steady, reporter):
    client = Client()
    public = titles(client.get(INCIDENTS))
    login(client, reporter)
    assert "PARTNERS-ONLY" in titles(client.get(INCIDENTS)) - public


def test_a_change_precomputes_the_maps_lists(world, settings, django_assert_num_queries):
    settings.AIDTRACK_PRECOMPUTE_PUBLIC_LISTS = True
    settings.AIDTRACK_DATA_CHECK_SECONDS = 60
    from aidtrack.ops.versions import data_version

    data_version()  # a new version: the task (run at once in tests) renders the map's lists
    fields = ",".join(settings.AIDTRACK_MAP_INCIDENT_FIELDS)
    with django_assert_num_queries(0):
        response = Client().get(
            f"/api/v1/incidents/?format=geojson&fields={fields}",
            HTTP_ACCEPT="application/geo+json",
            HTTP_ACCEPT_ENCODING="gzip",
        )
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"


def test_the_precomputed_incident_fields_are_the_ones_the_map_asks_for():
    script = Path(settings.BASE_DIR, "aidtrack/web/static/web/map/layers/incidents.js").read_text()
    listed = re.search(r"INCIDENT_FIELDS = \[(.*?)\];", script, re.S).group(1)
    assert re.findall(r'"(\w+)"', listed) == settings.AIDTRACK_MAP_INCIDENT_FIELDS


def test_the_anonymous_budget_counts_renderings_not_cached_copies(world, steady, settings):
    """A cached list costs what a static file costs; the budget protects the server from what it must render."""
    settings.AIDTRACK_API_ANON_RATE = "3/minute"
    client = Client()
    assert [client.get(AREAS).status_code for _ in range(5)] == [200] * 5, "one rendering, four copies"
    rendered = [client.get(f"{AREAS}&status=besieged&n={n}").status_code for n in range(3)]
    assert rendered == [200, 200, 429]


def test_fields_narrow_the_query_itself(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("reporter_a")
    with CaptureQueriesContext(connection) as queries:
        rows = client.get("/api/v1/incidents/?fields=title,occurred_on").json()["results"]
    assert rows and set(rows[0]) == {"id", "title", "occurred_on"}
    listing = next(q["sql"] for q in queries.captured_queries if "public_summary" in q["sql"] or "title" in q["sql"])
    assert "internal_description" not in listing and "username" not in listing, "unasked columns are not read"
    full = client.get("/api/v1/incidents/?fields=title,location_name,convoy_reference").json()["results"]
    assert {row["location_name"] for row in full} and all("convoy_reference" in row for row in full)


# A client that does not accept gzip, and lists too large for a process's memory: copies on this server's disk.


def streamed(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def titles_of(body: bytes) -> set[str]:
    return {feature["properties"]["title"] for feature in json.loads(body)["features"]}


def copies_in(folder) -> list[str]:
    return sorted(path.name for path in Path(folder).iterdir())


@pytest.fixture
def unzipped_copies(monkeypatch):
    """Every list, however small, is sent unzipped from a copy on disk (the test lists are a few kilobytes)."""
    monkeypatch.setattr(public_cache, "UNZIPPED_COPY_BYTES", 0)


def test_a_client_without_gzip_is_sent_the_gzipped_list_unzipped_from_a_copy(world, steady, unzipped_copies):
    client = Client()
    zipped = client.get(INCIDENTS, HTTP_ACCEPT_ENCODING="gzip")
    unzipped = client.get(INCIDENTS)
    assert unzipped.status_code == 200 and not unzipped.has_header("Content-Encoding")
    # A file response: Django hands its file to the WSGI server's file wrapper, which gunicorn sends with sendfile.
    assert isinstance(unzipped, FileResponse), "sent from the copy, as a static file is"
    assert streamed(unzipped) == gzip.decompress(zipped.content)
    assert int(unzipped["Content-Length"]) == len(gzip.decompress(zipped.content))
    assert unzipped["ETag"] == zipped["ETag"] and unzipped["Content-Type"] == zipped["Content-Type"]
    assert unzipped["Cache-Control"] == "public, no-cache"
    assert {"Accept", "Accept-Encoding", "Accept-Language", "Cookie"} <= set(re.split(r",\s*", unzipped["Vary"]))
    assert not unzipped.has_header("Content-Disposition"), "the copy's file name is not the list's"
    [copy] = copies_in(settings.AIDTRACK_PUBLIC_COPIES_DIR)
    assert copy.endswith(".json")


def test_the_unzipped_copy_is_written_once_and_served_while_the_database_is_down(world, steady, unzipped_copies):
    client = Client()
    rendered = streamed(client.get(INCIDENTS))
    assert copies_in(settings.AIDTRACK_PUBLIC_COPIES_DIR) == [], "the rendering request is sent its body as it is"
    first = streamed(client.get(INCIDENTS))
    assert first == rendered
    [copy] = Path(settings.AIDTRACK_PUBLIC_COPIES_DIR).iterdir()
    written = copy.stat().st_ino
    with pytest.MonkeyPatch.context() as patches:
        DatabaseSwitch(patches).down()
        try:
            during = client.get(INCIDENTS)
            assert during.status_code == 200 and streamed(during) == first
        finally:
            outage._down_since = None
    assert copy.stat().st_ino == written, "not written again"


def test_an_unchanged_unzipped_list_is_a_304_and_a_head_request_has_its_length(world, steady, unzipped_copies):
    client = Client()
    first = client.get(INCIDENTS)
    body = streamed(first)
    again = client.get(INCIDENTS, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    head = client.head(INCIDENTS)
    assert head.status_code == 200 and head.content == b"" and head["Content-Length"] == str(len(body))
    assert head["ETag"] == first["ETag"]


def test_after_a_write_the_unzipped_copy_of_the_earlier_version_is_never_served(world, steady, unzipped_copies):
    client = Client()
    for _ in range(2):  # rendered, then sent from its copy
        assert "Changed title" not in titles_of(streamed(client.get(INCIDENTS)))
    changed = Incident.objects.get(pk=world.public.pk)
    changed.title = "Changed title"
    changed.save()
    for _ in range(2):
        assert "Changed title" in titles_of(streamed(client.get(INCIDENTS)))
    assert len(copies_in(settings.AIDTRACK_PUBLIC_COPIES_DIR)) == 2, "one copy per data version"


def test_a_list_too_large_for_memory_is_kept_and_sent_gzipped_from_disk(world, steady, settings):
    settings.AIDTRACK_PUBLIC_CACHE_LOCAL_BYTES = 3000  # a quarter of it is less than the list, gzipped
    client = Client()
    rendered = client.get(INCIDENTS, HTTP_ACCEPT_ENCODING="gzip")
    [entry] = public_cache.recent.entries.values()
    assert entry["gzip"] is None and entry["gzip_size"] == len(rendered.content), "only its headers in memory"
    again = client.get(INCIDENTS, HTTP_ACCEPT_ENCODING="gzip")
    assert again.streaming and again["Content-Encoding"] == "gzip" and streamed(again) == rendered.content
    assert again["Content-Length"] == str(len(rendered.content)) and again["ETag"] == rendered["ETag"]
    head = client.head(INCIDENTS, HTTP_ACCEPT_ENCODING="gzip")
    assert head["Content-Length"] == str(len(rendered.content)) and head["Content-Encoding"] == "gzip"
    unzipped = client.get(INCIDENTS)
    assert streamed(unzipped) == gzip.decompress(rendered.content), "unzipped from the gzipped copy on disk"


def test_a_list_whose_copy_was_evicted_is_read_again_from_the_shared_cache(world, steady, settings):
    settings.AIDTRACK_PUBLIC_CACHE_LOCAL_BYTES = 3000
    client = Client()
    rendered = client.get(INCIDENTS, HTTP_ACCEPT_ENCODING="gzip")
    local_copies.clear()  # another process's eviction
    again = client.get(INCIDENTS, HTTP_ACCEPT_ENCODING="gzip")
    assert again.status_code == 200 and streamed(again) == rendered.content
    assert copies_in(settings.AIDTRACK_PUBLIC_COPIES_DIR), "copied again"


def test_without_copies_a_client_without_gzip_gets_the_list_unzipped_in_memory(world, steady, settings):
    settings.AIDTRACK_PUBLIC_COPIES_BYTES = 0
    settings.AIDTRACK_PUBLIC_CACHE_LOCAL_BYTES = 400
    client = Client()
    zipped = client.get(INCIDENTS, HTTP_ACCEPT_ENCODING="gzip")
    unzipped = client.get(INCIDENTS)
    assert not unzipped.streaming and unzipped.content == gzip.decompress(zipped.content)
    assert not Path(settings.AIDTRACK_PUBLIC_COPIES_DIR).exists() or not copies_in(settings.AIDTRACK_PUBLIC_COPIES_DIR)
