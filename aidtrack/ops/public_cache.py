"""Public lists at the speed of a static file: anonymous reads of the lists the public map uses, from the shared cache.

A list is kept gzipped once, under a key naming its URL, its format (the
``Accept`` header), the reader's language and the data version
(``aidtrack.ops.versions``); its ETag names the same, so any server gives the
same ETag and a browser's revalidation is a 304. The lookup runs before the
session, the user and any query: a cached list costs one lookup for the data
version, one for the list, and one for the anonymous throttle, and is served
while the database is down. A reader with a session or a token goes on to the
API, which keeps its own lists per reader class (``aidtrack.api.cache``).

When the data changes, a task renders the lists the map opens with
(``aidtrack.ops.tasks.precompute_public_lists``), so the first visitor after a
change does not wait for them either.
"""

import gzip
import hashlib
import re
import threading
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.utils.translation import gettext as _

from aidtrack.ops import versions

# Lists the public map and public clients read (with any query): list URLs, not records or writes.
PUBLIC_LISTS = re.compile(
    r"^/api/v1/(incidents|areas|convoys|conflict-events|agreements)/$|^/geo/layers/(adm\d\.geojson)?$"
)
CACHEABLE_TYPES = ("application/json", "application/geo+json", "text/csv")
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# The marker that the precomputing task sets on its own requests (no client can send a header by that name).
WARMING = "aidtrack.warming"


class RecentEntries:
    """The last lists this process served, by key, within a byte budget (``AIDTRACK_PUBLIC_CACHE_LOCAL_BYTES``).

    A key names the data version, so a copy here can never be stale: it only spares reading and unpickling the
    same few hundred kilobytes from the shared cache on every request for the map's lists.
    """

    def __init__(self):
        self.entries: OrderedDict[str, dict] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str) -> dict | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0

    def put(self, key: str, entry: dict) -> None:
        budget = settings.AIDTRACK_PUBLIC_CACHE_LOCAL_BYTES
        if len(entry["gzip"]) > budget // 4:
            return
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = entry
            self.size += len(entry["gzip"])
            while self.size > budget:
                _, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped["gzip"])


recent = RecentEntries()


def cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD") or not PUBLIC_LISTS.match(request.path_info):
        return False
    # A signed-in reader (session cookie) or an API client with a token (or HTTP Basic) may see more than the
    # public; so may a test client's forced user (DRF's force_authenticate).
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and getattr(request, "_force_auth_user", None) is None
    )


def list_key(request, version: str) -> str:
    query = "&".join(sorted(f"{k}={v}" for k, values in request.GET.lists() for v in values))
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    raw = "|".join([request.path_info, query, request.META.get("HTTP_ACCEPT", ""), language[:2].lower(), version])
    return "public:" + hashlib.sha256(raw.encode()).hexdigest()


class PublicListCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request):
            return self.get_response(request)
        try:
            version = versions.data_version()
        except DatabaseError:
            return self.get_response(request)  # no version known and no database: the outage answer follows
        key = list_key(request, version)
        entry = None if request.META.get(WARMING) else recent.get(key) or cache.get(key)
        if entry is not None:
            recent.put(key, entry)
            refused = self.throttled(request)
            return refused or self.serve(request, entry)
        request.META["aidtrack.public_list"] = True
        # The body is kept whole and compressed here, once; the gzip middleware further in must leave it alone.
        accept_encoding = request.META.pop("HTTP_ACCEPT_ENCODING", None)
        response = self.get_response(request)
        if accept_encoding is not None:
            request.META["HTTP_ACCEPT_ENCODING"] = accept_encoding
        entry = self.entry_of(response, key)
        if entry is None:
            return response
        cache.set(key, entry, timeout=settings.AIDTRACK_PUBLIC_CACHE_SECONDS)
        recent.put(key, entry)
        return self.serve(request, entry, headers_from=response)

    @staticmethod
    def entry_of(response, key: str) -> dict | None:
        content_type = response.get("Content-Type", "")
        if (
            response.status_code != 200
            or response.streaming
            or response.has_header("Content-Encoding")
            or not content_type.startswith(CACHEABLE_TYPES)
            or "private" in response.get("Cache-Control", "")
        ):
            return None
        body = response.content
        return {
            "etag": f'"{key.removeprefix("public:")[:32]}"',
            "content_type": content_type,
            "disposition": response.get("Content-Disposition", ""),
            "last_modified": response.get("Last-Modified", ""),
            "gzip": gzip.compress(body, compresslevel=6, mtime=0),
            "size": len(body),
        }

    @staticmethod
    def serve(request, entry: dict, headers_from=None) -> HttpResponse:
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if_modified_since = request.META.get("HTTP_IF_MODIFIED_SINCE")
        if (if_none_match and entry["etag"] in parse_etags(if_none_match)) or (
            not if_none_match and if_modified_since and if_modified_since == entry["last_modified"]
        ):
            response = HttpResponseNotModified()
        elif ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            response = HttpResponse(entry["gzip"], content_type=entry["content_type"])
            response["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(gzip.decompress(entry["gzip"]), content_type=entry["content_type"])
        response["ETag"] = entry["etag"]
        # Anyone may keep it, and revalidates it each time (a 304 costs a few bytes).
        response["Cache-Control"] = "public, no-cache"
        if entry["disposition"]:
            response["Content-Disposition"] = entry["disposition"]
        if entry["last_modified"]:
            response["Last-Modified"] = entry["last_modified"]
        if headers_from is not None:
            for header in ("Content-Language", "Link"):
                if headers_from.has_header(header):
                    response[header] = headers_from[header]
        patch_vary_headers(response, ["Accept", "Accept-Encoding", "Accept-Language", "Cookie", "Authorization"])
        return response

    @staticmethod
    def throttled(request) -> HttpResponse | None:
        if not request.path_info.startswith("/api/"):
            return None
        from aidtrack.api.throttling import AnonymousThrottle

        throttle = AnonymousThrottle()
        if throttle.allow_request(request, None):
            return None
        wait = int(throttle.wait() or 1) or 1
        response = JsonResponse(
            {
                "status": 429,
                "code": "throttled",
                "detail": _("Request was throttled. Expected available in %(seconds)d seconds.") % {"seconds": wait},
                "errors": {},
            },
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
