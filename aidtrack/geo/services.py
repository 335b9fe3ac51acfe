"""Placing points in admin areas.

The bounding-box columns narrow the candidates in the database; shapely then
answers point-in-polygon exactly. Bulk assignment of many points (after a
boundary update) belongs to a geopandas spatial join; this module serves the
one-record-at-a-time case of a form or an API call.
"""

import math
from dataclasses import dataclass

import shapely

from aidtrack.geo.models import AdminArea, AdminLevel

# Communities further than this from a point are not "the nearest community".
NEAREST_COMMUNITY_KM = 5.0
EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Placement:
    """The admin areas a point falls in; any level may be missing."""

    admin1: AdminArea | None = None
    admin2: AdminArea | None = None
    admin3: AdminArea | None = None
    community: AdminArea | None = None

    @property
    def is_placed(self) -> bool:
        return any((self.admin1, self.admin2, self.admin3))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def areas_containing(lat: float, lon: float) -> list[AdminArea]:
    """Polygons (levels 1-3) that contain the point, most general first."""
    point = shapely.Point(lon, lat)
    candidates = (
        AdminArea.objects.filter(level__in=[1, 2, 3], geometry__isnull=False)
        .intersecting_bbox(lon, lat, lon, lat)
        .order_by("level")
    )
    return [area for area in candidates if shapely.geometry.shape(area.geometry).covers(point)]


def nearest_community(lat: float, lon: float, within_km: float = NEAREST_COMMUNITY_KM) -> AdminArea | None:
    # One degree of latitude is about 111 km; widen the longitude window by
    # the latitude's cosine so the box covers the radius everywhere.
    dlat = within_km / 111.0
    dlon = within_km / (111.0 * max(math.cos(math.radians(lat)), 0.01))
    candidates = AdminArea.objects.filter(
        level=AdminLevel.COMMUNITY,
        centroid_lat__range=(lat - dlat, lat + dlat),
        centroid_lon__range=(lon - dlon, lon + dlon),
    )
    best, best_km = None, within_km
    for community in candidates:
        km = distance_km(lat, lon, community.centroid_lat, community.centroid_lon)
        if km <= best_km:
            best, best_km = community, km
    return best


def place_point(lat: float, lon: float) -> Placement:
    """The governorate, district, sub-district and nearest community of a point."""
    by_level = {area.level: area for area in areas_containing(lat, lon)}
    return Placement(
        admin1=by_level.get(1),
        admin2=by_level.get(2),
        admin3=by_level.get(3),
        community=nearest_community(lat, lon),
    )


def placement_of_area(area: AdminArea) -> Placement:
    """The placement implied by an admin area given without a point (a P-code)."""
    chain = {a.level: a for a in [area, *area.ancestors()]}
    return Placement(
        admin1=chain.get(1),
        admin2=chain.get(2),
        admin3=chain.get(3),
        community=area if area.level == AdminLevel.COMMUNITY else None,
    )
