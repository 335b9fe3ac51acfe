"""Placing points in admin areas: on save and in bulk, with the same answer, and never a silent null."""

import datetime
import io

import numpy as np
import pytest
from django.core.management import call_command

from aidtrack.areas.services import area_create
from aidtrack.convoys.services import DestinationInput, convoy_create
from aidtrack.geo.models import AdminArea
from aidtrack.geo.placement import NO_MATCH, placement_index
from aidtrack.geo.services import place_point
from aidtrack.imports.models import ImportRun
from aidtrack.incidents.models import Incident
from aidtrack.incidents.services import incident_create
from tests.factories import community
from tests.geo.builders import ADM3, box, import_all, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def boundaries(db, tmp_path_factory):
    import_all(tmp_path_factory.mktemp("cod"))


def report(by, organization, lat, lon):
    return incident_create(
        by=by,
        organization=organization,
        category="4",
        title="Held at a checkpoint",
        public_summary="Held for six hours.",
        occurred_on=datetime.date(2016, 9, 19),
        latitude=lat,
        longitude=lon,
    )


def test_a_point_gets_governorate_district_sub_district_and_nearest_community(boundaries):
    near = community("C0001", 34.52, 36.52, name="Near")
    community("C0002", 34.9, 36.9, name="Far")
    placement = place_point(34.5, 36.5)
    assert [a.pcode for a in (placement.admin1, placement.admin2, placement.admin3)] == ["SY01", "SY0101", "SY010100"]
    assert placement.community == near and placement.problem == ""


def test_no_community_further_than_the_configured_distance(boundaries, settings):
    community("C0001", 34.55, 36.5)  # about 5.6 km north
    assert place_point(34.5, 36.5).community is None
    settings.AIDTRACK_NEAREST_COMMUNITY_KM = 6
    assert place_point(34.5, 36.5).community.pcode == "C0001"


def test_a_point_on_a_shared_edge_goes_to_the_lower_pcode(boundaries):
    assert place_point(34.0, 37.0).admin3.pcode == "SY010000"


def test_a_point_outside_every_polygon_gets_a_warning_not_a_silent_null(boundaries, reporter, org_a):
    incident = report(reporter, org_a, 34.0, 38.2)
    assert incident.admin1 is None
    assert "lies outside every admin boundary" in incident.placement_problem
    assert "East (SY02), 18.5 km away" in incident.placement_problem
    swapped = place_point(36.5, 34.5)
    assert "Latitude and longitude look swapped" in swapped.problem


def test_areas_and_convoy_destinations_are_placed_on_save(boundaries, site_admin, org_a):
    area = area_create(by=site_admin, name_en="Tall", latitude=34.5, longitude=37.5)
    assert (area.governorate.pcode, area.admin2.pcode, area.admin3.pcode) == ("SY02", "SY0200", "SY020000")
    place = community("C0001", 33.5, 36.5)
    convoy = convoy_create(
        by=site_admin,
        reference="CV-1",
        lead_organization=org_a,
        origin_name="Damascus",
        destinations=[DestinationInput(community=place, planned_beneficiaries=100)],
    )
    destination = convoy.destinations.get()
    assert (destination.admin1.pcode, destination.admin3.pcode) == ("SY01", "SY010000")


def test_bulk_and_per_save_placement_agree(boundaries):
    community("C0001", 34.52, 36.52)
    rng = np.random.default_rng(7)
    lats, lons = rng.uniform(32.8, 35.2, 400), rng.uniform(35.8, 38.2, 400)
    lats[:3], lons[:3] = 34.0, 37.0  # on edges too
    bulk = placement_index().place_many(lats, lons)
    for i in range(len(lats)):
        one = place_point(float(lats[i]), float(lons[i]))
        assert (one.admin1.pk if one.admin1 else NO_MATCH) == bulk.admin1_ids[i]
        assert (one.admin3.pk if one.admin3 else NO_MATCH) == bulk.admin3_ids[i]
        assert (one.community.pk if one.community else NO_MATCH) == bulk.community_ids[i]
        assert one.problem == bulk.problems.get(i, "")


def test_the_index_follows_boundary_changes_at_once(boundaries):
    assert place_point(34.5, 37.5).admin3.pcode == "SY020000"
    area = AdminArea.objects.get(pcode="SY020000")
    area.geometry = {"type": "Polygon", "coordinates": [[[37, 33], [38, 33], [38, 34], [37, 34], [37, 33]]]}
    area.save()
    assert place_point(34.5, 37.5).admin3 is None


def test_assign_admin_areas_places_stored_records_after_a_boundary_update(boundaries, reporter, org_a, tmp_path):
    incident = report(reporter, org_a, 34.5, 37.2)
    assert incident.admin3.pcode == "SY020000"
    # A new edition moves the border between West and East to 37.5°E.
    moved = [
        dict(ADM3[0]),
        dict(ADM3[1], geometry=box(36, 34, 37.5, 35)),
        dict(ADM3[2], geometry=box(37.5, 33, 38, 35)),
    ]
    call_command("import_boundaries", str(write(moved, tmp_path / "adm3_v2.geojson")), stdout=io.StringIO())
    Incident.objects.filter(pk=incident.pk).update(placement_problem="")
    assert Incident.objects.get(pk=incident.pk).admin3.pcode == "SY020000"  # not yet reassigned

    out = io.StringIO()
    call_command("assign_admin_areas", "--dry-run", stdout=out, stderr=io.StringIO())
    assert "1 incidents changed" in out.getvalue()
    assert Incident.objects.get(pk=incident.pk).admin3.pcode == "SY020000"

    call_command("assign_admin_areas", stdout=out, stderr=io.StringIO())
    incident = Incident.objects.get(pk=incident.pk)
    assert (incident.admin1.pcode, incident.admin2.pcode, incident.admin3.pcode) == ("SY01", "SY0101", "SY010100")
    assert incident.history.first().history_change_reason == "Admin areas reassigned after a boundary update"
    assert ImportRun.objects.filter(kind="assignment").count() == 2


def test_assign_admin_areas_reports_points_outside_every_boundary(boundaries, reporter, org_a):
    stray = report(reporter, org_a, 34.0, 38.2)
    err = io.StringIO()
    call_command("assign_admin_areas", stdout=io.StringIO(), stderr=err)
    assert stray.reference in err.getvalue() and "outside every admin boundary" in err.getvalue()
