"""Changing an area's details (Arabic name, point, communities, besieging parties, import key) through its service."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from aidtrack.areas.services import area_update_details
from aidtrack.errors import StaleEditError
from tests.factories import AreaFactory, PartyFactory


@pytest.fixture
def area(db):
    return AreaFactory(name_en="Madaya")


def test_details_change_in_one_versioned_step_placed_in_admin_areas(area, geography, reporter, org_a):
    gos = PartyFactory(short_name="GoS")
    updated = area_update_details(
        area=area,
        by=reporter,
        organization=org_a,
        expected_version=1,
        name_ar="مضايا",
        latitude=33.6901,
        longitude=36.0963,
        communities=[geography["madaya"]],
        besieging_parties=[gos],
        import_key="C2450",
    )
    assert updated.version == 2 and updated.name_ar == "مضايا" and updated.import_key == "C2450"
    assert updated.admin3 == geography["sub"] and updated.governorate == geography["gov"]
    assert list(updated.communities.all()) == [geography["madaya"]]
    latest = updated.history.latest()
    assert latest.history_user == reporter
    assert [p.party_id for p in latest.besieging_parties.all()] == [gos.pk], "the history keeps the parties"


def test_arguments_left_out_leave_the_details_as_they_are(area, geography, reporter, org_a):
    area_update_details(area=area, by=reporter, organization=org_a, name_ar="مضايا", communities=[geography["madaya"]])
    updated = area_update_details(area=area, by=reporter, organization=org_a, import_key="MAD")
    assert updated.name_ar == "مضايا" and list(updated.communities.all()) == [geography["madaya"]]


def test_only_communities_half_points_writers_and_the_current_version_are_accepted(
    area, geography, reporter, outsider, org_a
):
    with pytest.raises(ValidationError, match="covers communities .*not Madaya \\(SY030703, level 3\\)"):
        area_update_details(area=area, by=reporter, organization=org_a, communities=[geography["sub"]])
    with pytest.raises(ValidationError, match="both latitude and longitude"):
        area_update_details(area=area, by=reporter, organization=org_a, latitude=33.69)
    with pytest.raises(PermissionDenied):
        area_update_details(area=area, by=outsider, organization=org_a, name_ar="x")
    with pytest.raises(StaleEditError):
        area_update_details(area=area, by=reporter, organization=org_a, expected_version=7, name_ar="x")
    area.refresh_from_db()
    assert area.version == 1 and area.name_ar == ""
