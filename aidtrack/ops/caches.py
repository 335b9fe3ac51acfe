"""The shared cache, chosen by ``CACHE_URL``: where public lists, map layers, throttles and progress are kept.

- ``redis://host:6379/0`` (or ``rediss://``): Redis through django-redis, shared by every server; the deployment
  for more than one machine. Give Redis a memory limit and an LRU policy (README, "Serving many people").
- ``file:///path/to/folder`` (the default, ``var/cache``): files on this machine, shared by every process on it,
  bounded in entries; needs no server.
- ``locmem://``: this process only (tests).
"""

import hashlib
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from django.core.cache.backends.filebased import FileBasedCache
from django.core.exceptions import ImproperlyConfigured

FILE_CACHE_MAX_ENTRIES = 3000
# How often (seconds) a process counts the file cache's entries to keep it within FILE_CACHE_MAX_ENTRIES.
FILE_CACHE_CULL_SECONDS = 5.0


class BoundedFileCache(FileBasedCache):
    """Django's file cache, counting its files at most every ``FILE_CACHE_CULL_SECONDS`` per process.

    Django lists the whole folder on every write to see whether to cull it: with a few thousand entries that listing
    was most of what writing one entry cost, and an uncached public list writes four (the list, its last-version
    note, its rendering marker, the throttle count). Between two counts the folder may exceed the bound by the
    entries written meanwhile; the next count culls it as before.
    """

    _last_count = 0.0
    _lock = threading.Lock()

    def _cull(self):
        now = time.monotonic()
        with BoundedFileCache._lock:
            if now - BoundedFileCache._last_count < FILE_CACHE_CULL_SECONDS:
                return
            BoundedFileCache._last_count = now
        super()._cull()


def key_prefix(database: dict) -> str:
    """The start of every key: the database the site serves, so that two sites (a staging copy, a second
    country) sharing one Redis never read each other's data version, lists or progress."""
    served = "|".join(str(database.get(part) or "") for part in ("ENGINE", "HOST", "PORT", "NAME"))
    return "aidtrack-" + hashlib.sha256(served.encode()).hexdigest()[:10]


# What a kept entry's shape depends on: the code that pickles figures, the templates that render kept pages and lists,
# and the translations that word them.
RELEASE_SUFFIXES = {".py", ".html", ".txt", ".json", ".js", ".css", ".svg", ".mo"}


def release_stamp(*roots: Path) -> str:
    """The release a process runs, named by the contents of its code, templates and translations under ``roots``
    (the same files give the same stamp on every server, whatever their dates): the cache's key version, so that
    figures, pages and lists kept by an earlier release are never read by a later one, whose objects and templates
    may differ, while servers of one release share everything they keep."""
    digest = hashlib.sha256()
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in RELEASE_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
                digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def cache_from_url(url: str) -> dict:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in {"redis", "rediss", "unix"}:
        return {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {
                # A cache that does not answer must not stop the site: a miss is computed again, a lost throttle
                # count lets a request through.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    if scheme == "file":
        if not parts.path:
            raise ImproperlyConfigured(f"CACHE_URL={url!r}: give a folder, e.g. file:///var/cache/aidtrack")
        return {
            "BACKEND": "aidtrack.ops.caches.BoundedFileCache",
            "LOCATION": parts.path,
            # Past this many entries a third of them is removed: the disk it takes stays bounded, memory is not used.
            "OPTIONS": {"MAX_ENTRIES": FILE_CACHE_MAX_ENTRIES, "CULL_FREQUENCY": 3},
        }
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": parts.netloc or "aidtrack",
            "OPTIONS": {"MAX_ENTRIES": 500},
        }
    raise ImproperlyConfigured(
        f"CACHE_URL={url!r} is not understood: use redis://host:6379/0, file:///a/folder or locmem://"
    )
