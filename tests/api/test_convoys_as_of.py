"""Convoy lists as of a date: what had been requested by then, with the status, events and removals of that day."""

import datetime

from django.utils import timezone
from rest_framework.test import APIClient

from aidtrack.convoys.services import convoy_transition
from aidtrack.orgs.models import Visibility
from tests.factories import make_convoy


def at(day: int, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2016, 9, day, hour))


def delivered_convoy(reporter, org):
    convoy = make_convoy(reporter, org, visibility=Visibility.PUBLIC, created_at=at(1))
    dest = convoy.destinations.get()
    for day, status in ((2, "submitted"), (10, "approved"), (18, "dispatched")):
        convoy_transition(convoy=convoy, to_status=status, by=reporter, occurred_at=at(day))
    convoy_transition(
        convoy=convoy, to_status="delivered", by=reporter, occurred_at=at(19, 23), reached_beneficiaries={dest.pk: 4200}
    )
    return convoy


def rows(url):
    return APIClient().get(url).json()["results"]


def test_the_status_events_and_reached_people_are_those_of_the_day(db, reporter, org_a):
    delivered_convoy(reporter, org_a)
    [today] = rows("/api/v1/convoys/")
    assert today["status"] == "delivered" and today["reached_beneficiaries"] == 4200
    [then] = rows("/api/v1/convoys/?as_of=2016-09-18")
    assert then["status"] == "dispatched" and [e["to_status"] for e in then["events"]][-1] == "dispatched"
    assert then["reached_beneficiaries"] == 0 and then["destinations"][0]["reached_beneficiaries"] is None
    # Delivered at 23:00 local time on the 19th: that is still the 19th.
    [late] = rows("/api/v1/convoys/?as_of=2016-09-19")
    assert late["status"] == "delivered" and late["reached_beneficiaries"] == 4200


def test_a_convoy_not_yet_requested_is_left_out_and_status_filters_use_the_day(db, reporter, org_a):
    delivered_convoy(reporter, org_a)
    assert rows("/api/v1/convoys/?as_of=2016-08-31") == []
    assert len(rows("/api/v1/convoys/?as_of=2016-09-12&status=approved")) == 1
    assert rows("/api/v1/convoys/?as_of=2016-09-12&status=delivered") == []
    assert len(rows("/api/v1/convoys/?status=delivered")) == 1


def test_the_csv_download_follows_the_day(db, reporter, org_a):
    delivered_convoy(reporter, org_a)
    text = APIClient().get("/api/v1/convoys/?as_of=2016-09-05&format=csv").content.decode()
    assert ",submitted," in text and "delivered" not in text.split("\n", 2)[2]


def test_a_bad_date_is_refused(db):
    response = APIClient().get("/api/v1/convoys/?as_of=2016-13-01")
    assert response.status_code == 400 and "as_of" in response.json()["errors"]
