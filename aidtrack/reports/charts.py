"""Geometry for the server-rendered SVG charts: numbers in, shapes out, so that templates only draw.

Charts are SVG written by the server: they need no script or network, print as they show, and each page puts
the same numbers beside them as a table (see README, "Answers").
"""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class StripCell:
    """One day of a condition's strip: its place, its state (met, not-met, no-data) and its label."""

    day: datetime.date
    state: str
    x: float
    width: float
    text: str
    detail: str
    url: str

    @property
    def mid(self) -> float:
        return self.x + self.width / 2

    @property
    def symbol(self) -> str:
        return {"met": "✓", "not-met": "✗"}.get(self.state, "?")


STRIP_CELL = 28


def day_strip(days, *, planned: list[datetime.date], url_of) -> list[StripCell]:
    """Cells for the computed ``days`` (DayResult) followed by the ``planned`` days not yet computed (no data)."""
    cells = []
    for index, result in enumerate(days):
        state = "met" if result.met else "not-met"
        cells.append(
            StripCell(
                result.day,
                state,
                index * STRIP_CELL,
                STRIP_CELL,
                str(result.day.day),
                result.detail,
                url_of(result.day),
            )
        )
    for offset, day in enumerate(planned, start=len(days)):
        cells.append(StripCell(day, "no-data", offset * STRIP_CELL, STRIP_CELL, str(day.day), "", ""))
    return cells


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: float
    width: float
    shown: str
    x: float = 124
    css: str = ""

    @property
    def label_x(self) -> float:
        return self.x - 6

    @property
    def value_x(self) -> float:
        return self.x + self.width + 4


def bars(rows, *, height: int = 22, width: int = 300, left: int = 124) -> list[Bar]:
    """Horizontal bars scaled to the largest value: rows are (label, value[, shown text[, css class]])."""
    largest = max((row[1] for row in rows), default=0) or 1
    return [
        Bar(
            label=row[0],
            value=row[1],
            y=index * height,
            width=round(width * row[1] / largest, 1),
            shown=row[2] if len(row) > 2 else str(row[1]),
            x=left,
            css=row[3] if len(row) > 3 else "",
        )
        for index, row in enumerate(rows)
    ]


def svg_path(geometry: dict, project) -> str:
    """An SVG path for a GeoJSON Polygon or MultiPolygon, each point projected by ``project(lon, lat)``."""
    kind = geometry.get("type")
    polygons = [geometry["coordinates"]] if kind == "Polygon" else geometry.get("coordinates", [])
    if kind not in {"Polygon", "MultiPolygon"}:
        return ""
    parts = []
    for polygon in polygons:
        for ring in polygon:
            points = [project(lon, lat) for lon, lat, *_ in ring]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


def projector(bounds: tuple[float, float, float, float], width: float):
    """Equirectangular projection of ``bounds`` (min lon, min lat, max lon, max lat) into ``width`` pixels, north up;
    returns the projection and the height."""
    import math

    min_lon, min_lat, max_lon, max_lat = bounds
    stretch = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = width / (((max_lon - min_lon) * stretch) or 1)
    height = (max_lat - min_lat) * scale

    def project(lon, lat):
        return (lon - min_lon) * stretch * scale, (max_lat - lat) * scale

    return project, height
