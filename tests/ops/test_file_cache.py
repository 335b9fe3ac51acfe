"""The default shared cache (a folder of files) stays bounded, and does not list the folder on every write."""

from unittest import mock

from aidtrack.ops import caches
from aidtrack.ops.caches import BoundedFileCache, cache_from_url


def make(folder, max_entries):
    config = cache_from_url(folder.as_uri())
    assert config["BACKEND"] == "aidtrack.ops.caches.BoundedFileCache"
    return BoundedFileCache(str(folder), {"OPTIONS": {"MAX_ENTRIES": max_entries, "CULL_FREQUENCY": 2}})


def test_the_folder_is_counted_at_most_every_few_seconds_and_culled_when_counted(tmp_path):
    cache = make(tmp_path, max_entries=10)
    clock = [1000.0]
    with (
        mock.patch.object(caches.time, "monotonic", lambda: clock[0]),
        mock.patch.object(BoundedFileCache, "_last_count", 0.0),
        mock.patch.object(cache, "_list_cache_files", wraps=cache._list_cache_files) as listing,
    ):
        for i in range(30):
            cache.set(f"key-{i}", i)
        assert listing.call_count == 1  # the first write counted; the next 29 within the same second did not
        assert len(cache._list_cache_files()) == 30
        clock[0] += caches.FILE_CACHE_CULL_SECONDS
        cache.set("one-more", 1)
        assert len(cache._list_cache_files()) <= 16  # counted again: half of the 30 culled, then the new entry
        assert cache.get("one-more") == 1
