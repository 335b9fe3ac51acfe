"""Map layers: each admin level as one simplified GeoJSON document, built once per geodata edition.

Polygons are simplified as a coverage (``shapely.coverage_simplify``), so
neighbouring areas keep their shared edges and no slivers or gaps open
between them, then snapped to a 0.0001° grid (about 11 m), which is finer
than anything visible at country or governorate zoom.
"""

import json
import threading
from dataclasses import dataclass

import shapely

from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.geo.state import Edition, current_edition

# Degrees; chosen so Syria's 272 sub-districts stay well under 300 KB gzipped
# (see bench/geo_bench.py for the sizes) while borders still read at zoom 9.
TOLERANCE = {0: 0.005, 1: 0.002, 2: 0.0015, 3: 0.001}
GRID = 0.0001


@dataclass(frozen=True)
class Layer:
    level: int
    edition: Edition
    content: bytes
    features: int


def _simplify(geometries: list, tolerance: float) -> list:
    try:
        simplified = shapely.coverage_simplify(geometries, tolerance)
    except shapely.errors.GEOSException:
        # Not a clean coverage (overlapping polygons): simplify each on its own.
        simplified = shapely.simplify(geometries, tolerance, preserve_topology=True)
    return list(shapely.set_precision(simplified, GRID))


def build_layer(level: int, edition: Edition) -> Layer:
    rows = list(
        AdminArea.objects.filter(level=level, geometry__isnull=False)
        .order_by("pcode")
        .values_list("pcode", "name_en", "name_ar", "parent__pcode", "population", "population_year", "geometry")
    )
    geometries = [shapely.geometry.shape(row[-1]) for row in rows]
    if level < AdminLevel.COMMUNITY and geometries:
        geometries = _simplify(geometries, TOLERANCE[level])
    features = []
    for (pcode, name_en, name_ar, parent, population, year, _), geometry in zip(rows, geometries, strict=True):
        if geometry.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "id": pcode,
                "properties": {
                    "pcode": pcode,
                    "name_en": name_en,
                    "name_ar": name_ar,
                    "level": level,
                    "parent_pcode": parent,
                    "population": population,
                    "population_year": year,
                },
                "geometry": json.loads(shapely.to_geojson(geometry)),
            }
        )
    collection = {
        "type": "FeatureCollection",
        "name": f"adm{level}",
        "edition": edition.version,
        "features": features,
    }
    content = json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()
    return Layer(level, edition, content, len(features))


_cache: dict[int, Layer] = {}
_lock = threading.Lock()


def layer(level: int, edition: Edition | None = None) -> Layer:
    """The level's layer for the current edition, from the cache when it is still current."""
    edition = edition or current_edition()
    cached = _cache.get(level)
    if cached is not None and cached.edition == edition:
        return cached
    with _lock:
        cached = _cache.get(level)
        if cached is None or cached.edition != edition:
            cached = _cache[level] = build_layer(level, edition)
        return cached
