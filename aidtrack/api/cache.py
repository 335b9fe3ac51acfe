"""Caching rendered lists (incidents, conflict events).

A rendered list is kept per reader class (public, one set of organizations,
site admin), URL and format, stamped with the state of the data it was built
from; any change to the records or to the names and places they show makes a
new stamp, so a cached list is never stale. Reading the stamp costs a few
index-only queries, whatever the number of rows.
"""

import gzip
import hashlib
import re
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from rest_framework import status

from aidtrack.convoys.models import ConvoyRequest
from aidtrack.geo.models import AdminArea
from aidtrack.incidents.models import Incident
from aidtrack.orgs.models import Organization, Party
from aidtrack.violence.models import ConflictEvent

# Rendered lists are kept in this process, unpickled: copying megabytes in and
# out of Django's local-memory cache would cost more than the lookup saves.
MAX_ENTRIES = 64
_entries: OrderedDict[str, tuple[float, bytes, str]] = OrderedDict()
_lock = threading.Lock()


def _stamp_sql() -> str:
    """Every change to what an incident list shows moves one of these values.

    The history tables record each save and delete (deletions too, which a
    maximum of ``updated_at`` would miss); each maximum is read from an index.
    """
    parts = [
        (Incident._meta.db_table, "updated_at"),
        (Incident.history.model._meta.db_table, "history_id"),
        (AdminArea._meta.db_table, "updated_at"),
        (ConvoyRequest._meta.db_table, "updated_at"),
        (Organization.history.model._meta.db_table, "history_id"),
        (Party.history.model._meta.db_table, "history_id"),
    ]
    qn = connection.ops.quote_name
    return "SELECT " + ", ".join(f"(SELECT MAX({qn(column)}) FROM {qn(table)})" for table, column in parts)


def _conflict_stamp_sql() -> str:
    """Conflict events are only added and updated by imports (which move ``imported_at``) or edited in the admin;
    the count and the highest id also catch a deletion. Their admin areas' names and codes are shown too."""
    qn = connection.ops.quote_name
    events = qn(ConflictEvent._meta.db_table)
    areas = qn(AdminArea._meta.db_table)
    return (
        f"SELECT (SELECT MAX({qn('imported_at')}) FROM {events}), (SELECT MAX({qn('id')}) FROM {events}), "
        f"(SELECT COUNT(*) FROM {events}), (SELECT MAX({qn('updated_at')}) FROM {areas})"
    )


def _stamp(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return "|".join(str(part) for part in cursor.fetchone())


def data_stamp() -> str:
    """The state of everything an incident list shows."""
    return _stamp(_stamp_sql())


def conflict_data_stamp() -> str:
    """The state of everything a conflict event list shows."""
    return _stamp(_conflict_stamp_sql())


def cache_key(request, audience, renderer_format: str, *, stamp: str | None = None) -> str:
    """Names one rendered list: URL, query, format, reader class, language and the stamp (incidents' unless given).

    The language is part of it because labels and CSV/XLSX headers follow the request's language."""
    query = "&".join(sorted(f"{k}={v}" for k, values in request.GET.lists() for v in values))
    stamp = data_stamp() if stamp is None else stamp
    language = translation.get_language() or ""
    raw = "|".join([request.path, query, renderer_format, audience.cache_key, language, stamp])
    return "api:" + hashlib.sha256(raw.encode()).hexdigest()


def get(key) -> tuple[bytes, str] | None:
    with _lock:
        entry = _entries.get(key)
        if entry is None:
            return None
        expires, content, content_type = entry
        if expires < time.monotonic():
            del _entries[key]
            return None
        _entries.move_to_end(key)
        return content, content_type


def put(key, content: bytes, content_type: str) -> None:
    with _lock:
        _entries[key] = (time.monotonic() + settings.AIDTRACK_API_CACHE_SECONDS, content, content_type)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)


def clear() -> None:
    with _lock:
        _entries.clear()


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
        if key and response.status_code == status.HTTP_200_OK:
            response.render()
            put(key, response.content, response["Content-Type"])
            response["ETag"] = etag_of(key)
        return response
