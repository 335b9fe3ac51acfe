"""Admin areas keep their bounding box and centroid in step with their GeoJSON geometry."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.geo.services import place_point
from tests.factories import AdminAreaFactory, square


@pytest.mark.django_db
def test_bounding_box_and_centroid_follow_the_geometry():
    area = AdminAreaFactory(geometry=square(36.0, 33.0, 2.0))
    assert (area.min_lon, area.min_lat, area.max_lon, area.max_lat) == (36.0, 33.0, 38.0, 35.0)
    assert 36.0 < area.centroid_lon < 38.0 and 33.0 < area.centroid_lat < 35.0
    area.geometry = square(40.0, 35.0, 1.0)
    area.save()
    assert (area.min_lon, area.max_lat) == (40.0, 36.0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Polygon", "coordinates": [[[33, 136], [34, 136], [34, 137], [33, 136]]]}, "swap the axes"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}, "Geometry is invalid"),
        ({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, "not supported"),
        ({"coordinates": []}, "must be a GeoJSON geometry"),
    ],
)
def test_bad_geometry_is_refused_with_a_reason(geometry, message):
    area = AdminArea(pcode="SY99", level=AdminLevel.GOVERNORATE, name_en="Bad", geometry=geometry)
    with pytest.raises(ValidationError, match=message):
        area.full_clean()


@pytest.mark.django_db
def test_pcodes_are_unique_in_the_database():
    AdminAreaFactory(pcode="SY03")
    with pytest.raises(IntegrityError):
        AdminArea.objects.create(pcode="SY03", level=1, name_en="Again")


@pytest.mark.django_db
def test_a_parent_must_be_at_a_higher_level():
    governorate = AdminAreaFactory(pcode="SY03")
    other = AdminArea(pcode="SY04", level=1, name_en="Homs", parent=governorate)
    with pytest.raises(ValidationError, match="must be at a higher level"):
        other.full_clean()


@pytest.mark.django_db
def test_a_point_outside_every_polygon_is_placed_nowhere():
    AdminAreaFactory(pcode="SY03", geometry=square(36.0, 33.0))
    assert place_point(33.5, 36.5).admin1.pcode == "SY03"
    assert not place_point(10.0, 10.0).is_placed
