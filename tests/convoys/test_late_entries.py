"""A convoy request entered after the fact is dated truthfully: its steps carry the day they happened."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from aidtrack.convoys.models import ConvoyRequest, ConvoyStatus
from aidtrack.convoys.selectors import convoys_as_of
from aidtrack.convoys.services import convoy_transition, working_days_between
from aidtrack.staff.selectors import convoys_awaiting_answer
from tests.factories import make_convoy
from tests.staff.conftest import login

S = ConvoyStatus
pytestmark = pytest.mark.django_db


def working_days_ago(days: int) -> datetime.datetime:
    """Midday of the day ``days`` working days (Sunday to Thursday) before today."""
    today = timezone.localdate()
    day = today
    while working_days_between(day, today) < days:
        day -= datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def test_a_request_typed_in_today_is_submitted_nine_working_days_ago_and_marked_no_response(reporter, org_a):
    convoy = make_convoy(reporter, org_a)
    submitted_at = working_days_ago(9)
    convoy_transition(convoy=convoy, to_status=S.SUBMITTED, by=reporter, occurred_at=submitted_at)
    convoy_transition(convoy=convoy, to_status=S.NO_RESPONSE, by=reporter)
    convoy.refresh_from_db()
    assert convoy.status == S.NO_RESPONSE
    assert convoy.requested_date == submitted_at.date()
    created, submitted, _ = convoy.events.order_by("occurred_at", "pk")
    # The draft existed by the submission; when it was typed in is still said by recorded_at.
    assert created.occurred_at == submitted.occurred_at == submitted_at
    assert timezone.localdate(created.recorded_at) == timezone.localdate()


def test_a_replay_of_a_day_after_the_backdated_submission_reads_submitted_not_draft(reporter, org_a):
    convoy = make_convoy(reporter, org_a)
    convoy_transition(convoy=convoy, to_status=S.SUBMITTED, by=reporter, occurred_at=working_days_ago(3))
    for day in (timezone.localdate(working_days_ago(2)), timezone.localdate()):
        (row,) = convoys_as_of(ConvoyRequest.objects.filter(pk=convoy.pk), day)
        assert row.status_on == S.SUBMITTED


def test_no_response_counts_from_the_real_submission_day(reporter, org_a):
    convoy = make_convoy(reporter, org_a)
    convoy_transition(convoy=convoy, to_status=S.SUBMITTED, by=reporter, occurred_at=working_days_ago(5))
    with pytest.raises(ValidationError, match="submitted 5 working day"):
        convoy_transition(convoy=convoy, to_status=S.NO_RESPONSE, by=reporter)
    (waiting,) = convoys_awaiting_answer(reporter)
    assert waiting.working_days == 5


def test_a_later_step_still_cannot_be_dated_before_the_previous_one(reporter, org_a):
    convoy = make_convoy(reporter, org_a)
    convoy_transition(convoy=convoy, to_status=S.SUBMITTED, by=reporter, occurred_at=working_days_ago(4))
    with pytest.raises(ValidationError, match="cannot happen before it"):
        convoy_transition(convoy=convoy, to_status=S.APPROVED, by=reporter, occurred_at=working_days_ago(6))


def test_the_staff_screen_records_a_past_step_and_the_timeline_shows_when_it_was_recorded(client, reporter, org_a):
    convoy = make_convoy(reporter, org_a)
    login(client, reporter)
    submitted_at = working_days_ago(9)
    response = client.post(
        reverse("staff:convoy_transition", args=[convoy.pk]),
        {"to_status": S.SUBMITTED, "occurred_at": f"{submitted_at:%Y-%m-%dT%H:%M}", "expected_version": 1},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("staff:convoy_transition", args=[convoy.pk]),
        {"to_status": S.NO_RESPONSE, "occurred_at": "", "expected_version": 2},
    )
    assert response.status_code == 302
    page = client.get(reverse("staff:convoy_detail", args=[convoy.pk])).content.decode()
    assert f"{timezone.localtime(submitted_at):%-d %b %Y} 12:00" in page
    assert "Recorded" in page and f"{timezone.localdate():%-d %b %Y}" in page
