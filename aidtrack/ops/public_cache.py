"""Public lists at the speed of a static file: anonymous reads of the lists the public map uses, from the shared cache.

A list is kept gzipped once, under a key naming its URL, its format (the
``Accept`` header), the reader's language and the data version
(``aidtrack.ops.versions``); its ETag names the same, so any server gives the
same ETag and a browser's revalidation is a 304. The lookup runs before the
session, the user and any query: a cached list costs one lookup for the data
version, one for the list, and one for the anonymous throttle, and is served
while the database is down. A list too large for a process's memory, and a large
list asked for by a client that does not accept gzip, is also copied once to this
server's disk (``aidtrack.ops.local_copies``) and sent from there as a static file
is. A reader with a session or a token goes on to the API, which keeps its own
lists per reader class (``aidtrack.api.cache``).

When the data changes, a task renders the lists the map opens with
(``aidtrack.ops.tasks.precompute_public_lists``), so the first visitor after a
change does not wait for them either.
"""

import ctypes
import ctypes.util
import gc
import gzip
import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from aidtrack.ops import later, local_copies, versions

# Lists the public map and public clients read (with any query): list URLs, not records or writes.
PUBLIC_LISTS = re.compile(
    r"^/api/v1/(incidents|areas|convoys|conflict-events|agreements)/$|^/geo/layers/(adm\d\.geojson)?$"
)
CACHEABLE_TYPES = ("application/json", "application/geo+json", "text/csv")
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# The marker that the precomputing tasks set on their own requests (no client can send a header by that name):
# WARM_CLAIMED renders the list, WARM_IF_UNCLAIMED only if no reader's refresh is rendering it already.
WARMING = "aidtrack.warming"
WARM_CLAIMED = "claimed"
WARM_IF_UNCLAIMED = "if-unclaimed"
# How long a list's refresh, once queued, is not queued again for the same data version.
REFRESH_MARKER_SECONDS = 600
# A list at least this large unzipped is sent to a client that does not accept gzip from an unzipped copy on this
# server's disk: unzipping it for every request would cost more than sending it. A smaller one is unzipped each time.
UNZIPPED_COPY_BYTES = 256 * 1024
# What an entry whose gzipped body is on disk (``aidtrack.ops.local_copies``) counts for in a process's budget.
ON_DISK_ENTRY_BYTES = 1024

logger = logging.getLogger("aidtrack.versions")


