"""Reading vector layers (shapefile, zipped shapefile, GeoPackage, GeoJSON) into GeoDataFrames."""

import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas
import pyogrio
import pyogrio.errors
from django.utils.translation import gettext as _

from aidtrack.imports.report import ImportFailed

VECTOR_SUFFIXES = {".shp", ".gpkg", ".geojson", ".json", ".zip"}


@dataclass
class Layer:
    name: str  # how problems refer to it: "file.gpkg, layer syr_admbnda_adm2"
    frame: geopandas.GeoDataFrame


def _read(path: str, display: str, layer: str | None = None) -> geopandas.GeoDataFrame:
    try:
        return geopandas.read_file(path, layer=layer, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
        raise ImportFailed(
            _(
                "%(file)s cannot be read as a vector layer (%(error)s). Is it complete, and is it a "
                "shapefile (with its .dbf and .prj), a GeoPackage or GeoJSON?"
            )
            % {"file": display, "error": error}
        ) from error
    except ValueError as error:
        raise ImportFailed(f"{display}: {error}") from error


def _feature_count(source: str, layer: str) -> int:
    """The features a layer's header says it has (0 when it does not say: the layer is counted once read)."""
    try:
        return max(int(pyogrio.read_info(source, layer=layer)["features"]), 0)
    except Exception:  # noqa: BLE001 (an unreadable layer is reported by _read, with its message)
        return 0


def _zip_members(path: Path, display: str) -> list[str]:
    if not zipfile.is_zipfile(path):
        raise ImportFailed(
            _(
                "%(file)s is not a valid zip archive (it may be corrupt or an incomplete download). "
                "Download it again, or unzip it and give the .shp, .gpkg or .geojson inside."
            )
            % {"file": display}
        )
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ImportFailed(
            _("%(file)s is a damaged zip archive (%(error)s). Download it again.") % {"file": display, "error": error}
        ) from error
    if bad is not None:
        raise ImportFailed(
            _("%(file)s is damaged: %(member)s inside it fails its checksum. Download it again.")
            % {"file": display, "member": bad}
        )
    return [name for name in names if Path(name).suffix.lower() in {".shp", ".gpkg", ".geojson", ".json"}]


def _too_many_features(display: str, count: int, limit: int) -> ImportFailed:
    return ImportFailed(
        _(
            "%(file)s has %(count)s features, more than the %(limit)s an import takes. Split it (one level or one "
            "governorate per file), or import it on the server with manage.py import_boundaries."
        )
        % {"file": display, "count": count, "limit": limit}
    )


def read_layers(path: Path, display: str, *, layer: str | None = None, max_features: int | None = None) -> list[Layer]:
    """Every layer of the input (or only ``layer``), in file order; more than ``max_features`` in all is refused,
    counted from each layer's header before it is read where the format says."""
    suffix = path.suffix.lower()
    if suffix not in VECTOR_SUFFIXES:
        raise ImportFailed(
            _(
                "%(file)s: %(suffix)s is not a boundary format aidtrack reads. Give a shapefile "
                "(.shp or a .zip of one), a GeoPackage (.gpkg) or GeoJSON (.geojson)."
            )
            % {"file": display, "suffix": suffix or _("no extension")}
        )
    if suffix == ".zip":
        members = _zip_members(path, display)
        if not members:
            raise ImportFailed(_("%(file)s holds no .shp, .gpkg or .geojson file.") % {"file": display})
        sources = [(f"/vsizip/{path}/{member}", f"{display}, {member}") for member in members]
    else:
        if suffix == ".shp" and not path.with_suffix(".dbf").exists() and not path.with_suffix(".DBF").exists():
            raise ImportFailed(
                _("%(file)s: the shapefile's .dbf file (its attributes) is missing beside it.") % {"file": display}
            )
        sources = [(str(path), display)]

    layers, counted = [], 0
    for source, name in sources:
        try:
            available = [row[0] for row in pyogrio.list_layers(source)]
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
            raise ImportFailed(
                _("%(file)s cannot be opened (%(error)s). Is the file complete and of the format its name says?")
                % {"file": name, "error": error}
            ) from error
        if layer is not None:
            if layer not in available:
                continue
            wanted = [layer]
        else:
            wanted = available
        for layer_name in wanted:
            label = (
                name if len(available) == 1 else _("%(name)s, layer %(layer)s") % {"name": name, "layer": layer_name}
            )
            if max_features is not None:
                counted += _feature_count(source, layer_name)
                if counted > max_features:
                    raise _too_many_features(display, counted, max_features)
            layers.append(Layer(label, _read(source, label, layer_name)))
    if max_features is not None:
        read = sum(len(one.frame) for one in layers)
        if read > max_features:
            raise _too_many_features(display, read, max_features)
    if layer is not None and not layers:
        raise ImportFailed(_("%(file)s has no layer named %(layer)r.") % {"file": display, "layer": layer})
    return layers
