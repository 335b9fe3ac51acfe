"""Each server's copies of the large public lists, as files that the WSGI server sends from disk (``sendfile``).

A list the shared cache keeps gzipped (``aidtrack.ops.public_cache``) is copied here twice at most: gzipped, when it
is too large for a process's memory, and unzipped, the first time a client that does not accept gzip asks for it.
Serving either is then what serving a static file costs; without them, every such request read megabytes from the
shared cache, and a client without gzip had 50 MB unzipped for it in the worker's memory.

A copy is named by its list's key as the cache stores it: the data version, the release and the database served, so
a copy can never be stale and is never invalidated; copies of an earlier version are simply no longer asked for. A
copy is written once, to a temporary file renamed into place, so a reader never sees half of one. The folder
(``AIDTRACK_PUBLIC_COPIES_DIR``) is kept within ``AIDTRACK_PUBLIC_COPIES_BYTES``: after each copy written, the copies
used longest ago are deleted first, as are those unused for ``AIDTRACK_PUBLIC_CACHE_SECONDS`` (the shared cache has
let go of their list by then) and the temporary files of a worker killed while writing.
"""

import contextlib
import gzip
import hashlib
import io
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse

logger = logging.getLogger("aidtrack.versions")

GZIP = "gz"
RAW = "json"  # the unzipped body (GeoJSON, JSON or CSV: the suffix only tells the two kinds apart)
TEMPORARY_PREFIX = ".writing-"
# A temporary file older than this was left by a worker killed while writing (a copy takes well under a second).
ABANDONED_SECONDS = 600
# A copy's last use is recorded (its modification time) at most this often, not on every request.
TOUCH_SECONDS = 60
CHUNK_BYTES = 1024 * 1024


class CopyResponse(FileResponse):
    """A copy, sent by the WSGI server's file wrapper; only its length is set here, the rest by the caller (Django's
    own would add a ``Content-Disposition`` naming the copy's file, as whitenoise's response notes)."""

    def set_headers(self, filelike):
        self.headers["Content-Length"] = str(os.fstat(filelike.fileno()).st_size)


def enabled() -> bool:
    return settings.AIDTRACK_PUBLIC_COPIES_BYTES > 0


def folder() -> Path:
    return Path(settings.AIDTRACK_PUBLIC_COPIES_DIR)


def path_of(key: str, kind: str) -> Path:
    """Where the copy of one list is: named by the key as the cache stores it (with its release and database)."""
    stored_as = cache.make_key(key)
    return folder() / f"{hashlib.sha256(stored_as.encode()).hexdigest()}.{kind}"


def open_copy(key: str, kind: str):
    """The copy, open for reading, or None if there is none. Once open, it stays readable even if deleted."""
    if not enabled():
        return None
    path = path_of(key, kind)
    try:
        file = open(path, "rb")  # noqa: SIM115 (closed by the response that sends it)
    except FileNotFoundError:
        return None
    now = time.time()
    if now - os.fstat(file.fileno()).st_mtime > TOUCH_SECONDS:
        # Used now: evicted after those used longer ago. Deleted meanwhile by another process's eviction, it is
        # still this reader's to send.
        with contextlib.suppress(OSError):
            os.utime(path, (now, now))
    return file


def write_copy(key: str, kind: str, source, length: int) -> bool:
    """Writes a copy of ``length`` bytes from the file-like ``source``, whole or not at all. False when it is larger
    than a quarter of the copies' budget, or the disk refused it: the caller then serves the list without a copy."""
    if not enabled() or length > settings.AIDTRACK_PUBLIC_COPIES_BYTES // 4:
        return False
    target = path_of(key, kind)
    temporary = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=TEMPORARY_PREFIX)
        with open(descriptor, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK_BYTES)
        # Another thread or process may have written the same copy meanwhile: the same bytes, so either may win.
        os.replace(temporary, target)
    except OSError:
        logger.warning("Could not write a copy of a public list in %s", target.parent, exc_info=True)
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        return False
    sweep()
    return True


def keep_gzip(key: str, body: bytes) -> bool:
    """A copy of a list's gzipped body, unless it is there already."""
    if enabled() and path_of(key, GZIP).exists():
        return True
    return write_copy(key, GZIP, io.BytesIO(body), len(body))  # BytesIO shares the bytes, it does not copy them


def open_unzipped(key: str, entry: dict):
    """The unzipped copy of a list, written now from its gzipped body (in memory, or its gzipped copy) if there is
    none yet; None when it cannot be (no copies, or the gzipped copy it would be written from is gone)."""
    if not enabled():
        return None
    file = open_copy(key, RAW)
    if file is not None:
        return file
    if entry.get("gzip") is not None:
        with gzip.GzipFile(fileobj=io.BytesIO(entry["gzip"])) as unzipped:
            written = write_copy(key, RAW, unzipped, entry["size"])
    else:
        zipped = open_copy(key, GZIP)
        if zipped is None:
            return None
        with zipped, gzip.GzipFile(fileobj=zipped) as unzipped:
            written = write_copy(key, RAW, unzipped, entry["size"])
    return open_copy(key, RAW) if written else None


def sweep() -> None:
    """Keeps the folder within its budget: deletes abandoned temporary files, copies unused for longer than the
    shared cache keeps a list, then the copies used longest ago until the rest fit."""
    now = time.time()
    copies = []
    try:
        with os.scandir(folder()) as entries:
            for entry in entries:
                try:
                    stat = entry.stat()
                except FileNotFoundError:
                    continue  # deleted meanwhile by another process's sweep
                if entry.name.startswith(TEMPORARY_PREFIX):
                    if now - stat.st_mtime > ABANDONED_SECONDS:
                        _delete(entry.path)
                elif now - stat.st_mtime > settings.AIDTRACK_PUBLIC_CACHE_SECONDS:
                    _delete(entry.path)
                else:
                    copies.append((stat.st_mtime, stat.st_size, entry.path))
    except FileNotFoundError:
        return
    total = sum(size for _, size, _ in copies)
    for _, size, path in sorted(copies):
        if total <= settings.AIDTRACK_PUBLIC_COPIES_BYTES:
            break
        _delete(path)
        total -= size


def _delete(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):  # deleted meanwhile by another process's sweep
        os.unlink(path)


def clear() -> None:
    """Deletes every copy (tests; an operator may as well delete the folder)."""
    shutil.rmtree(folder(), ignore_errors=True)