class RecentEntries:
    """The last lists this process served, by key, within a byte budget (``AIDTRACK_PUBLIC_CACHE_LOCAL_BYTES``).

    A key names the data version, so a copy here can never be stale: it only spares reading and unpickling the
    same few hundred kilobytes from the shared cache on every request for the map's lists. A list larger than a
    quarter of the budget is kept on this server's disk instead (``aidtrack.ops.local_copies``), and only what
    serving it needs (its headers and the key naming its copy) here: the full incident list is megabytes gzipped.
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

    def forget(self, key: str) -> None:
        with self.lock:
            entry = self.entries.pop(key, None)
            if entry is not None:
                self.size -= entry_bytes(entry)

    def put(self, key: str, entry: dict) -> None:
        budget = settings.AIDTRACK_PUBLIC_CACHE_LOCAL_BYTES
        if key in self.entries:
            return
        if len(entry["gzip"]) > budget // 4:
            if not local_copies.keep_gzip(key, entry["gzip"]):
                return
            entry = {**entry, "gzip": None, "gzip_size": len(entry["gzip"])}
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = entry
            self.size += entry_bytes(entry)
            while self.size > budget:
                _, dropped = self.entries.popitem(last=False)
                self.size -= entry_bytes(dropped)


def entry_bytes(entry: dict) -> int:
    return ON_DISK_ENTRY_BYTES if entry["gzip"] is None else len(entry["gzip"])


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


def list_name(request) -> str:
    """Names one public list whatever the data version: URL, query, format (``Accept``), the reader's language, and
    the address it was asked at (a page's "next" link names it, so a reader at another host name gets its own)."""
    query = "&".join(sorted(f"{k}={v}" for k, values in request.GET.lists() for v in values))
    language = translation.get_language_from_request(request)
    address = f"{request.scheme}://{request.get_host()}"
    raw = "|".join([address, request.path_info, query, request.META.get("HTTP_ACCEPT", ""), language])
    return hashlib.sha256(raw.encode()).hexdigest()


def list_key(request, version: str, name: str | None = None) -> str:
    """Names one public list at data version ``version``."""
    raw = f"{name or list_name(request)}|{version}"
    return "public:" + hashlib.sha256(raw.encode()).hexdigest()


def last_key(name: str) -> str:
    return "public:last:" + name


def refresh_key(name: str, version: str) -> str:
    return f"public:refresh:{name}:{version}"


# Where the list's ETag waits in the request for the view that renders it.
PUBLIC_ETAG = "aidtrack.public_etag"


def public_etag(key: str) -> str:
    """The ETag of the public list kept under ``key``: the same on every server."""
    return f'"{key.removeprefix("public:")[:32]}"'


def rendering_key(key: str) -> str:
    return "public:rendering:" + key.removeprefix("public:")


# How often a reader waiting for another request's rendering of the same list looks for it in the shared cache.
RENDER_POLL_SECONDS = 0.05
# What the rendering's marker says for a while after a rendering that gave no list to keep (an error page, the
# database gone): the readers waiting for it, and those who come meanwhile, answer on their own at once.
RENDER_FAILED = "failed"
RENDER_FAILED_SECONDS = 2


def claim_rendering(key: str) -> bool:
    """Claims the rendering of one list at one version for this request: True unless another request has it."""
    return cache.add(rendering_key(key), time.time(), timeout=max(1, int(settings.AIDTRACK_PUBLIC_RENDER_WAIT_SECONDS)))


def wait_for_rendering(key: str) -> tuple[dict | None, bool]:
    """A list that is not in the cache, and that no copy from before may stand in for, is rendered by one request;
    the readers who ask for it meanwhile, on any server, wait for that rendering instead of each rendering it too.

    When many readers open the same new list at once (a link passed around after an attack, the first readers after
    the cache was emptied, a new address in front of the servers), each rendering its own copy would share the CPU
    among them all, and every one would wait as long as the slowest: a client's timeout rather than a slow answer.

    Returns (the list, False) once another request has rendered it, or (None, whether this request now holds the
    rendering) when this request is to render it: the first to ask; the next one after a rendering that ended
    without a list to keep (every reader then answers on its own, so an error page or the outage answer is never
    queued behind another); or any after ``AIDTRACK_PUBLIC_RENDER_WAIT_SECONDS`` without one (a renderer killed on
    the way).
    """
    if claim_rendering(key):
        return None, True
    deadline = time.monotonic() + settings.AIDTRACK_PUBLIC_RENDER_WAIT_SECONDS
    marker = rendering_key(key)
    while time.monotonic() < deadline:
        found = cache.get_many([key, marker])
        if found.get(key) is not None:
            recent.put(key, found[key])
            return found[key], False
        if found.get(marker) == RENDER_FAILED:
            return None, False
        if marker not in found and claim_rendering(key):
            return None, True
        time.sleep(RENDER_POLL_SECONDS)
        entry = recent.get(key)
        if entry is not None:
            return entry, False
    return None, False


def rendering_done(key: str, kept: bool) -> None:
    if kept:
        cache.delete(rendering_key(key))
    else:
        cache.set(rendering_key(key), RENDER_FAILED, timeout=RENDER_FAILED_SECONDS)


def stale_allowed() -> bool:
    return settings.AIDTRACK_PRECOMPUTE_PUBLIC_LISTS and settings.AIDTRACK_PUBLIC_STALE_SECONDS > 0


def lookup(name: str, version: str, key: str) -> dict:
    """What answering a list needs from the shared cache, in one round trip (one MGET on Redis): the list at this
    version and, in case it is not there yet, what serving the list as it was needs. Each round trip costs a
    context switch to the cache's process, which on a busy machine is most of what a first request costs."""
    if not stale_allowed():
        return {key: cache.get(key)}
    return cache.get_many([key, last_key(name), versions.WITHDRAWN_KEY, refresh_key(name, version)])


def previous_entry(request, name: str, version: str, found: dict) -> dict | None:
    """Stale while revalidating: after a change, the list as it was, while a task renders the new one.

    Only while a task can render it (``AIDTRACK_PRECOMPUTE_PUBLIC_LISTS``), for at most
    ``AIDTRACK_PUBLIC_STALE_SECONDS`` after the first reader asked for it (a queue that does not keep up sends
    readers back to rendering it themselves), and never a copy rendered before a withdrawal: a deleted record, or
    one hidden from the public or showing less (``aidtrack.ops.versions.withdrawn``). The copy served keeps its
    own ETag and Last-Modified, which name the data it holds. ``found`` is what ``lookup`` read.
    """
    if not stale_allowed():
        return None
    last = found.get(last_key(name))
    if last is None or last["version"] == version:
        return None
    withdrawn_at = found.get(versions.WITHDRAWN_KEY)
    if withdrawn_at is not None and last["rendered_at"] <= withdrawn_at:
        return None
    now = time.time()
    marker = refresh_key(name, version)
    asked = found.get(marker)
    if asked is None:
        asked = now
        url, accept = request.get_full_path(), request.META.get("HTTP_ACCEPT", "")
        language = translation.get_language_from_request(request)
        address = f"{request.scheme}://{request.get_host()}"  # rendered for the reader's address, as it is keyed

        def enqueue():
            from aidtrack.ops.tasks import refresh_public_list

            # One refresh per list and version, however many readers got here at once. If queueing fails (the
            # queue is in a database that went away), the marker stays: readers get this copy until
            # AIDTRACK_PUBLIC_STALE_SECONDS have passed, then render the list themselves.
            if cache.add(marker, now, timeout=REFRESH_MARKER_SECONDS):
                refresh_public_list.enqueue(url=url, accept=accept, language=language, version=version, address=address)

        later.soon(enqueue)
    if now - asked > settings.AIDTRACK_PUBLIC_STALE_SECONDS:
        return None
    return recent.get(last["key"]) or cache.get(last["key"])


def release(response) -> None:
    """Let go of a large rendered list at once: its rows and text sit in reference cycles (DRF's response, view and
    request point at each other) that would wait for a full garbage collection, and the memory they freed would stay
    with the process (``AIDTRACK_RELEASE_BYTES``)."""
    if len(response.content) < settings.AIDTRACK_RELEASE_BYTES:
        return
    if hasattr(response, "data"):
        response.data = None
    response.content = b""
    gc.collect()
    if _malloc_trim is not None:
        _malloc_trim(0)


def _libc_malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, musl): freed memory is returned as that allocator sees fit
        return None


