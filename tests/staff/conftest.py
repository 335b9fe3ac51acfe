import datetime

import pytest
from django.utils import timezone

from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.incidents.services import SourceInput, incident_create
from aidtrack.orgs.models import Visibility
from tests.factories import AdminAreaFactory, community, square


@pytest.fixture
def geography(db):
    """Rural Damascus (a 1° square) with Madaya and Az-Zabdani in it, and Aleppo further north."""
    country = AdminArea.objects.create(
        pcode="SY", level=AdminLevel.COUNTRY, name_en="Syria", geometry=square(35, 32, 6)
    )
    rural_damascus = AdminAreaFactory(
        pcode="SY03", name_en="Rural Damascus", name_ar="ريف دمشق", parent=country, geometry=square(36.0, 33.0)
    )
    aleppo = AdminAreaFactory(
        pcode="SY02", name_en="Aleppo", name_ar="حلب", parent=country, geometry=square(36.5, 35.8)
    )
    madaya = community("C2450", 33.6901, 36.0963, parent=rural_damascus, name="Madaya")
    madaya.name_ar = "مضايا"
    madaya.save()
    zabdani = community("C2429", 33.7252, 36.1024, parent=rural_damascus, name="Az-Zabdani")
    zabdani.name_ar = "الزبداني"
    zabdani.save()
    community("C1029", 36.148, 36.947, parent=aleppo, name="Urum al-Kubra")
    return {"SY03": rural_damascus, "SY02": aleppo, "madaya": madaya, "zabdani": zabdani}


def login(client, user):
    # The user factory sets the password after saving; store it so the session stays valid.
    user.save(update_fields=["password"])
    client.force_login(user)
    return client


def report(by, organization, geography, **fields):
    """An incident reported through the service, at Madaya unless told otherwise."""
    values = {
        "kind": "obstruction",
        "category": "3",
        "title": "Checkpoint closed",
        "occurred_on": datetime.date(2016, 9, 20),
        "latitude": 33.6901,
        "longitude": 36.0963,
        "public_summary": "The checkpoint was closed all day.",
        "internal_description": "Driver's own account",
        "visibility": Visibility.PUBLIC,
        "reported_at": timezone.now(),
    }
    values.update(fields)
    sources = [SourceInput(kind="own_staff", name="Field team", contact="+963 secret phone")]
    return incident_create(by=by, organization=organization, sources=sources, **values)
