"""Each change in an area's history says which organization it was recorded for."""

import datetime
import importlib

from django.apps import apps

from aidtrack.areas.services import area_set_status
from tests.factories import AreaFactory


def test_a_status_change_records_its_organization_and_past_changes_are_filled_in(reporter, org_a):
    area = AreaFactory(name_en="Foah")
    area_set_status(
        area=area,
        status="besieged",
        start_date=datetime.date(2015, 3, 28),
        source="OCHA",
        by=reporter,
        organization=org_a,
    )
    latest = area.history.latest()
    assert latest.history_user == reporter and latest.history_organization == org_a
    area.history.update(history_organization=None)  # as recorded before organizations were kept
    migration = importlib.import_module("aidtrack.areas.migrations.0003_area_history_organization")
    migration.recorded_for(apps, None)
    assert area.history.latest().history_organization == org_a
