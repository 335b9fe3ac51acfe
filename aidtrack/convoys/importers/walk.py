"""Walking a convoy request through its lifecycle to the status a spreadsheet gives, dated by the dates it gives.

A convoy table says where a request stands now ("delivered") and some of the
dates on the way (requested, approved, dispatched, delivered). The importer
records that history as the transitions the lifecycle allows, so that a
convoy imported from a file has the same events as one entered by hand:
``lifecycle_path`` finds the transitions, ``dated_steps`` gives each one its
date. Both are pure functions; the importer reports what they refuse.
"""

import datetime
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aidtrack.convoys.models import ConvoyStatus
from aidtrack.convoys.services import RESUMABLE, TRANSITIONS

S = ConvoyStatus

ANSWERS = frozenset({S.APPROVED, S.PARTIALLY_APPROVED, S.DENIED, S.NO_RESPONSE})
ENDINGS = frozenset({S.DELIVERED, S.PARTIALLY_DELIVERED, S.BLOCKED, S.ATTACKED})
# The date column that dates each status (on hold, cancelled and resuming have none but the status date).
STEP_DATE_FIELDS = {
    S.SUBMITTED: "requested_date",
    **dict.fromkeys(ANSWERS, "approval_date"),
    S.DISPATCHED: "dispatch_date",
    **dict.fromkeys(ENDINGS, "delivery_date"),
}
# What each date column says the convoy went through, in lifecycle order.
DATE_FIELD_STEPS = {
    "requested_date": frozenset({S.SUBMITTED}),
    "approval_date": ANSWERS,
    "dispatch_date": frozenset({S.DISPATCHED}),
    "delivery_date": ENDINGS,
}


class WalkProblem(ValueError):
    """The file's dates or status cannot be walked; ``field`` is the column to blame."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Step:
    """One transition to record: the status, its date and the column the date came from."""

    status: str
    on: datetime.date
    date_field: str
    borrowed: bool = False  # the step had no date of its own and takes the next one known


def next_statuses(status: str, held_from: str | None = None) -> list[str]:
    """Where the lifecycle lets a convoy go from ``status`` (resuming from on hold included), in lifecycle order."""
    allowed = set(TRANSITIONS[status])
    if status == S.ON_HOLD and held_from in RESUMABLE:
        allowed.add(held_from)
    return [value for value in S.values if value in allowed]


def lifecycle_path(
    start: str, target: str, *, held_from: str | None = None, through: Iterable[frozenset] = ()
) -> list[str] | None:
    """The shortest run of allowed transitions from ``start`` to ``target``, or None when there is none.

    The run passes through one status of each group in ``through``, in order
    (e.g. a dispatch date means the convoy was dispatched on its way). Where
    several runs are as short, the earlier status of the lifecycle is taken:
    approved rather than partially approved.
    """
    groups = list(through)
    first = (start, held_from, 0)
    came_from = {first: None}
    queue = deque([first])
    while queue:
        state = queue.popleft()
        status, held, passed = state
        if status == target and passed == len(groups):
            path = []
            while came_from[state] is not None:
                path.append(state[0])
                state = came_from[state]
            return path[::-1]
        for following in next_statuses(status, held):
            now_held = status if following == S.ON_HOLD else (None if status == S.ON_HOLD else held)
            now_passed = passed + (passed < len(groups) and following in groups[passed])
            nxt = (following, now_held, now_passed)
            if nxt not in came_from:
                came_from[nxt] = state
                queue.append(nxt)
    return None


def dated_steps(
    path: list[str],
    dates: dict[str, datetime.date],
    *,
    status_date_field: str = "status_date",
    label: Callable[[str], str] = lambda field: field.replace("_", " "),
) -> list[Step]:
    """Date each status of ``path`` from ``dates`` (field -> date); ``label`` names a date field in messages.

    The last status takes the status date, or else its own column's date; a
    status without a date takes the next date known after it. Raises
    WalkProblem when the last status has no date, when the status date and
    the last status's own date disagree, or when the dates run backwards.
    """
    if not path:
        return []
    final = path[-1]
    own_field = STEP_DATE_FIELDS.get(final)
    status_date, own_date = dates.get(status_date_field), dates.get(own_field) if own_field else None
    if status_date and own_date and status_date != own_date:
        raise WalkProblem(
            status_date_field,
            f"the {label(status_date_field)} {status_date:%Y-%m-%d} and the {label(own_field)} {own_date:%Y-%m-%d} "
            f"are both the date the convoy became {S(final).label.lower()}: give one, or make them agree",
        )
    last = status_date or own_date
    if last is None:
        where = f" (or the {label(own_field)})" if own_field else ""
        raise WalkProblem(
            status_date_field,
            f"the date is missing: give the {label(status_date_field)}{where}, "
            f"the day the convoy became {S(final).label.lower()}",
        )
    steps = [Step(final, last, status_date_field if status_date else own_field)]
    for status in reversed(path[:-1]):
        field = STEP_DATE_FIELDS.get(status)
        on = dates.get(field) if field else None
        later = steps[0]
        if on is None:
            steps.insert(0, Step(status, later.on, later.date_field, borrowed=True))
            continue
        if on > later.on:
            raise WalkProblem(
                field,
                f"the convoy became {S(status).label.lower()} on {on:%Y-%m-%d}, after it became "
                f"{S(later.status).label.lower()} on {later.on:%Y-%m-%d} ({label(later.date_field)}): "
                "the dates must follow the lifecycle",
            )
        steps.insert(0, Step(status, on, field))
    return steps