_malloc_trim = _libc_malloc_trim()


class PublicListCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request):
            return self.get_response(request)
        with later.deferring() as pending:
            response = self.answer(request)
        later.after(response, pending)
        return response

    def answer(self, request):
        try:
            version = versions.data_version()
        except DatabaseError:
            return self.get_response(request)  # no version known and no database: the outage answer follows
        name = list_name(request)
        key = list_key(request, version, name)
        warming = request.META.get(WARMING)
        if not warming:
            # A list from the cache, fresh or stale, costs what a static file costs: the anonymous budget
            # (AIDTRACK_API_ANON_RATE) counts the requests that make the server render, in the API's throttle.
            entry = recent.get(key)
            if entry is not None:
                response = self.serve(request, entry)
                if response is not None:
                    return response
                recent.forget(key)  # its copy on disk was deleted meanwhile: the shared cache has it
            found = lookup(name, version, key)
            entry = found.get(key)
            if entry is not None:
                recent.put(key, entry)
                return self.serve(request, entry)
            entry = previous_entry(request, name, version, found)
            response = entry and self.serve(request, entry)
            if response is not None:
                return response
            entry, claimed = wait_for_rendering(key)
            response = entry and self.serve(request, entry)
            if response is not None:
                return response
        elif warming == WARM_IF_UNCLAIMED and not cache.add(
            refresh_key(name, version), time.time(), timeout=REFRESH_MARKER_SECONDS
        ):
            return HttpResponse(status=204)  # a reader's refresh of this list is rendering it already
        else:
            claimed = claim_rendering(key)  # readers who ask meanwhile wait for this rendering, unless one is under way
        kept = False
        try:
            response, kept = self.render(request, name, version, key)
            return response
        finally:
            if claimed:
                rendering_done(key, kept)

    def render(self, request, name: str, version: str, key: str) -> tuple[HttpResponse, bool]:
        """The list rendered by the views, and whether it was kept in the cache."""
        request.META["aidtrack.public_list"] = True
        # The list's ETag is known before it is rendered: a view that sets it (aidtrack.api.cache) spares the
        # conditional-GET middleware further in a hash of the whole body, which would be thrown away here.
        request.META[PUBLIC_ETAG] = public_etag(key)
        rendered_at = time.time()
        # The body is kept whole and compressed here, once; the gzip middleware further in must leave it alone, and
        # the conditional headers are answered here (``serve``), once the list is kept, never by a 304 further in.
        held = {
            header: request.META.pop(header)
            for header in ("HTTP_ACCEPT_ENCODING", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")
            if header in request.META
        }
        response = self.get_response(request)
        request.META.update(held)
        entry = self.entry_of(response, key)
        if entry is None:
            return response, False
        headers = {header: response[header] for header in ("Content-Language", "Link") if response.has_header(header)}
        body = response.content  # what a client that takes no gzip is sent, rather than unzipping the entry again
        release(response)
        cache.set(key, entry, timeout=settings.AIDTRACK_PUBLIC_CACHE_SECONDS)
        cache.set(
            last_key(name),
            {"key": key, "version": version, "rendered_at": rendered_at},
            timeout=settings.AIDTRACK_PUBLIC_CACHE_SECONDS,
        )
        recent.put(key, entry)
        return self.serve(request, entry, headers_from=headers, body=body), True

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
            "key": key,
            "etag": public_etag(key),
            "content_type": content_type,
            "disposition": response.get("Content-Disposition", ""),
            "last_modified": response.get("Last-Modified", ""),
            "gzip": gzip.compress(body, compresslevel=6, mtime=0),
            "size": len(body),
        }

    @staticmethod
    def serve(request, entry: dict, headers_from=None, body: bytes | None = None) -> HttpResponse | None:
        """The list, or None if this process kept it on disk and its copy has been deleted since (another
        process's eviction): the caller then reads it again from the shared cache. ``body``: the list just
        rendered, sent as it is to a client that takes no gzip (no copy on disk is written for one request)."""
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if_modified_since = request.META.get("HTTP_IF_MODIFIED_SINCE")
        if (if_none_match and entry["etag"] in parse_etags(if_none_match)) or (
            not if_none_match and if_modified_since and if_modified_since == entry["last_modified"]
        ):
            response = HttpResponseNotModified()
        else:
            zipped = bool(ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))
            head = request.method == "HEAD"
            if body is not None and not zipped and not head:
                response = HttpResponse(body, content_type=entry["content_type"])
            else:
                response = body_response(entry, zipped, head=head)
            if response is None:
                return None
        response["ETag"] = entry["etag"]
        # Anyone may keep it, and revalidates it each time (a 304 costs a few bytes).
        response["Cache-Control"] = "public, no-cache"
        if entry["disposition"]:
            response["Content-Disposition"] = entry["disposition"]
        if entry["last_modified"]:
            response["Last-Modified"] = entry["last_modified"]
        for header, value in (headers_from or {}).items():
            response[header] = value
        patch_vary_headers(response, ["Accept", "Accept-Encoding", "Accept-Language", "Cookie", "Authorization"])
        return response


