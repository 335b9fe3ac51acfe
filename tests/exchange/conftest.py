import pytest

from aidtrack.geo.models import AdminArea, AdminLevel
from tests.factories import PartyFactory, square


@pytest.fixture
def geography(db):
    """One governorate, district and sub-district (36-37°E, 33-34°N) and the community of Madaya."""
    country = AdminArea.objects.create(
        pcode="SY", level=AdminLevel.COUNTRY, name_en="Syria", geometry=square(35, 32, 4)
    )
    gov = AdminArea.objects.create(
        pcode="SY03", level=AdminLevel.GOVERNORATE, name_en="Rural Damascus", parent=country, geometry=square(36, 33)
    )
    district = AdminArea.objects.create(
        pcode="SY0307", level=AdminLevel.DISTRICT, name_en="Az-Zabdani", parent=gov, geometry=square(36, 33)
    )
    sub = AdminArea.objects.create(
        pcode="SY030703", level=AdminLevel.SUBDISTRICT, name_en="Madaya", parent=district, geometry=square(36, 33)
    )
    madaya = AdminArea.objects.create(
        pcode="C2450",
        level=AdminLevel.COMMUNITY,
        name_en="Madaya",
        name_ar="مضايا",
        parent=sub,
        geometry={"type": "Point", "coordinates": [36.0963, 33.6901]},
    )
    return {"gov": gov, "district": district, "sub": sub, "madaya": madaya}


@pytest.fixture
def party(db):
    return PartyFactory(name="Government of Syria and allied forces", short_name="GoS")
