"""Uploading a whole file (boundaries, a community list, a population table, roads) from the staff page.

The upload is bounded before anything reads it: its name, its size, its first bytes (a zip is a zip, GeoJSON
starts as JSON, a CSV has no binary data), and for a zip its members (how many, their unpacked size and how far
each is compressed, so an archive that unpacks to gigabytes is refused without unpacking it). Then it is checked
by a worker of the job queue (a dry run kept as an ``ImportRun``, never inside the web request), where the
number of features or rows is bounded too; a clean check keeps the file, named by its run, until it is
committed, so what is written is exactly the file that was checked.
"""

import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from aidtrack.imports.files import FileKind
from aidtrack.imports.jobs import start_in_background
from aidtrack.imports.models import ImportRun, ImportStatus
from aidtrack.imports.report import ImportFailed
from aidtrack.imports.runs import new_run
from aidtrack.imports.sources import default_max_bytes, file_sha256, human_size
from aidtrack.imports.uploads import claim_stored, store_upload, stored_upload

# What each kind of content starts with.
ZIP_MAGIC = b"PK\x03\x04"
GEOPACKAGE_MAGIC = b"SQLite format 3\x00"
ZIPPED = {".zip", ".xlsx"}
VECTOR_MEMBERS = {".shp", ".gpkg", ".geojson", ".json"}
# Options of a dry run that are not the kind's own.
RUN_OPTIONS = {"dry_run", "checked_by_run", "uploaded"}


def max_count() -> int:
    """The most features (or rows) an uploaded file may hold."""
    return int(getattr(settings, "AIDTRACK_GEODATA_MAX_FEATURES", 100_000))


def max_zip_members() -> int:
    return int(getattr(settings, "AIDTRACK_UPLOAD_ZIP_MAX_MEMBERS", 100))


def max_zip_ratio() -> int:
    """How many times larger than its compressed size a member may unpack (text compresses about 10 times)."""
    return int(getattr(settings, "AIDTRACK_UPLOAD_ZIP_MAX_RATIO", 100))


def _suffixes(kind: FileKind) -> str:
    return ", ".join(sorted(kind.suffixes))


def check_name_and_size(name: str, size: int, kind: FileKind) -> None:
    """Refuse an upload by its name and size, before it is stored."""
    suffix = Path(name).suffix.lower()
    if suffix not in kind.suffixes:
        raise ImportFailed(
            _("%(name)s: %(suffix)s is not a file this import reads; upload one of %(suffixes)s.")
            % {"name": name, "suffix": suffix or _("no extension"), "suffixes": _suffixes(kind)}
        )
    if size == 0:
        raise ImportFailed(_("%(name)s is empty (0 bytes). Download or export it again.") % {"name": name})
    limit = default_max_bytes()
    if size > limit:
        raise ImportFailed(
            _(
                "%(name)s is %(size)s, more than the import limit of %(limit)s. Split it (e.g. one level or one "
                "governorate per file), or import it on the server with its manage.py command."
            )
            % {"name": name, "size": human_size(size), "limit": human_size(limit)}
        )


def check_content(path: Path, name: str, kind: FileKind) -> None:
    """Refuse a stored upload whose first bytes, or whose zip directory, are not what its name says."""
    suffix = path.suffix.lower()
    with path.open("rb") as stream:
        head = stream.read(4096)
    if suffix in ZIPPED:
        if not head.startswith(ZIP_MAGIC):
            raise ImportFailed(
                _("%(name)s is not a zip archive, though its name says %(suffix)s. Upload the file as it was made.")
                % {"name": name, "suffix": suffix}
            )
        check_zip(path, name, need_vector=suffix == ".zip")
    elif suffix == ".gpkg":
        if not head.startswith(GEOPACKAGE_MAGIC):
            raise ImportFailed(_("%(name)s is not a GeoPackage (an SQLite database).") % {"name": name})
    elif suffix in {".geojson", ".json"}:
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
            raise ImportFailed(
                _("%(name)s is not GeoJSON: it should start with “{” (a FeatureCollection).") % {"name": name}
            )
    elif b"\x00" in head:
        raise ImportFailed(
            _(
                "%(name)s is not a text CSV file (it contains binary data; is it a spreadsheet or archive renamed "
                "to .csv?). Save it as CSV (UTF-8) or upload the .xlsx."
            )
            % {"name": name}
        )