def body_response(entry: dict, zipped: bool, head: bool) -> HttpResponse | None:
    """The list's body, gzipped or not: from this process's memory, or sent from this server's copy on disk.

    A client that does not accept gzip (a script, ``curl`` without ``--compressed``) is sent a large list from its
    unzipped copy, written the first time one asks: unzipping 50 MB again for every such request cost twice as much
    as sending it.
    """
    content_type = entry["content_type"]
    if head:
        # The headers of the GET, with its length, and no body (the WSGI server would drop it, with a warning).
        response = HttpResponse(content_type=content_type)
        zipped_size = entry.get("gzip_size") if entry["gzip"] is None else len(entry["gzip"])
        response["Content-Length"] = str(zipped_size if zipped else entry["size"])
    elif zipped and entry["gzip"] is not None:
        response = HttpResponse(entry["gzip"], content_type=content_type)
    elif zipped:
        copy = local_copies.open_copy(entry["key"], local_copies.GZIP)
        if copy is None:
            return None
        response = local_copies.CopyResponse(copy, content_type=content_type)
    else:
        copy = None
        if entry["size"] >= UNZIPPED_COPY_BYTES or entry["gzip"] is None:
            copy = local_copies.open_unzipped(entry["key"], entry)
        if copy is not None:
            response = local_copies.CopyResponse(copy, content_type=content_type)
        elif entry["gzip"] is not None:  # a small list, or no copies on this server (none allowed, a full disk)
            response = HttpResponse(gzip.decompress(entry["gzip"]), content_type=content_type)
        else:
            return None
    if zipped:
        response["Content-Encoding"] = "gzip"
    return response
