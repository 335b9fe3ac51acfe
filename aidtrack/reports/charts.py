"""Geometry for the server-rendered SVG charts: numbers in, shapes out, so that templates only draw.

Charts are SVG written by the server: they need no script or network, print as they show, and each page puts
the same numbers beside them as a table (see README, "Answers").
"""

import datetime
from dataclasses import dataclass
from html import escape

from django.utils import translation
from django.utils.safestring import mark_safe


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


def day_writer(pattern: str):
    """A function that writes a date as ``date_format(day, pattern)`` does, for patterns of ``j``, ``D``, ``M``,
    ``F``, ``Y``, spaces and commas, with the month and weekday names translated once rather than for each day.

    ``date_format`` looks every name up again in the catalogues: for the days of a strip that took longer than the
    page's queries (bench/reports_bench.py).
    """
    from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS_ABBR

    months = {number: str(name) for number, name in MONTHS.items()}
    months_short = {number: str(name).title() for number, name in MONTHS_3.items()}
    weekdays = {number: str(name) for number, name in WEEKDAYS_ABBR.items()}
    writers = {
        "j": lambda day: str(day.day),
        "D": lambda day: weekdays[day.weekday()],
        "M": lambda day: months_short[day.month],
        "F": lambda day: months[day.month],
        "Y": lambda day: str(day.year),
    }
    parts = [writers.get(letter, lambda _day, letter=letter: letter) for letter in pattern]
    if any(letter not in writers and letter not in " ," for letter in pattern):
        raise ValueError(f"day_writer writes j, D, M, F and Y only, not {pattern!r}")

    def write(day: datetime.date) -> str:
        return "".join(part(day) for part in parts)

    return write


def _number(value: float) -> str:
    """A coordinate as SVG reads it (never localised: an Arabic decimal comma would break the drawing)."""
    return f"{value:g}"


def strip_svg(cells: list[StripCell], *, words: dict[str, str], day_text) -> str:
    """The strip's cells as SVG elements (safe HTML), each a link to its day when it has one.

    Drawn here rather than by the template: a strip is a dozen template nodes a day, and a few months of days
    took the template longer than every query of the page (bench/reports_bench.py). Written as text with each value
    escaped, as ``report_tags`` writes its rows: three ``format_html`` calls a day cost as much again.
    ``words`` names each state ("met", "not-met", "no-data") for the cell's title; ``day_text(day)`` writes its
    date.
    """

    def cell_svg(cell: StripCell) -> str:
        title = escape(f"{day_text(cell.day)}: {words[cell.state]}" + (f" — {cell.detail}" if cell.detail else ""))
        mid = _number(cell.mid)
        if cell.state == "met":
            shape = f'<circle cx="{mid}" cy="13" r="11"/>'
        else:
            shape = f'<rect x="{_number(cell.x + 3)}" y="2" width="22" height="22"/>'
        drawn = (
            f'<g class="cell cell-{escape(cell.state)}"><title>{title}</title>{shape}'
            f'<text class="sym" x="{mid}" y="18" text-anchor="middle">{escape(cell.symbol)}</text>'
            f'<text class="day" x="{mid}" y="40" text-anchor="middle">{escape(cell.text)}</text></g>'
        )
        return f'<a href="{escape(cell.url)}">{drawn}</a>' if cell.url else drawn

    return mark_safe("\n".join(cell_svg(cell) for cell in cells))  # noqa: S308 - every value is escaped above


def day_rows(days, *, words: dict[str, str], day_text, url_of) -> str:
    """The rows of a condition's table of days (``DayResult``): each day, a link to its evidence, whether it held
    and why, as safe HTML written in one pass (a template loop over a few months of days cost more than the
    page's queries). ``words`` as for ``strip_svg``; ``day_text(day)`` writes the date, ``url_of(day)`` its link."""
    held = {True: escape("✓ " + words["met"]), False: escape("✗ " + words["not-met"])}
    rows = (
        f'<tr><td><a href="{escape(url_of(day.day))}">{escape(day_text(day.day))}</a></td><td>{held[day.met]}</td>'
        f'<td dir="auto">{escape(day.detail)}</td></tr>'
        for day in days
    )
    return mark_safe("".join(rows))  # noqa: S308 - every value is escaped above


