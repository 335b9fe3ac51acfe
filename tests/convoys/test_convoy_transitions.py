"""The convoy lifecycle: every allowed transition works, every other one is refused and saves nothing."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from aidtrack.convoys.models import ConvoyEvent, ConvoyRequest, ConvoyStatus
from aidtrack.convoys.services import (
    NOTE_REQUIRED,
    TRANSITIONS,
    allowed_transitions,
    convoy_transition,
    working_days_between,
)
from aidtrack.errors import StaleEditError
from tests.factories import make_convoy

S = ConvoyStatus
START = timezone.make_aware(datetime.datetime(2016, 9, 1, 9, 0))

# A path from draft to each status, using allowed transitions only.
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.APPROVED: [S.SUBMITTED, S.APPROVED],
    S.PARTIALLY_APPROVED: [S.SUBMITTED, S.PARTIALLY_APPROVED],
    S.DENIED: [S.SUBMITTED, S.DENIED],
    S.NO_RESPONSE: [S.SUBMITTED, S.NO_RESPONSE],
    S.ON_HOLD: [S.SUBMITTED, S.ON_HOLD],
    S.CANCELLED: [S.CANCELLED],
    S.DISPATCHED: [S.SUBMITTED, S.APPROVED, S.DISPATCHED],
    S.DELIVERED: [S.SUBMITTED, S.APPROVED, S.DISPATCHED, S.DELIVERED],
    S.PARTIALLY_DELIVERED: [S.SUBMITTED, S.APPROVED, S.DISPATCHED, S.PARTIALLY_DELIVERED],
    S.BLOCKED: [S.SUBMITTED, S.APPROVED, S.DISPATCHED, S.BLOCKED],
    S.ATTACKED: [S.SUBMITTED, S.APPROVED, S.DISPATCHED, S.ATTACKED],
}


def walk(convoy, by, statuses, start=START):
    """Apply transitions ten days apart (so 'no response' is always overdue)."""
    for step, status in enumerate(statuses, start=1):
        convoy_transition(
            convoy=convoy,
            to_status=status,
            by=by,
            note="because",
            occurred_at=start + datetime.timedelta(days=10 * step),
        )
    convoy.refresh_from_db()
    return convoy


def test_paths_cover_every_status():
    assert set(PATHS) == set(S.values)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("origin", "target"),
    [(o, t) for o, targets in TRANSITIONS.items() for t in sorted(targets)],
)
def test_every_allowed_transition_is_recorded(reporter, org_a, origin, target):
    convoy = walk(make_convoy(reporter, org_a, created_at=START), reporter, PATHS[origin])
    events_before = convoy.events.count()
    at = START + datetime.timedelta(days=100)
    event = convoy_transition(convoy=convoy, to_status=target, by=reporter, note="field note", occurred_at=at)
    convoy.refresh_from_db()
    assert convoy.status == target
    assert convoy.events.count() == events_before + 1
    assert (event.from_status, event.to_status, event.recorded_by, event.occurred_at, event.note) == (
        origin,
        target,
        reporter,
        at,
        "field note",
    )


FORBIDDEN = [
    (origin, target)
    for origin, target in itertools.product(S.values, S.values)
    if target not in TRANSITIONS[origin] and not (origin == S.ON_HOLD and target == S.SUBMITTED)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("origin", "target"), FORBIDDEN)
def test_every_forbidden_transition_is_refused_and_saves_nothing(reporter, org_a, origin, target):
    convoy = walk(make_convoy(reporter, org_a, created_at=START), reporter, PATHS[origin])
    events_before = list(convoy.events.values_list("pk", flat=True))
    version_before = convoy.version
    with pytest.raises(ValidationError) as refused:
        convoy_transition(
            convoy=convoy, to_status=target, by=reporter, note="try", occurred_at=START + datetime.timedelta(days=100)
        )
    message = " ".join(refused.value.messages)
    assert f"cannot become {S(target).label.lower()}" in message
    convoy.refresh_from_db()
    assert convoy.status == origin
    assert convoy.version == version_before
    assert list(convoy.events.values_list("pk", flat=True)) == events_before


def test_forbidden_list_is_large_enough():
    """13 statuses give 169 pairs; 20 are allowed (19 fixed, and resuming from hold)."""
    assert len(FORBIDDEN) == 169 - 20


@pytest.mark.django_db
def test_a_denied_convoy_cannot_be_dispatched_and_says_it_is_final(reporter, org_a):
    convoy = walk(make_convoy(reporter, org_a, created_at=START), reporter, [S.SUBMITTED, S.DENIED])
    with pytest.raises(ValidationError, match="Denied is final"):
        convoy_transition(convoy=convoy, to_status=S.DISPATCHED, by=reporter)


@pytest.mark.django_db
def test_a_refusal_lists_what_is_possible(reporter, org_a):
    convoy = make_convoy(reporter, org_a, created_at=START)
    with pytest.raises(ValidationError, match="From draft it can go to: submitted, cancelled"):
        convoy_transition(convoy=convoy, to_status=S.DELIVERED, by=reporter)


@pytest.mark.django_db
def test_unknown_status_is_refused(reporter, org_a):
    convoy = make_convoy(reporter, org_a)
    with pytest.raises(ValidationError, match="'arrived' is not a convoy status"):
        convoy_transition(convoy=convoy, to_status="arrived", by=reporter)


@pytest.mark.django_db
@pytest.mark.parametrize("target", sorted(NOTE_REQUIRED))
def test_a_note_is_required_when_something_went_wrong(reporter, org_a, target):
    origin = next(o for o, targets in TRANSITIONS.items() if target in targets)
    convoy = walk(make_convoy(reporter, org_a, created_at=START), reporter, PATHS[origin])
    with pytest.raises(ValidationError, match="a note is required"):
        convoy_transition(
            convoy=convoy, to_status=target, by=reporter, note="  ", occurred_at=START + datetime.timedelta(days=100)
        )
    convoy.refresh_from_db()
    assert convoy.status == origin


@pytest.mark.django_db
def test_on_hold_resumes_to_the_status_it_had(reporter, org_a):
    convoy = walk(make_convoy(reporter, org_a, created_at=START), reporter, [S.SUBMITTED, S.APPROVED, S.ON_HOLD])
    assert allowed_transitions(convoy) == [S.APPROVED, S.CANCELLED]
    walk(convoy, reporter, [S.APPROVED], start=START + datetime.timedelta(days=40))
    assert convoy.status == S.APPROVED


@pytest.mark.django_db
def test_no_response_needs_seven_working_days(reporter, org_a):
    convoy = make_convoy(reporter, org_a, created_at=START)
    submitted = timezone.make_aware(datetime.datetime(2016, 9, 1, 10))  # a Thursday
    convoy_transition(convoy=convoy, to_status=S.SUBMITTED, by=reporter, occurred_at=submitted)
    too_early = timezone.make_aware(datetime.datetime(2016, 9, 11, 10))  # 6 working days later
    with pytest.raises(ValidationError, match="6 working day"):
        convoy_transition(convoy=convoy, to_status=S.NO_RESPONSE, by=reporter, occurred_at=too_early)
    convoy_transition(
        convoy=convoy,
        to_status=S.NO_RESPONSE,
        by=reporter,
        occurred_at=timezone.make_aware(datetime.datetime(2016, 9, 12, 10)),
    )
    convoy.refresh_from_db()
    assert convoy.status == S.NO_RESPONSE


def test_working_days_skip_friday_and_saturday():
    assert working_days_between(datetime.date(2016, 9, 1), datetime.date(2016, 9, 4)) == 1  # Fri, Sat, Sun
    assert working_days_between(datetime.date(2016, 9, 4), datetime.date(2016, 9, 11)) == 5


@pytest.mark.django_db
def test_an_event_cannot_be_dated_before_the_previous_one(reporter, org_a):
    convoy = walk(make_convoy(reporter, org_a, created_at=START), reporter, [S.SUBMITTED])
    with pytest.raises(ValidationError, match="cannot happen before it"):
        convoy_transition(convoy=convoy, to_status=S.APPROVED, by=reporter, occurred_at=START)


@pytest.mark.django_db
def test_an_event_cannot_be_in_the_future(reporter, org_a):
    convoy = make_convoy(reporter, org_a)
    with pytest.raises(ValidationError, match="in the future"):
        convoy_transition(
            convoy=convoy, to_status=S.SUBMITTED, by=reporter, occurred_at=timezone.now() + datetime.timedelta(days=1)
        )


@pytest.mark.django_db
def test_only_members_of_the_lead_organization_may_move_a_convoy(reporter, outsider, org_a):
    convoy = make_convoy(reporter, org_a)
    with pytest.raises(PermissionDenied, match="only reporters and reviewers of ALPHA"):
        convoy_transition(convoy=convoy, to_status=S.SUBMITTED, by=outsider)
    assert ConvoyRequest.objects.get(pk=convoy.pk).status == S.DRAFT


@pytest.mark.django_db
def test_creation_is_recorded_as_the_first_event(reporter, org_a):
    convoy = make_convoy(reporter, org_a)
    event = ConvoyEvent.objects.get(convoy=convoy)
    assert (event.from_status, event.to_status, event.recorded_by) == ("", S.DRAFT, reporter)


@pytest.mark.django_db
def test_people_reached_are_recorded_with_a_delivery_only(reporter, org_a):
    convoy = walk(make_convoy(reporter, org_a, created_at=START), reporter, [S.SUBMITTED, S.APPROVED, S.DISPATCHED])
    destination = convoy.destinations.get()
    with pytest.raises(ValidationError, match="recorded with a delivery"):
        convoy_transition(
            convoy=convoy,
            to_status=S.BLOCKED,
            by=reporter,
            note="turned back",
            reached_beneficiaries={destination.pk: 10},
        )
    convoy_transition(convoy=convoy, to_status=S.DELIVERED, by=reporter, reached_beneficiaries={destination.pk: 4800})
    destination.refresh_from_db()
    assert destination.reached_beneficiaries == 4800


@pytest.mark.django_db
def test_a_transition_based_on_a_stale_copy_is_refused(reporter, org_a):
    convoy = make_convoy(reporter, org_a)
    stale_version = convoy.version
    convoy_transition(convoy=convoy, to_status=S.SUBMITTED, by=reporter)
    with pytest.raises(StaleEditError, match="changed by someone else"):
        convoy_transition(convoy=convoy, to_status=S.CANCELLED, by=reporter, note="x", expected_version=stale_version)
    assert ConvoyRequest.objects.get(pk=convoy.pk).status == S.SUBMITTED
