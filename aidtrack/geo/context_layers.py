"""Loading a roads layer an operator has (shapefile, zipped shapefile, GeoPackage, GeoJSON) for the maps' context.

No package on the registries ships roads for Syria, so an operator loads a file they have, typically HDX's
"Syria - Roads" (OpenStreetMap, ODbL). What is kept is small enough to download to a phone and keep offline:
only the main road classes when the file says which road is which (an OpenStreetMap ``highway`` column, or
Geofabrik's ``fclass``), clipped to Syria and a margin, joined end to end per class and simplified to about
50 m. The result is one database row per kind, so every app server serves the same layer.

The input is bounded like every import (``open_source``: size, existence, emptiness), then by the number of lines
read and the size of what is kept; a file that breaks a bound is refused with a message and nothing is written.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aidtrack.geo.context import CONTEXT_BOUNDS
from aidtrack.geo.importers.vector import VECTOR_SUFFIXES, _zip_members
from aidtrack.geo.models import ContextLayer, ContextLayerKind
from aidtrack.imports.report import ImportFailed
from aidtrack.imports.sources import human_size, open_source

# OpenStreetMap's main road classes (highway=*), also Geofabrik's fclass values. Links, tracks, residential and
# smaller streets are left out: at community zoom the main roads are what a place is found by, and all of Syria's
# streets would be too large to keep on a phone. --classes chooses others (e.g. add tertiary).
MAIN_ROADS = ("motorway", "trunk", "primary", "secondary")
CLASS_COLUMNS = ("highway", "fclass")
TOLERANCE = 0.0005  # degrees, about 50 m, as the rivers
DIGITS = 4  # about 10 m


def max_lines() -> int:
    """The most lines read from a file (after choosing the main roads)."""
    return int(settings.AIDTRACK_CONTEXT_LAYER_MAX_LINES)


def max_layer_bytes() -> int:
    """The largest layer kept: it is downloaded by every picker and kept on the device for offline use."""
    return int(settings.AIDTRACK_CONTEXT_LAYER_MAX_BYTES)


@dataclass
class LoadedLayer:
    """What a load did (or, in a dry run, would do)."""

    kind: str
    lines: int
    size: int
    read: int
    kept: str
    dry_run: bool = False

    def summary(self) -> str:
        return _("%(kind)s: %(read)s lines read, %(lines)s lines kept (%(kept)s), %(size)s.") % {
            "kind": ContextLayerKind(self.kind).label,
            "read": self.read,
            "lines": self.lines,
            "kept": self.kept,
            "size": human_size(self.size),
        }


def _dataset(path: Path, display: str, layer: str | None) -> tuple[str, str | None]:
    """The GDAL path and layer of the lines to read."""
    suffix = path.suffix.lower()
    if suffix not in VECTOR_SUFFIXES:
        raise ImportFailed(
            _(
                "%(file)s: %(suffix)s is not a map format aidtrack reads. Give a shapefile (.shp or a .zip of "
                "one), a GeoPackage (.gpkg) or GeoJSON (.geojson)."
            )
            % {"file": display, "suffix": suffix or _("no extension")}
        )
    source = str(path)
    if suffix == ".zip":
        members = _zip_members(path, display)
        if layer is not None and len(members) > 1:
            # A zip of many shapefiles (Geofabrik's): --layer names the one with the roads.
            chosen = [member for member in members if Path(member).stem == layer or member == layer]
            members, layer = (chosen, None) if chosen else (members, layer)
        if len(members) != 1:
            raise ImportFailed(
                _(
                    "%(file)s should hold one .shp, .gpkg or .geojson file; it holds %(count)s (%(members)s). "
                    "Name the roads' one with --layer, or unzip it and give that file."
                )
                % {"file": display, "count": len(members), "members": ", ".join(members)}
            )
        source = f"/vsizip/{path}/{members[0]}"
    elif suffix == ".shp" and not path.with_suffix(".dbf").exists() and not path.with_suffix(".DBF").exists():
        raise ImportFailed(
            _("%(file)s: the shapefile's .dbf file (its attributes) is missing beside it.") % {"file": display}
        )
    try:
        available = pyogrio.list_layers(source)
    except Exception as error:  # GDAL's errors for a broken file vary by driver
        raise ImportFailed(
            _("%(file)s cannot be opened (%(error)s). Is the file complete and of the format its name says?")
            % {"file": display, "error": error}
        ) from error
    names = [str(row[0]) for row in available]
    if layer is not None:
        if layer not in names:
            raise ImportFailed(
                _("%(file)s has no layer named %(layer)s; its layers are %(layers)s.")
                % {"file": display, "layer": layer, "layers": ", ".join(names)}
            )
        return source, layer
    lines = [str(name) for name, kind in available if kind and "line" in str(kind).lower()]
    if len(names) == 1:
        return source, names[0]
    if len(lines) == 1:
        return source, lines[0]
    raise ImportFailed(
        _("%(file)s has several layers (%(layers)s): choose the roads with --layer.")
        % {"file": display, "layers": ", ".join(names)}
    )


def _class_column(fields) -> str | None:
    by_lower = {str(name).lower(): str(name) for name in fields}
    return next((by_lower[name] for name in CLASS_COLUMNS if name in by_lower), None)


def _read(source: str, layer: str | None, display: str, classes: tuple[str, ...]):
    """The file's lines (shapely array, in longitude/latitude) and their classes, bounded in number."""
    try:
        info = pyogrio.read_info(source, layer=layer)
    except Exception as error:
        raise ImportFailed(
            _("%(file)s cannot be read as a map layer (%(error)s).") % {"file": display, "error": error}
        ) from error
    column = _class_column(info["fields"])
    limit = max_lines()
    if column is None and info["features"] > limit:
        raise ImportFailed(
            _(
                "%(file)s has %(count)s lines and no highway or fclass column to choose the main roads by; at most "
                "%(limit)s are read. Export only the main roads."
            )
            % {"file": display, "count": info["features"], "limit": limit}
        )
    crs = info["crs"] or ""
    lonlat = crs in {"", "EPSG:4326", "OGC:CRS84"}
    south, west, north, east = CONTEXT_BOUNDS
    options = {
        "layer": layer,
        "columns": [column] if column else [],
        "max_features": limit + 1,
        # Syria and its margin only, read by GDAL (a spatial index where the format has one), when the file is in
        # longitude/latitude; any other CRS is reprojected and clipped after reading.
        "bbox": (west, south, east, north) if lonlat else None,
    }
    if column:
        quoted = ", ".join("'" + value.replace("'", "''") + "'" for value in classes)
        options["where"] = f'"{column}" IN ({quoted})'
    try:
        frame = pyogrio.read_dataframe(source, **options)
    except Exception as error:
        raise ImportFailed(
            _("%(file)s cannot be read as a map layer (%(error)s).") % {"file": display, "error": error}
        ) from error
    if len(frame) > limit:
        raise ImportFailed(
            _("%(file)s has more than %(limit)s lines to keep. Export fewer road classes or a smaller area.")
            % {"file": display, "limit": limit}
        )
    if frame.crs is not None and not lonlat:
        frame = frame.to_crs(4326)
    geometries = np.asarray(frame.geometry.array, dtype=object)
    present = ~shapely.is_missing(geometries)
    kinds = shapely.get_type_id(geometries)
    is_line = present & np.isin(kinds, [1, 2, 5])  # LineString, LinearRing, MultiLineString
    if present.any() and not is_line.any():
        names = ", ".join(sorted({geometry.geom_type for geometry in geometries[present]}))
        raise ImportFailed(
            _("%(file)s holds %(types)s, not lines: give the roads' lines.") % {"file": display, "types": names}
        )
    bounds = shapely.total_bounds(geometries[is_line]) if is_line.any() else None
    if (
        bounds is not None
        and frame.crs is None
        and (np.abs(bounds[::2]).max() > 180 or np.abs(bounds[1::2]).max() > 90)
    ):
        raise ImportFailed(
            _("%(file)s says no CRS and its coordinates are not longitude and latitude: export it in EPSG:4326.")
            % {"file": display}
        )
    values = frame[column].astype(str).to_numpy() if column else np.full(len(frame), "", dtype=object)
    return geometries[is_line], values[is_line], column, len(frame)


