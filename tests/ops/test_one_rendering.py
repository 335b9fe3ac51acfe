"""A public list not yet in the cache is rendered by one request: readers who ask for it meanwhile wait for that
rendering (on any server, through the shared cache) instead of each rendering it, unless it failed or takes too long."""

import gzip
import json

import pytest
from django.core.cache import cache
from django.test import Client

from aidtrack.ops import public_cache

LAYER = "/geo/layers/adm1.geojson"
ELSEWHERE = b'{"type":"FeatureCollection","features":[],"rendered":"by another request"}'


@pytest.fixture
def another_request_renders(monkeypatch):
    """Another request holds the rendering of the list this test asks for; ``finish`` is what it does next."""
    state = {"finish": None, "key": None, "sleeps": 0}
    claim = public_cache.claim_rendering

    def claim_once_taken(key):
        if state["key"] is None:
            state["key"] = key
            cache.set(public_cache.rendering_key(key), 1)  # the other request's claim
            return False
        return claim(key)

    def sleep(seconds):
        state["sleeps"] += 1
        if state["finish"] is not None:
            state["finish"](state["key"])

    monkeypatch.setattr(public_cache, "claim_rendering", claim_once_taken)
    monkeypatch.setattr(public_cache.time, "sleep", sleep)
    return state


def body(response) -> dict:
    content = response.content
    return json.loads(gzip.decompress(content) if response.get("Content-Encoding") == "gzip" else content)


def kept(key: str) -> None:
    cache.set(
        key,
        {"etag": '"elsewhere"', "content_type": "application/geo+json", "disposition": "", "last_modified": "",
         "gzip": gzip.compress(ELSEWHERE), "size": len(ELSEWHERE)},
    )  # fmt: skip


def test_a_reader_waits_for_the_rendering_under_way_and_is_given_it(geography, another_request_renders):
    another_request_renders["finish"] = kept
    response = Client().get(LAYER, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and body(response)["rendered"] == "by another request"
    assert response["ETag"] == '"elsewhere"' and another_request_renders["sleeps"] == 1


def test_after_a_rendering_that_kept_nothing_each_reader_answers_at_once(geography, another_request_renders):
    another_request_renders["finish"] = lambda key: cache.set(
        public_cache.rendering_key(key), public_cache.RENDER_FAILED
    )
    response = Client().get(LAYER)
    assert response.status_code == 200 and len(body(response)["features"]) == 1
    assert "rendered" not in body(response)


def test_a_reader_renders_the_list_itself_when_the_rendering_under_way_ends_without_it(
    geography, another_request_renders
):
    another_request_renders["finish"] = lambda key: cache.delete(public_cache.rendering_key(key))
    response = Client().get(LAYER)
    assert response.status_code == 200 and len(body(response)["features"]) == 1
    key = another_request_renders["key"]
    assert cache.get(key) is not None, "its rendering is kept for the next readers"
    assert cache.get(public_cache.rendering_key(key)) is None, "and its claim let go"


def test_a_reader_stops_waiting_after_the_bound(geography, another_request_renders, settings):
    settings.AIDTRACK_PUBLIC_RENDER_WAIT_SECONDS = 0  # the renderer was killed on the way
    response = Client().get(LAYER)
    assert response.status_code == 200 and len(body(response)["features"]) == 1
    assert another_request_renders["sleeps"] == 0


def test_a_rendering_that_keeps_nothing_says_so_to_the_readers_waiting(geography, monkeypatch):
    claims = []
    original = public_cache.claim_rendering

    def recorded(key):
        claims.append(key)
        return original(key)

    monkeypatch.setattr(public_cache, "claim_rendering", recorded)
    assert Client().get("/geo/layers/adm7.geojson").status_code == 404
    assert cache.get(public_cache.rendering_key(claims[0])) == public_cache.RENDER_FAILED
