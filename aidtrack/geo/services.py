"""Placing records in admin areas: one point from a form or an API call, or an area given by P-code.

The spatial work happens in ``placement`` (an in-memory index shared with the
bulk assignment), so these functions answer without touching the geometry
columns: a save costs one primary-key read to check that the index is current.
"""

from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.geo.placement import Placement, placement_index

__all__ = ["Placement", "nearest_community", "place_point", "placement_of_area"]


def place_point(lat: float, lon: float, within_km: float | None = None) -> Placement:
    """The governorate, district, sub-district and nearest community of a point.

    ``problem`` explains a point that lies outside every boundary.
    """
    return placement_index().place(lat, lon, within_km)


def nearest_community(lat: float, lon: float, within_km: float | None = None) -> AdminArea | None:
    return place_point(lat, lon, within_km).community


def placement_of_area(area: AdminArea) -> Placement:
    """The placement implied by an admin area given without a point (a P-code)."""
    chain = {a.level: a for a in [area, *area.ancestors()]}
    return Placement(
        admin1=chain.get(AdminLevel.GOVERNORATE),
        admin2=chain.get(AdminLevel.DISTRICT),
        admin3=chain.get(AdminLevel.SUBDISTRICT),
        community=area if area.level == AdminLevel.COMMUNITY else None,
    )
