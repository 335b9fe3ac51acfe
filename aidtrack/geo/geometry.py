"""GeoJSON geometry helpers: validation, bounding boxes and centroids with shapely.

Geometry is stored as GeoJSON in ordinary JSON columns (no PostGIS), so every
spatial fact the database needs to filter on (bounding box, centroid) is
computed here when a record is saved and kept in plain indexed columns.
"""

from dataclasses import dataclass

import shapely
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext as _

GEOMETRY_TYPES = {"Point", "MultiPoint", "Polygon", "MultiPolygon"}

latitude_validators = [
    MinValueValidator(-90, message="A latitude must lie between -90 and 90 degrees."),
    MaxValueValidator(90, message="A latitude must lie between -90 and 90 degrees."),
]
longitude_validators = [
    MinValueValidator(-180, message="A longitude must lie between -180 and 180 degrees."),
    MaxValueValidator(180, message="A longitude must lie between -180 and 180 degrees."),
]


@dataclass(frozen=True)
class Footprint:
    """What the database keeps about a geometry besides the geometry itself."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float
    centroid_lon: float
    centroid_lat: float


def parse_geometry(geojson: dict) -> shapely.Geometry:
    """Return the shapely geometry for a GeoJSON geometry, or raise ValidationError."""
    if not isinstance(geojson, dict) or "type" not in geojson:
        raise ValidationError(
            _('Geometry must be a GeoJSON geometry object, e.g. {"type": "Polygon", "coordinates": [...]}.')
        )
    if geojson["type"] not in GEOMETRY_TYPES:
        raise ValidationError(
            _("Geometry type %(type)r is not supported: use one of %(types)s.")
            % {"type": geojson["type"], "types": ", ".join(sorted(GEOMETRY_TYPES))}
        )
    try:
        geometry = shapely.geometry.shape(geojson)
    except Exception as error:  # shapely raises several types for malformed input
        raise ValidationError(_("Geometry is not valid GeoJSON: %(error)s.") % {"error": error}) from error
    if geometry.is_empty:
        raise ValidationError(_("Geometry is empty."))
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValidationError(
            _(
                "Geometry coordinates must be longitude, latitude in WGS 84 degrees (found bounds %(bounds)s); "
                "reproject the data or swap the axes."
            )
            % {"bounds": geometry.bounds}
        )
    if not geometry.is_valid:
        raise ValidationError(
            _("Geometry is invalid (%(reason)s); repair it (e.g. with shapely.make_valid) before saving.")
            % {"reason": shapely.is_valid_reason(geometry)}
        )
    return geometry


def footprint(geojson: dict) -> Footprint:
    geometry = parse_geometry(geojson)
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    # A representative point is guaranteed to lie inside a polygon, which a
    # centroid is not (think of a crescent-shaped district).
    anchor = geometry if geometry.geom_type == "Point" else geometry.representative_point()
    return Footprint(min_lon, min_lat, max_lon, max_lat, anchor.x, anchor.y)


def point_geojson(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}
