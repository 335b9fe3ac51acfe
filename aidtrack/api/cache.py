"""Caching rendered incident lists.

A rendered list is kept per reader class (public, one set of organizations,
site admin), URL and format, stamped with the state of the data it was built
from; any change to incidents or to the names and places they show makes a
new stamp, so a cached list is never stale. Reading the stamp costs a few
index-only queries, whatever the number of rows.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max

from aidtrack.convoys.models import ConvoyRequest
from aidtrack.geo.models import AdminArea
from aidtrack.incidents.models import Incident
from aidtrack.orgs.models import Organization, Party


def data_stamp() -> str:
    incidents = Incident.objects.aggregate(updated=Max("updated_at"), count=Count("pk"))
    parts = [
        incidents["updated"],
        incidents["count"],
        AdminArea.objects.aggregate(updated=Max("updated_at"))["updated"],
        ConvoyRequest.objects.aggregate(updated=Max("updated_at"))["updated"],
        Organization.history.aggregate(last=Max("history_id"))["last"],
        Party.history.aggregate(last=Max("history_id"))["last"],
    ]
    return "|".join(str(part) for part in parts)


def cache_key(request, audience, renderer_format: str) -> str:
    query = "&".join(sorted(f"{k}={v}" for k, values in request.GET.lists() for v in values))
    raw = "|".join([request.path, query, renderer_format, audience.cache_key, data_stamp()])
    return "api:" + hashlib.sha256(raw.encode()).hexdigest()


def get(key):
    return cache.get(key)


def put(key, content: bytes, content_type: str) -> None:
    cache.set(key, (content, content_type), settings.AIDTRACK_API_CACHE_SECONDS)
