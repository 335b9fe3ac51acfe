"""A convoy's origin is chosen like a destination (a community, a district or a point), so every convoy
with an origin draws its route."""

import pytest
from django.urls import reverse

from aidtrack.convoys.models import ConvoyRequest
from tests.factories import AreaFactory, make_convoy
from tests.staff.conftest import login
from tests.staff.test_convoy_screens import convoy_data

pytestmark = pytest.mark.django_db


def test_an_origin_given_as_a_community_takes_its_name_and_point(client, reporter, org_a, geography):
    login(client, reporter)
    data = convoy_data(org_a, AreaFactory(), origin_name="", origin_area="Madaya")
    assert client.post(reverse("staff:convoy_create"), data).status_code == 302
    convoy = ConvoyRequest.objects.get()
    assert convoy.origin_area == geography["madaya"] and convoy.origin_name == "Madaya"
    assert (convoy.origin_latitude, convoy.origin_longitude) == (33.6901, 36.0963)


def test_a_point_picked_on_the_map_is_kept_over_the_communitys_centre(client, reporter, org_a, geography):
    login(client, reporter)
    data = convoy_data(
        org_a,
        AreaFactory(),
        origin_name="Jdeidet Yabous crossing",
        origin_area="Madaya",
        origin_latitude="33.6500",
        origin_longitude="36.0100",
    )
    client.post(reverse("staff:convoy_create"), data)
    convoy = ConvoyRequest.objects.get()
    assert (convoy.origin_name, convoy.origin_latitude, convoy.origin_longitude) == (
        "Jdeidet Yabous crossing",
        33.65,
        36.01,
    )


def test_an_origin_typed_as_a_p_code_keeps_the_typed_name(client, reporter, org_a, geography):
    login(client, reporter)
    data = convoy_data(org_a, AreaFactory(), origin_name="Zabadani warehouse", origin_area="C2429")
    client.post(reverse("staff:convoy_create"), data)
    convoy = ConvoyRequest.objects.get()
    assert (convoy.origin_area, convoy.origin_name) == (geography["zabdani"], "Zabadani warehouse")
    assert convoy.origin_latitude == 33.7252


def test_a_governorate_is_too_coarse_for_an_origin(client, reporter, org_a, geography):
    login(client, reporter)
    response = client.post(reverse("staff:convoy_create"), convoy_data(org_a, AreaFactory(), origin_area="SY03"))
    assert response.status_code == 200 and "No community matches" in response.content.decode()
    assert not ConvoyRequest.objects.exists()


def test_a_convoy_with_no_origin_at_all_is_refused_with_a_hint(client, reporter, org_a, geography):
    login(client, reporter)
    response = client.post(reverse("staff:convoy_create"), convoy_data(org_a, AreaFactory(), origin_name=""))
    assert response.status_code == 200 and "Say where the convoy leaves from" in response.content.decode()
    assert not ConvoyRequest.objects.exists()


def test_the_service_places_an_origin_area_for_every_caller(reporter, org_a, geography):
    convoy = make_convoy(reporter, org_a, origin_area=geography["zabdani"])
    assert (convoy.origin_latitude, convoy.origin_longitude) == (33.7252, 36.1024)
