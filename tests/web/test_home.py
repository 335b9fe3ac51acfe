"""The public home page shows the register and only published incidents."""

import pytest
from django.urls import reverse

from aidtrack.demo.loader import load_demo


@pytest.fixture
def demo(db):
    return load_demo()


def test_the_register_on_the_day_of_the_convoy_attack(client, demo):
    page = client.get(reverse("web:home"), {"as_of": "2016-09-19"}).content.decode()
    assert "711,650" in page  # people besieged on 19 September 2016 in the demo register
    assert "Aleppo city (eastern)" in page and "مضايا" in page
    assert "Attack on the inter-agency convoy at Urum al-Kubra" in page


def test_unpublished_incidents_and_internal_text_never_show(client, demo):
    page = client.get(reverse("web:home"), {"as_of": "2016-09-30"}).content.decode()
    assert "Ambulance stopped" not in page  # partners only, unverified
    assert "Negotiation contact" not in page  # restricted
    assert "near Harasta" not in page  # disputed
    assert "internal" not in page.lower()


def test_a_bad_date_says_how_to_fix_it(client, demo):
    page = client.get(reverse("web:home"), {"as_of": "2016-02-30"}).content.decode()
    assert "is not a date: use YYYY-MM-DD" in page


def test_health(client, db):
    assert client.get(reverse("web:health")).json() == {"status": "ok"}
