"""Opening an import's input: a local file or a URL, checked before anything reads it."""

import contextlib
import hashlib
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from aidtrack.imports.report import ImportFailed

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Source:
    """A readable local copy of the input."""

    path: Path
    name: str
    size: int


def default_max_bytes() -> int:
    return settings.AIDTRACK_IMPORT_MAX_BYTES


def human_size(size: int) -> str:
    """A size as a person reads it, in the active language ("10.0 MB", "10.0 م.ب"): Django's own filter."""
    return filesizeformat(size)


def _too_big(name: str, size: int, max_bytes: int) -> ImportFailed:
    return ImportFailed(
        _(
            "%(name)s is %(size)s, more than the import limit of %(limit)s. Split it (e.g. one governorate or one "
            "layer per file), or raise the limit with --max-bytes if the machine has the memory for it."
        )
        % {"name": name, "size": human_size(size), "limit": human_size(max_bytes)}
    )


def file_sha256(path: Path) -> str:
    """The file's SHA-256, read in blocks (the run record keeps it)."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(url: str, folder: Path, max_bytes: int) -> Path:
    suffix = Path(urllib.parse.urlparse(url).path).name or "download"
    target = folder / suffix
    request = urllib.request.Request(url, headers={"User-Agent": "aidtrack-importer"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (http/https checked by caller)
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise _too_big(url, int(declared), max_bytes)
            written = 0
            with target.open("wb") as out:
                while block := response.read(CHUNK):
                    written += len(block)
                    if written > max_bytes:
                        raise _too_big(url, written, max_bytes)
                    out.write(block)
    except urllib.error.HTTPError as error:
        raise ImportFailed(
            _("Downloading %(url)s failed: the server answered %(code)s %(reason)s.")
            % {"url": url, "code": error.code, "reason": error.reason}
        ) from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ImportFailed(
            _("Downloading %(url)s failed (%(reason)s). Check the address, or download the file and give its path.")
            % {"url": url, "reason": reason}
        ) from error
    return target


@contextlib.contextmanager
def open_source(path_or_url: str, *, max_bytes: int | None = None) -> Iterator[Source]:
    """Yield a checked local copy of the input; a downloaded copy is deleted afterwards."""
    max_bytes = max_bytes or default_max_bytes()
    scheme = urllib.parse.urlparse(path_or_url).scheme.lower()
    with tempfile.TemporaryDirectory(prefix="aidtrack-import-") as folder:
        if scheme in {"http", "https"}:
            path = _download(path_or_url, Path(folder), max_bytes)
        elif scheme and len(scheme) > 1:
            raise ImportFailed(
                _("%(path)s: only local paths and http(s) URLs can be imported.") % {"path": path_or_url}
            )
        else:
            path = Path(path_or_url).expanduser()
            if not path.exists():
                raise ImportFailed(
                    _("%(path)s: no such file. Check the path (it is relative to %(folder)s).")
                    % {"path": path, "folder": Path.cwd()}
                )
            if path.is_dir():
                raise ImportFailed(
                    _("%(path)s is a folder; give the file in it (.shp, .zip, .gpkg, .geojson, .csv).") % {"path": path}
                )
        size = path.stat().st_size
        if size == 0:
            raise ImportFailed(_("%(path)s is empty (0 bytes). Download or export it again.") % {"path": path_or_url})
        if size > max_bytes:
            raise _too_big(path_or_url, size, max_bytes)
        yield Source(path=path, name=path_or_url, size=size)
