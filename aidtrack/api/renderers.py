"""List formats besides JSON: GeoJSON, CSV with an HXL hashtag row, and XLSX.

Each renderer receives what the JSON renderer would (the rows the view built
for the reader), so whatever a reader may not see in JSON is absent here too.
The view says how to turn a row into a geometry (``geometry_of``) and which
columns to write (``export_columns``: key, HXL hashtag).
"""

import csv
import datetime
import io
import itertools
import json
from decimal import Decimal

import orjson
from django.utils.functional import Promise
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

from aidtrack.api.incident_features import FeatureTexts
from aidtrack.exchange.headers import column_header
from aidtrack.names import arabic_requested


def _json_default(value):
    if isinstance(value, Decimal | Promise):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _is_error(data) -> bool:
    return isinstance(data, dict) and "errors" in data and "status" in data


def _rows(data):
    if isinstance(data, dict) and "results" in data:
        return data["results"], True
    if isinstance(data, list):
        return data, True
    return [data], False


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, Promise):  # a label in the reader's language
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(str(_cell(item)) for item in value)
    if isinstance(value, dict):
        return value.get("name") or value.get("pcode") or value.get("reference") or json.dumps(value, cls=JSONEncoder)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return value


# A cell starting with one of these is run as a formula by Excel and LibreOffice (=HYPERLINK(...) sends the
# reader's data elsewhere); OWASP's advice is to prefix such text with an apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _escape_line(line: str) -> str:
    # Quotes and spaces aside: a reader that splits a quoted field's lines itself may unquote what follows.
    body = next(iter(line.splitlines()), "").lstrip(' "')
    if body.startswith(FORMULA_STARTS):
        try:
            float(body)
        except ValueError:
            return "'" + line
    return line


def escape_formula(value):
    """Text that a spreadsheet would run as a formula, made inert by a leading apostrophe; numbers unchanged.

    Every line of the text is checked, not only the first: after a carriage return or a newline inside a field,
    a reader that splits lines itself (or a spreadsheet told to) starts a new row with that line.
    """
    if not isinstance(value, str):
        return value
    return "".join(_escape_line(line) for line in value.splitlines(keepends=True))


def _columns(view, rows):
    columns = getattr(view, "export_columns", None)
    if callable(columns):
        return columns()
    keys = list(rows[0].keys()) if rows else []
    return [(key, "") for key in keys]


class GeoJSONRenderer(renderers.JSONRenderer):
    """A FeatureCollection for lists, a Feature for one record."""

    media_type = "application/geo+json"
    format = "geojson"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None or _is_error(data):
            return super().render(data, accepted_media_type, renderer_context)
        if isinstance(data, FeatureTexts):  # written by the database, one JSON text per Feature
            if not data:
                return b'{"type":"FeatureCollection","features":[]}'
            # One join and one encoding of the whole text (each copy of a 50 MB list costs tens of milliseconds).
            if len(data) == 1:
                return ('{"type":"FeatureCollection","features":[' + data[0] + "]}").encode()
            first, last = '{"type":"FeatureCollection","features":[' + data[0], data[-1] + "]}"
            return ",".join(itertools.chain([first], itertools.islice(data, 1, len(data) - 1), [last])).encode()
        view = (renderer_context or {}).get("view")
        rows, many = _rows(data)
        features = [
            {"type": "Feature", "id": row.get("id"), "geometry": view.geometry_of(row), "properties": row}
            for row in rows
        ]
        body = {"type": "FeatureCollection", "features": features} if many else features[0]
        # orjson: a 50,000-feature collection is the API's largest answer, and the standard library is
        # several times slower at it. Dates come out as in JSON (ISO 8601, "Z" for UTC).
        return orjson.dumps(body, default=_json_default, option=orjson.OPT_UTC_Z)


class CSVRenderer(renderers.BaseRenderer):
    """CSV with the column names on the first row (Arabic headers for an Arabic reader) and HXL hashtags on the
    second, the same in every language."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if _is_error(data):
            return json.dumps(data, cls=JSONEncoder).encode()
        view = (renderer_context or {}).get("view")
        rows, _ = _rows(data)
        columns = _columns(view, rows)
        buffer = io.StringIO()
        # RFC 4180's CRLF rows: the csv module then quotes every field holding a carriage return or a newline
        # (with "\n" rows, Python before 3.12 leaves a field with a bare "\r" unquoted, and readers split it).
        writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([column_header(key) for key, _ in columns])
        writer.writerow([hxl for _, hxl in columns])
        for row in rows:
            writer.writerow([escape_formula(_cell(row.get(key))) for key, _ in columns])
        return buffer.getvalue().encode("utf-8")


class XLSXRenderer(renderers.BaseRenderer):
    """An Excel workbook: one sheet, column names, the HXL row, then the records."""

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        from openpyxl import Workbook

        if data is None:
            return b""
        if _is_error(data):
            return json.dumps(data, cls=JSONEncoder).encode()
        view = (renderer_context or {}).get("view")
        rows, _ = _rows(data)
        columns = _columns(view, rows)
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=getattr(view, "export_sheet_title", "records")[:31])
        # An Arabic reader's sheet runs right to left, its first column on the right.
        sheet.sheet_view.rightToLeft = arabic_requested()
        sheet.append([column_header(key) for key, _ in columns])
        sheet.append([hxl for _, hxl in columns])
        for row in rows:
            sheet.append([_xlsx_cell(row.get(key)) for key, _ in columns])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _xlsx_cell(value):
    value = escape_formula(_cell(value))
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        # Control characters that a workbook cannot hold (openpyxl refuses them) are shown as replaced.
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


class GeoPackageRenderer(renderers.BaseRenderer):
    """An OGC GeoPackage (one layer, WGS 84) for GIS software: the same rows and columns as the CSV."""

    media_type = "application/geopackage+sqlite3"
    format = "gpkg"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        import tempfile
        from pathlib import Path

        import geopandas
        import shapely

        if data is None:
            return b""
        if _is_error(data):
            return json.dumps(data, cls=JSONEncoder).encode()
        view = (renderer_context or {}).get("view")
        rows, _ = _rows(data)
        columns = [key for key, _ in _columns(view, rows)]
        geometry_of = getattr(view, "geometry_of", lambda row: None)
        records = {
            key: [_gpkg_value(_cell(row.get(key))) for row in rows] for key in columns if key.lower() not in {"fid"}
        }
        geometries = [shapely.geometry.shape(g) if (g := geometry_of(row)) else None for row in rows]
        frame = geopandas.GeoDataFrame(records, geometry=geopandas.GeoSeries(geometries, crs="EPSG:4326"))
        layer = getattr(view, "export_sheet_title", "records")[:60] or "records"
        with tempfile.TemporaryDirectory(prefix="aidtrack-gpkg-") as folder:
            path = Path(folder) / "export.gpkg"
            frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
            return path.read_bytes()


def _gpkg_value(value):
    # A column must hold one type: text for everything that is not a plain number.
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value).lower()
    if isinstance(value, int | float):
        return value
    return str(value)


LIST_RENDERERS = [renderers.JSONRenderer, GeoJSONRenderer, CSVRenderer, XLSXRenderer, GeoPackageRenderer]
