"""The shared cache, chosen by ``CACHE_URL``: where public lists, map layers, throttles and progress are kept.

- ``redis://host:6379/0`` (or ``rediss://``): Redis through django-redis, shared by every server; the deployment
  for more than one machine. Give Redis a memory limit and an LRU policy (README, "Serving many people").
- ``file:///path/to/folder`` (the default, ``var/cache``): files on this machine, shared by every process on it,
  bounded in entries; needs no server.
- ``locmem://``: this process only (tests).
"""

import hashlib
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

FILE_CACHE_MAX_ENTRIES = 3000


def key_prefix(database: dict) -> str:
    """The start of every key: the database the site serves, so that two sites (a staging copy, a second
    country) sharing one Redis never read each other's data version, lists or progress."""
    served = "|".join(str(database.get(part) or "") for part in ("ENGINE", "HOST", "PORT", "NAME"))
    return "aidtrack-" + hashlib.sha256(served.encode()).hexdigest()[:10]


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
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
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
