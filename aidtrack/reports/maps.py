"""Small server-drawn maps: the governorates as SVG paths, shaded by a figure, from the boundaries in the database."""

import json
import threading
from dataclasses import dataclass

import shapely

from aidtrack.geo.layers import layer
from aidtrack.names import in_language
from aidtrack.reports.charts import projector, svg_path

WIDTH = 320
SHADES = 5


@dataclass(frozen=True)
class Shape:
    pcode: str
    name_en: str
    path: str
    label_x: float
    label_y: float
    name_ar: str = ""

    @property
    def name(self) -> str:
        """The governorate's name in the reader's language (the shapes are cached for every language)."""
        return in_language(self.name_en, self.name_ar)


_cache: dict = {}
_lock = threading.Lock()


def governorate_shapes() -> tuple[list[Shape], float]:
    """The governorates (the map layer's simplified coverage, simplified again for a small map) and the height."""
    source = layer(1)
    with _lock:
        if _cache.get("edition") != source.edition:
            features = json.loads(source.content)["features"]
            geometries = [shapely.simplify(shapely.geometry.shape(f["geometry"]), 0.01) for f in features]
            bounds = shapely.total_bounds(geometries) if geometries else (0, 0, 1, 1)
            project, height = projector(tuple(bounds), WIDTH)
            shapes = []
            for feature, geometry in zip(features, geometries, strict=True):
                point = geometry.representative_point()
                x, y = project(point.x, point.y)
                path = svg_path(json.loads(shapely.to_geojson(geometry)), project)
                properties = feature["properties"]
                shapes.append(
                    Shape(properties["pcode"], properties["name_en"], path, x, y, properties.get("name_ar") or "")
                )
            _cache.update(edition=source.edition, shapes=shapes, height=height)
        return _cache["shapes"], _cache["height"]


@dataclass(frozen=True)
class ShadedShape:
    shape: Shape
    value: float
    shade: int  # 0 (nothing) .. SHADES
    shown: str


def shaded(values: dict[str, float], shown=lambda value: str(value)) -> tuple[list[ShadedShape], float, list]:
    """Each governorate with its shade (equal steps from zero to the largest value) and the legend's steps."""
    shapes, height = governorate_shapes()
    largest = max(values.values(), default=0) or 0
    result = []
    for shape in shapes:
        value = values.get(shape.pcode, 0) or 0
        shade = 0 if not value or not largest else max(1, min(SHADES, int(-(-value * SHADES // largest))))
        result.append(ShadedShape(shape, value, shade, shown(value)))
    steps = [(n, largest * (n - 1) / SHADES, largest * n / SHADES) for n in range(1, SHADES + 1)] if largest else []
    return result, height, steps
