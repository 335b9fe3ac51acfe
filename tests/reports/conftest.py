import datetime

import pytest
from django.utils import timezone

from aidtrack.convoys.services import DestinationInput, convoy_create, convoy_transition
from aidtrack.demo.loader import load_demo


@pytest.fixture
def demo(db):
    return load_demo()


def moment(day: str, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day).replace(hour=hour))


@pytest.fixture
def restricted_delivery(demo):
    """A restricted OCHA convoy that delivered to eastern Aleppo on 13 September 2016: never a public figure."""
    from django.contrib.auth import get_user_model

    from aidtrack.areas.models import Area
    from aidtrack.orgs.models import Organization

    by = get_user_model().objects.get(username="reporter.ocha")
    convoy = convoy_create(
        by=by,
        reference="CV-SECRET-CANARY",
        title="Secret canary convoy",
        lead_organization=Organization.objects.get(acronym="OCHA"),
        origin_name="Damascus",
        plan_month=datetime.date(2016, 9, 1),
        visibility="restricted",
        destinations=[
            DestinationInput(area=Area.objects.get(name_en="Aleppo city (eastern)"), planned_beneficiaries=9999)
        ],
        created_at=moment("2016-09-10"),
    )
    for status, day in [
        ("submitted", "2016-09-11"),
        ("approved", "2016-09-12"),
        ("dispatched", "2016-09-13"),
        ("delivered", "2016-09-13"),
    ]:
        convoy_transition(
            convoy=convoy, to_status=status, by=by, occurred_at=moment(day, 14 if status == "delivered" else 9)
        )
    convoy.by = by
    return convoy


def more_incidents(n: int, day: str = "2016-09-16"):
    """``n`` more verified, public, deadly incidents (so they are key events too)."""
    from django.contrib.auth import get_user_model

    from aidtrack.incidents.services import incident_create, incident_review
    from aidtrack.orgs.models import Organization

    users = get_user_model().objects
    by, reviewer = users.get(username="reporter.ocha"), users.get(username="reviewer")
    for number in range(n):
        incident = incident_create(
            by=by,
            organization=Organization.objects.get(acronym="OCHA"),
            category="7",
            title=f"Strike {number}",
            occurred_on=datetime.date.fromisoformat(day),
            latitude=36.2,
            longitude=37.1,
            public_summary="Strike",
            people_killed=1,
        )
        incident_review(incident=incident, by=reviewer, outcome="verified")


def more_convoys(n: int):
    """``n`` more public convoys submitted, approved, dispatched and delivered in September 2016."""
    from django.contrib.auth import get_user_model

    from aidtrack.areas.models import Area
    from aidtrack.orgs.models import Organization

    by = get_user_model().objects.get(username="reporter.ocha")
    for number in range(n):
        convoy = convoy_create(
            by=by,
            reference=f"CV-MORE-{number}",
            lead_organization=Organization.objects.get(acronym="OCHA"),
            origin_name="Damascus",
            plan_month=datetime.date(2016, 9, 1),
            destinations=[DestinationInput(area=Area.objects.get(name_en="Madaya"), planned_beneficiaries=100)],
            created_at=moment("2016-09-01"),
        )
        for status, day in [("submitted", "2016-09-02"), ("approved", "2016-09-05"), ("dispatched", "2016-09-06")]:
            convoy_transition(convoy=convoy, to_status=status, by=by, occurred_at=moment(day))
        convoy_transition(
            convoy=convoy,
            to_status="delivered",
            by=by,
            occurred_at=moment("2016-09-07"),
            reached_beneficiaries={convoy.destinations.get().pk: 90},
        )
