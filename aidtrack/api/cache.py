"""Caching rendered lists (incidents, conflict events) for signed-in readers and token clients.

A rendered list is kept in the shared cache per reader class (public, one set
of organizations, site admin), URL and format, under the data version
(``aidtrack.ops.versions``): any change to the records or to the names and
places they show makes a new version, so a cached list is never stale, on any
server. Anonymous readers are served before this, by
``aidtrack.ops.public_cache``.
"""

import gzip
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from rest_framework import status

from aidtrack.ops.versions import data_version

PREFIX = "api:"


def data_stamp() -> str:
    """The state of everything a list shows: the data version (one lookup in the shared cache)."""
    return data_version()


conflict_data_stamp = data_stamp


def cache_key(request, audience, renderer_format: str, *, stamp: str | None = None) -> str:
    """Names one rendered list: URL, query, format, reader class, language and the stamp (incidents' unless given).

    The language is part of it because labels and CSV/XLSX headers follow the request's language."""
    query = "&".join(sorted(f"{k}={v}" for k, values in request.GET.lists() for v in values))
    stamp = data_stamp() if stamp is None else stamp
    language = translation.get_language() or ""
    raw = "|".join([request.path, query, renderer_format, audience.cache_key, language, stamp])
    return PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def get(key) -> tuple[bytes, str] | None:
    return cache.get(key)


def put(key, content: bytes, content_type: str) -> None:
    # Kept in the shared cache (bounded there), so every server and worker reuses one rendering.
    cache.set(key, (content, content_type), timeout=settings.AIDTRACK_API_CACHE_SECONDS)


def clear() -> None:
    """Forget every rendered list (tests; an operator): a new data version makes them unreachable anyway."""
    from aidtrack.ops.versions import _forget

    _forget()


ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def etag_of(cache_key: str) -> str:
    """The same list has the same ETag whichever worker renders it and however it is compressed.

    The cache key already names the reader class, the URL, the format and the state of the data.
    """
    return f'"{cache_key.removeprefix("api:")[:32]}"'


class CachedListMixin:
    """For a viewset whose ``list`` looks its answer up with ``cached_list`` and marks a fresh one with
    ``remember_list``: the rendered body is kept, served again, and carries an ETag that names its data."""

    def cached_list(self, request, key: str) -> HttpResponse | None:
        if request.META.get("aidtrack.public_list"):
            return None  # the public list cache in front (aidtrack.ops.public_cache) keeps this one
        hit = get(key)
        if hit is None:
            return None
        content, content_type = hit
        return self._cached_response(request, key, content, content_type)

    @staticmethod
    def remember_list(response, key: str):
        response._cache_key = key
        return response

    def _cached_response(self, request, key, content: bytes, content_type: str) -> HttpResponse:
        """A cached list, compressed once and kept compressed for clients that take gzip.

        Compressing a whole GeoJSON list of tens of thousands of records on every request would cost more
        than finding it in the cache; the response is then left alone by the gzip middleware.
        """
        if not ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) or len(content) < 1024:
            response = HttpResponse(content, content_type=content_type)
            response["ETag"] = etag_of(key)
            patch_vary_headers(response, ["Accept-Encoding"])
            return response
        hit = get(key + ":gzip")
        if hit is None:
            compressed = gzip.compress(content, compresslevel=6, mtime=0)
            put(key + ":gzip", compressed, content_type)
        else:
            compressed = hit[0]
        response = HttpResponse(compressed, content_type=content_type)
        response["Content-Encoding"] = "gzip"
        response["ETag"] = etag_of(key)
        patch_vary_headers(response, ["Accept-Encoding"])
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        key = getattr(response, "_cache_key", None)
        public_etag = request.META.get("aidtrack.public_etag")
        if key and public_etag and response.status_code == status.HTTP_200_OK:
            # The public list cache in front keeps it under this ETag: nothing further in needs to hash the body.
            response["ETag"] = public_etag
        if key and response.status_code == status.HTTP_200_OK and not request.META.get("aidtrack.public_list"):
            response.render()
            put(key, response.content, response["Content-Type"])
            response["ETag"] = etag_of(key)
        return response
