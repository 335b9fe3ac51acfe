"""Each server's copies of the public lists on disk: whole or absent, within their budget, the least used first out."""

import gzip
import os
import threading
import time
from pathlib import Path

from django.conf import settings

from aidtrack.ops import local_copies

BODY = b'{"type": "FeatureCollection", "features": [' + b'{"type": "Feature"},' * 50_000 + b"]}"


def entry(body: bytes = BODY) -> dict:
    return {"gzip": gzip.compress(body), "size": len(body)}


def age(key: str, kind: str, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(local_copies.path_of(key, kind), (then, then))


def test_an_unzipped_copy_is_the_gzipped_body_unzipped():
    with local_copies.open_unzipped("public:a", entry()) as copy:
        assert copy.read() == BODY


def test_concurrent_first_requests_never_read_a_torn_copy():
    """Eight readers ask for the same list's first unzipped copy at once while another keeps opening it: each reads
    the whole body, and no temporary file is left behind."""
    kept = entry()
    read, failures = [], []
    started = threading.Barrier(9)

    def first_reader():
        started.wait()
        with local_copies.open_unzipped("public:a", kept) as copy:
            read.append(copy.read())

    def watcher():
        started.wait()
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and len(read) < 8:
            copy = local_copies.open_copy("public:a", local_copies.RAW)
            if copy is not None:
                with copy:
                    if copy.read() != BODY:
                        failures.append("a torn copy")

    threads = [threading.Thread(target=first_reader) for _ in range(8)] + [threading.Thread(target=watcher)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert read == [BODY] * 8 and not failures
    assert [path.name for path in Path(settings.AIDTRACK_PUBLIC_COPIES_DIR).iterdir()] == [
        local_copies.path_of("public:a", local_copies.RAW).name
    ]


def test_beyond_the_budget_the_copies_used_longest_ago_are_deleted_first(settings):
    body = b"x" * 1000
    settings.AIDTRACK_PUBLIC_COPIES_BYTES = 4000
    for n, key in enumerate(["public:a", "public:b", "public:c", "public:d"]):
        assert local_copies.keep_gzip(key, body)
        age(key, local_copies.GZIP, 1000 - n * 100)  # written a while ago, a first
    with local_copies.open_copy("public:a", local_copies.GZIP) as used:  # a was read just now
        assert used.read() == body
    assert local_copies.keep_gzip("public:e", body)
    kept = {key for key in "abcde" if local_copies.path_of(f"public:{key}", local_copies.GZIP).exists()}
    assert kept == {"a", "c", "d", "e"}, "b, the least recently used, made room"


def test_a_copy_larger_than_a_quarter_of_the_budget_is_not_kept(settings):
    settings.AIDTRACK_PUBLIC_COPIES_BYTES = 3999
    assert not local_copies.keep_gzip("public:a", b"x" * 1000)
    assert local_copies.open_copy("public:a", local_copies.GZIP) is None
    assert local_copies.open_unzipped("public:a", {"gzip": None, "size": 1000}) is None


def test_copies_unused_for_as_long_as_the_cache_keeps_lists_and_abandoned_writes_are_cleaned_up(settings):
    settings.AIDTRACK_PUBLIC_CACHE_SECONDS = 3600
    assert local_copies.keep_gzip("public:old", b"old")
    age("public:old", local_copies.GZIP, 3700)
    abandoned = Path(settings.AIDTRACK_PUBLIC_COPIES_DIR) / (local_copies.TEMPORARY_PREFIX + "killed")
    abandoned.write_bytes(b"half a list")
    then = time.time() - local_copies.ABANDONED_SECONDS - 1
    os.utime(abandoned, (then, then))
    writing = Path(settings.AIDTRACK_PUBLIC_COPIES_DIR) / (local_copies.TEMPORARY_PREFIX + "under-way")
    writing.write_bytes(b"a list being written")
    assert local_copies.keep_gzip("public:new", b"new")
    assert not local_copies.path_of("public:old", local_copies.GZIP).exists()
    assert not abandoned.exists() and writing.exists(), "a copy being written is left to its writer"


def test_a_copy_is_named_by_the_release_as_well_as_the_key(monkeypatch):
    """A deploy that renders a list differently, at the same data version, never serves the earlier release's copy."""
    from django.core.cache import caches

    before = local_copies.path_of("public:a", local_copies.RAW)
    monkeypatch.setattr(caches["default"], "version", "a later release")
    assert local_copies.path_of("public:a", local_copies.RAW) != before
