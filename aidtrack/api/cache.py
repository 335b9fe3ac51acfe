"""Caching rendered incident lists.

A rendered list is kept per reader class (public, one set of organizations,
site admin), URL and format, stamped with the state of the data it was built
from; any change to incidents or to the names and places they show makes a
new stamp, so a cached list is never stale. Reading the stamp costs a few
index-only queries, whatever the number of rows.
"""

import hashlib
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.db import connection

from aidtrack.convoys.models import ConvoyRequest
from aidtrack.geo.models import AdminArea
from aidtrack.incidents.models import Incident
from aidtrack.orgs.models import Organization, Party

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


def data_stamp() -> str:
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql())
        return "|".join(str(part) for part in cursor.fetchone())


def cache_key(request, audience, renderer_format: str) -> str:
    query = "&".join(sorted(f"{k}={v}" for k, values in request.GET.lists() for v in values))
    raw = "|".join([request.path, query, renderer_format, audience.cache_key, data_stamp()])
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