def build_layer(geometries, values, *, attribution: str, source: str, licence: str) -> tuple[bytes, int]:
    """The clipped, joined and simplified lines as compact GeoJSON bytes, and how many lines it holds."""
    south, west, north, east = CONTEXT_BOUNDS
    clipped = shapely.clip_by_rect(geometries, west, south, east, north)
    parts, index = shapely.get_parts(clipped, return_index=True)
    keep = np.isin(shapely.get_type_id(parts), [1, 2])
    parts, index = parts[keep], index[keep]
    features = []
    for value in sorted(set(values[index])):
        # Joined end to end within a class: OpenStreetMap cuts a road at every change of tag, so a road of
        # hundreds of pieces becomes a few lines, and the points the pieces share are written once.
        joined = shapely.line_merge(shapely.multilinestrings(parts[values[index] == value]))
        for line in shapely.get_parts(shapely.simplify(joined, TOLERANCE)):
            coordinates = shapely.get_coordinates(line).round(DIGITS)
            coordinates = coordinates[np.r_[True, np.any(np.diff(coordinates, axis=0) != 0, axis=1)]]
            if len(coordinates) < 2:
                continue
            features.append(
                {
                    "type": "Feature",
                    "properties": {"class": value} if value else {},
                    "geometry": {"type": "LineString", "coordinates": coordinates.tolist()},
                }
            )
    data = {
        "type": "FeatureCollection",
        "attribution": attribution,
        "source": source,
        "licence": licence,
        "features": features,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(), len(features)


def _required(value: str, option: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ImportFailed(
            _("%(option)s is required: the maps credit every layer with its source, licence and attribution.")
            % {"option": option}
        )
    return value


def load_context_layer(
    path_or_url: str,
    *,
    kind: str,
    source: str,
    licence: str,
    attribution: str,
    by=None,
    layer: str | None = None,
    classes: tuple[str, ...] = MAIN_ROADS,
    dry_run: bool = False,
    max_bytes: int | None = None,
    display: str | None = None,
) -> LoadedLayer:
    """Read, clip, simplify and keep a context layer, replacing the one of the same kind; all or nothing.

    Raises ImportFailed with a message for the operator when the file or the options are wrong.
    """
    if kind not in ContextLayerKind.values:
        raise ImportFailed(
            _("%(kind)s is not a kind of map layer aidtrack loads; kinds: %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(ContextLayerKind.values)}
        )
    source = _required(source, "--source")
    licence = _required(licence, "--licence")
    attribution = _required(attribution, "--attribution")
    classes = tuple(value.strip() for value in classes if value.strip()) or MAIN_ROADS
    with open_source(path_or_url, max_bytes=max_bytes) as opened:
        name = display or opened.name
        dataset, layer_name = _dataset(opened.path, name, layer)
        geometries, values, column, read = _read(dataset, layer_name, name, classes)
    content, lines = build_layer(geometries, values, attribution=attribution, source=source, licence=licence)
    if lines == 0:
        south, west, north, east = CONTEXT_BOUNDS
        where = {"file": name, "south": south, "north": north, "west": west, "east": east}
        if column:
            message = _(
                "%(file)s has no lines of the classes %(classes)s (its %(column)s column) within Syria and the "
                "margin around it (%(south)s to %(north)s N, %(west)s to %(east)s E)."
            ) % {**where, "classes": ", ".join(classes), "column": column}
        else:
            message = (
                _(
                    "%(file)s has no lines within Syria and the margin around it (%(south)s to %(north)s N, "
                    "%(west)s to %(east)s E)."
                )
                % where
            )
        raise ImportFailed(message)
    limit = max_layer_bytes()
    if len(content) > limit:
        raise ImportFailed(
            _(
                "The roads kept from %(file)s come to %(size)s, more than the %(limit)s a phone keeps offline. "
                "Keep fewer classes (--classes motorway,trunk,primary) or raise AIDTRACK_CONTEXT_LAYER_MAX_BYTES."
            )
            % {"file": name, "size": human_size(len(content)), "limit": human_size(limit)}
        )
    kept = (
        _("%(column)s: %(classes)s") % {"column": column, "classes": ", ".join(classes)}
        if column
        else _("every line (the file has no highway or fclass column)")
    )
    result = LoadedLayer(kind=kind, lines=lines, size=len(content), read=read, kept=kept, dry_run=dry_run)
    if dry_run:
        return result
    record = ContextLayer.objects.filter(kind=kind).first() or ContextLayer(kind=kind)
    record.geojson = content.decode()
    record.features = lines
    record.kept = kept[:300]
    record.source, record.licence, record.attribution = source, licence, attribution
    record.version = hashlib.sha256(content).hexdigest()[:16]
    record.loaded_by = by
    try:
        record.full_clean()
    except ValidationError as error:
        problems = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
        raise ImportFailed(problems) from error
    with transaction.atomic():
        record.save()
    return result


def load_context_layer_recorded(path_or_url: str, *, by=None, record=None, display: str | None = None, **options):
    """``load_context_layer`` kept as an import run (admin: Import runs), as every import is; re-raises ImportFailed.

    ``record`` is a run created beforehand (an upload queued for the job worker).
    """
    from aidtrack.imports.models import ImportKind
    from aidtrack.imports.report import ImportReport
    from aidtrack.imports.runs import record_run

    shown = display or path_or_url
    loaded = []

    def run():
        result = load_context_layer(path_or_url, by=by, display=shown, **options)
        loaded.append(result)
        report = ImportReport(source=shown, dry_run=result.dry_run)
        report.counts.update({"lines read": result.read, "lines kept": result.lines})
        report.notes.append(result.summary())
        return report

    run_options = {key: value for key, value in options.items() if isinstance(value, str | bool | int)}
    run_options["classes"] = ",".join(options.get("classes") or MAIN_ROADS)
    record, _report = record_run(
        kind=ImportKind.ROADS,
        source=shown,
        options=run_options,
        by=by,
        dry_run=bool(options.get("dry_run")),
        run=run,
        record=record,
    )
    return record, loaded[0]


def run_roads(
    path_or_url: str,
    *,
    by=None,
    dry_run: bool = False,
    progress=None,
    max_bytes: int | None = None,
    display: str | None = None,
    source_label: str = "",
    licence: str = "",
    attribution: str = "",
    layer: str | None = None,
    classes: list[str] | str | None = None,
):
    """The roads load on the import framework's run machinery (``imports.files``, kind "roads"): its options as a
    queued job carries them, its result as an ``ImportReport`` (the lines read and kept, and the summary)."""
    from aidtrack.imports.report import ImportReport

    if isinstance(classes, str):
        classes = classes.split(",")
    shown = display or path_or_url
    result = load_context_layer(
        path_or_url,
        kind=ContextLayerKind.ROADS,
        source=source_label,
        licence=licence,
        attribution=attribution,
        by=by,
        layer=layer or None,
        classes=tuple(classes or MAIN_ROADS),
        dry_run=dry_run,
        max_bytes=max_bytes,
        display=shown,
    )
    if progress is not None:
        progress("counted", result.read)
        progress("checked", result.read)
    report = ImportReport(source=shown, dry_run=dry_run)
    report.counts.update({"lines read": result.read, "lines kept": result.lines})
    report.notes.append(result.summary())
    return report


def context_layer(kind: str) -> ContextLayer | None:
    return ContextLayer.objects.filter(kind=kind).first()


def empty_layer() -> bytes:
    return b'{"type":"FeatureCollection","attribution":"","features":[]}'
