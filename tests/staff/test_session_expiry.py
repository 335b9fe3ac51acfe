"""Sessions end after an idle time and after a longest time, and the sign-in page says why."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from aidtrack.accounts.middleware import SEEN_AT, SIGNED_IN_AT
from aidtrack.accounts.models import AccountEvent, AccountEventKind
from tests.signin import saved, sign_in


@pytest.fixture
def signed_in_client(client, reporter):
    sign_in(client, saved(reporter).get_username())
    return client


def age(client, key, seconds):
    session = client.session
    session[key] -= seconds
    session.save()


def test_an_idle_session_ends_and_the_sign_in_page_says_why(signed_in_client, reporter, settings):
    age(signed_in_client, SEEN_AT, settings.AIDTRACK_SESSION_IDLE_MINUTES * 60 + 5)
    response = signed_in_client.get(reverse("staff:incident_list"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("staff:login") + "?next=%2Fstaff%2Fincidents%2F&expired=idle"
    page = signed_in_client.get(response["Location"]).content.decode()
    assert "You were signed out after a time without activity" in page
    assert signed_in_client.get(reverse("staff:dashboard")).status_code == HTTPStatus.FOUND
    event = AccountEvent.objects.get(user=reporter, kind=AccountEventKind.SESSION_EXPIRED)
    assert event.detail == "idle"


def test_activity_keeps_the_session_open(signed_in_client, settings):
    age(signed_in_client, SEEN_AT, settings.AIDTRACK_SESSION_IDLE_MINUTES * 60 - 120)
    assert signed_in_client.get(reverse("staff:dashboard")).status_code == HTTPStatus.OK
    age(signed_in_client, SEEN_AT, settings.AIDTRACK_SESSION_IDLE_MINUTES * 60 - 120)
    assert signed_in_client.get(reverse("staff:dashboard")).status_code == HTTPStatus.OK


def test_a_session_ends_after_its_longest_time_even_when_busy(signed_in_client, settings):
    age(signed_in_client, SIGNED_IN_AT, settings.AIDTRACK_SESSION_MAX_HOURS * 3600 + 5)
    response = signed_in_client.get(reverse("staff:dashboard"))
    assert response["Location"].endswith("expired=absolute")
    assert "reached its longest allowed time" in signed_in_client.get(response["Location"]).content.decode()


def test_the_idle_time_is_a_setting(signed_in_client, settings):
    settings.AIDTRACK_SESSION_IDLE_MINUTES = 5
    age(signed_in_client, SEEN_AT, 6 * 60)
    assert signed_in_client.get(reverse("staff:dashboard"))["Location"].endswith("expired=idle")


def test_an_expired_session_makes_the_api_anonymous(reporter, settings):
    client = APIClient()
    client.force_login(saved(reporter))
    client.get("/api/v1/incidents/")
    age(client, SEEN_AT, settings.AIDTRACK_SESSION_IDLE_MINUTES * 60 + 5)
    assert client.get("/api/v1/tokens/").status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