def check_zip(path: Path, name: str, *, need_vector: bool) -> None:
    """Bound a zip by its directory, without unpacking it: members, unpacked size, compression ratio."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [member for member in archive.infolist() if not member.is_dir()]
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ImportFailed(
            _("%(name)s is a damaged zip archive (%(error)s). Download it again.") % {"name": name, "error": error}
        ) from error
    if len(members) > max_zip_members():
        raise ImportFailed(
            _("%(name)s holds %(count)s files, more than the %(limit)s an import takes. Zip only the layer's files.")
            % {"name": name, "count": len(members), "limit": max_zip_members()}
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > default_max_bytes():
        raise ImportFailed(
            _("%(name)s unpacks to %(size)s, more than the import limit of %(limit)s. Split it.")
            % {"name": name, "size": human_size(unpacked), "limit": human_size(default_max_bytes())}
        )
    ratio = max_zip_ratio()
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > ratio * max(member.compress_size, 1):
            raise ImportFailed(
                _(
                    "%(name)s: %(member)s unpacks to %(size)s from %(packed)s, more than %(ratio)s times its size: "
                    "no map file compresses so far. Upload the file itself, or zip it again."
                )
                % {
                    "name": name,
                    "member": member.filename,
                    "size": human_size(member.file_size),
                    "packed": human_size(member.compress_size),
                    "ratio": ratio,
                }
            )
        if Path(member.filename).suffix.lower() == ".zip":
            raise ImportFailed(
                _("%(name)s holds another zip (%(member)s): unzip it, and upload the archive of the layer itself.")
                % {"name": name, "member": member.filename}
            )
    if need_vector and not any(Path(member.filename).suffix.lower() in VECTOR_MEMBERS for member in members):
        raise ImportFailed(
            _("%(name)s holds no .shp, .gpkg or .geojson file. Its files are: %(members)s.")
            % {"name": name, "members": ", ".join(member.filename for member in members[:20])}
        )


def queue_upload(uploaded, *, kind: FileKind, by, options: dict) -> ImportRun:
    """Keep an uploaded file and queue its check (a dry run) for a worker; its run is returned at once. Nothing is
    written until ``commit_upload`` queues the import of the file checked (every upload page goes this way).

    Raises ImportFailed, naming what is wrong, for a file refused by its name, size or content; nothing is kept.
    """
    name = Path(uploaded.name or "upload").name
    check_name_and_size(name, uploaded.size or 0, kind)
    path = store_upload(uploaded, Path(name).suffix.lower())
    try:
        check_content(path, name, kind)
    except ImportFailed:
        path.unlink(missing_ok=True)
        raise
    if kind.bound:
        options = {**options, kind.bound: max_count()}
    return _queue(kind.name, path, display=name, by=by, dry_run=True, options=options, keep=True)


def commit_upload(run: ImportRun, *, by) -> ImportRun:
    """Queue the writing of the file that dry run ``run`` checked, with the same options; returns the new run."""
    path = stored_upload(run)
    if path is None or run.started_by_id != by.pk:
        raise ImportFailed(_("This checked file is no longer kept (or is not yours): upload it again."))
    claimed = claim_stored(path)
    if claimed is None:
        raise ImportFailed(_("This checked file is being imported already."))
    options = {key: value for key, value in run.options.items() if key not in RUN_OPTIONS}
    return _queue(
        run.kind, claimed, display=run.source, by=by, dry_run=False, options=options, keep=False, checked_by=run.pk
    )


def _queue(kind: str, path: Path, *, display: str, by, dry_run: bool, options: dict, keep: bool, checked_by=None):
    record = new_run(
        kind=kind,
        source=display,
        options={
            **options,
            "dry_run": dry_run,
            "uploaded": True,
            **({"checked_by_run": checked_by} if checked_by else {}),
        },
        by=by,
        sha256=file_sha256(path),
        size=path.stat().st_size,
        status=ImportStatus.QUEUED,
    )
    start_in_background(
        record,
        {
            "kind": kind,
            "path": str(path),
            "display": display,
            "by_id": by.pk if by else None,
            "dry_run": dry_run,
            "options": options,
            "keep": keep,
            "uploaded": True,
        },
    )
    record.refresh_from_db()  # a queue that runs at once (the tests') has finished it already
    return record