@dataclass(frozen=True)
class Bar:
    """One horizontal bar; ``mirrored`` (right-to-left pages) grows it from the right edge of a ``canvas`` wide
    chart, its label on its right and its value on its left: the text anchors, read in the page's direction, then
    place each word on the correct side without changing the template."""

    label: str
    value: float
    y: float
    width: float
    shown: str
    left: float = 124
    css: str = ""
    canvas: float = 420
    mirrored: bool = False

    @property
    def x(self) -> float:
        return round(self.canvas - self.left - self.width, 1) if self.mirrored else self.left

    @property
    def label_x(self) -> float:
        return self.canvas - self.left + 6 if self.mirrored else self.left - 6

    @property
    def value_x(self) -> float:
        return round(self.x - 4, 1) if self.mirrored else self.left + self.width + 4


def bars(rows, *, height: int = 22, width: int = 300, left: int = 124, canvas: int = 420) -> list[Bar]:
    """Horizontal bars scaled to the largest value: rows are (label, value[, shown text[, css class]]).

    ``canvas`` is the chart's width (the SVG's viewBox); on a right-to-left page the bars are mirrored."""
    largest = max((row[1] for row in rows), default=0) or 1
    mirrored = translation.get_language_bidi()
    return [
        Bar(
            label=row[0],
            value=row[1],
            y=index * height,
            width=round(width * row[1] / largest, 1),
            shown=row[2] if len(row) > 2 else str(row[1]),
            left=left,
            css=row[3] if len(row) > 3 else "",
            canvas=canvas,
            mirrored=mirrored,
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


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    points: str  # SVG polyline points
    last_x: float
    last_y: float
    last_value: int
    label_y: float = 0
    mirrored: bool = False

    @property
    def label_x(self) -> float:
        """Beside the line's end: right of it, or left of it on a mirrored (right-to-left) chart."""
        return self.last_x - 6 if self.mirrored else self.last_x + 6


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    lines: list[Line]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    mirrored: bool = False

    @property
    def bottom(self) -> int:
        return self.top + self.plot_height

    @property
    def right(self) -> int:
        return self.left + self.plot_width

    @property
    def axis_start(self) -> float:
        """Where the value axis stands: the plot's left edge, or its right edge when mirrored."""
        return self.width - self.left if self.mirrored else self.left

    @property
    def axis_end(self) -> float:
        return self.width - self.right if self.mirrored else self.right

    @property
    def tick_x(self) -> float:
        """The value ticks' anchor, outside the axis (``text-anchor="end"`` is read in the page's direction)."""
        return self.axis_start + 4 if self.mirrored else self.axis_start - 4


def step_lines(series, keys, *, labels, width=640, height=220, number=str, day_text=str) -> LineChart:
    """Step lines (a value holds until the next day) for ``keys`` of ``series``: [(day, {key: value})].

    On a right-to-left page the chart is mirrored, as the day strips are: time runs from right to left, the value
    axis stands on the right and the lines' labels on the left."""
    left, top, right_margin, bottom_margin = 78, 10, 150, 26
    mirrored = translation.get_language_bidi()

    def x_of(x):
        return round(width - x, 1) if mirrored else round(x, 1)

    plot_width, plot_height = width - left - right_margin, height - top - bottom_margin
    largest = max((values[key] for _day, values in series for key in keys), default=0) or 1
    count = max(len(series), 1)
    step = plot_width / count

    def y_of(value):
        return round(top + plot_height - plot_height * value / largest, 1)

    lines = []
    for key in keys:
        points = []
        for index, (_day, values) in enumerate(series):
            y = y_of(values[key])
            points += [f"{x_of(left + index * step)},{y}", f"{x_of(left + (index + 1) * step)},{y}"]
        last = series[-1][1][key] if series else 0
        lines.append(Line(key, labels[key], " ".join(points), x_of(left + plot_width), y_of(last), last, 0, mirrored))
    # Labels at the lines' ends, moved apart where lines end close together.
    placed, previous = {}, None
    for line in sorted(lines, key=lambda line: line.last_y):
        y = line.last_y if previous is None else max(line.last_y, previous + 13)
        placed[line.key], previous = y, y
    lines = [Line(**{**line.__dict__, "label_y": placed[line.key]}) for line in lines]
    y_ticks = [Tick(y_of(largest * share), number(round(largest * share))) for share in (0, 0.5, 1)]
    picks = sorted({0, (count - 1) // 2, count - 1}) if series else []
    x_ticks = [Tick(x_of(left + (index + 0.5) * step), day_text(series[index][0])) for index in picks]
    return LineChart(width, height, left, top, plot_width, plot_height, lines, y_ticks, x_ticks, mirrored)
