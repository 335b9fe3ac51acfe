"""Fitting the status periods a file gives for one area into the history the register already holds.

Nothing stored is ever changed here except the one thing the register's own
services do: a status change after the current period ends that period on
the day the change starts. Every other disagreement with the stored history
is reported on the row, with the stored period it clashes with.

End dates are exclusive, as in the register: a period "until 2016-05-01"
ended on the day the next one began. A row without an end lasts until the
next row of the same area starts; the last row without an end is current.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aidtrack.areas.models import AccessStatus

SAME = "same"  # already recorded: nothing to write
ADD = "add"  # a new period in a gap of the history (status_period_add)
CHANGE = "change"  # a status change that ends the current period (area_set_status)
CONTINUES = "continues"  # the row only continues the previous row's status: skipped
REPEATS = "repeats"  # the row gives the same period as another row of the area: skipped
ERROR = "error"


def status_label(status: str) -> str:
    return AccessStatus(status).label.lower()


@dataclass
class Period:
    """A period of the register, stored or planned by this import."""

    status: str
    start: datetime.date
    end: datetime.date | None
    source: str = ""
    row: int | None = None  # the file row that plans it; None for a stored period
    closed_by: int | None = None  # the file row whose change ends it

    def text(self) -> str:
        return period_text(self.status, self.start, self.end, self.source)


@dataclass
class FilePeriod:
    """One row's period. ``end`` is the end the row gives; ``until`` the end it has once the rows are ordered."""

    row: int
    status: str
    start: datetime.date
    end: datetime.date | None
    source: str
    note: str = ""
    until: datetime.date | None = None
    continued_by: list[int] = field(default_factory=list)

    def text(self) -> str:
        return period_text(self.status, self.start, self.until)


@dataclass
class Outcome:
    """What one row does to the area's history."""

    row: int
    operation: str
    field: str = ""  # for an error: the column it is reported on
    message: str = ""
    other: Period | None = None  # the period it matches, ends or clashes with (as it was stored)
    of_row: int | None = None  # for CONTINUES or an error between rows: the other row


FIX_STORED = gettext_lazy(
    "the import never changes a stored period: correct the row, or have a site administrator correct the "
    "stored period first (in the admin: Status periods)"
)
ADMIN_FIX = gettext_lazy(
    "if the register is wrong, a site administrator corrects the stored period first (in the admin: Status periods)"
)


def period_text(status: str, start, until, source: str = "") -> str:
    """A period as the row problems name it: "besieged from 2016-01-01 (until 2016-05-01, source: ...)"."""
    when = _("until %(date)s") % {"date": until} if until else _("current")
    if source:
        when = _("%(when)s, source: %(source)s") % {"when": when, "source": source}
    return _("%(status)s from %(start)s (%(when)s)") % {"status": status_label(status), "start": start, "when": when}


def order(periods: list[FilePeriod]) -> tuple[list[FilePeriod], list[Outcome]]:
    """Sort one area's rows by start, give each its end, and merge rows that only continue a status.

    Returns the periods to fit into the register and the outcomes decided
    here (rows that continue another, and clashes between rows).
    """
    outcomes = []
    kept: list[FilePeriod] = []
    for period in sorted(periods, key=lambda p: (p.start, p.row)):
        same = kept[-1] if kept else None
        if same and (same.start, same.status, same.end) == (period.start, period.status, period.end):
            outcomes.append(Outcome(period.row, REPEATS, of_row=same.row))
        else:
            kept.append(period)
    periods = kept
    for before, after in zip(periods, periods[1:], strict=False):
        if before.start == after.start:
            outcomes.append(
                Outcome(
                    after.row,
                    ERROR,
                    "start_date",
                    _(
                        "row %(row)s also starts a period of this area on %(date)s (%(status)s): an area has one "
                        "status at a time; correct one of the rows"
                    )
                    % {"row": before.row, "date": after.start, "status": status_label(before.status)},
                    of_row=before.row,
                )
            )
        elif before.end is not None and before.end > after.start:
            outcomes.append(
                Outcome(
                    before.row,
                    ERROR,
                    "end_date",
                    _(
                        "this period overlaps row %(row)s's (%(status)s from %(date)s): an area has one status at a "
                        "time; end it on %(date)s or leave the end empty"
                    )
                    % {"row": after.row, "status": status_label(after.status), "date": after.start},
                    of_row=after.row,
                )
            )
    if any(outcome.operation == ERROR for outcome in outcomes):
        return [], outcomes
    for index, period in enumerate(periods):
        following = periods[index + 1] if index + 1 < len(periods) else None
        period.until = period.end if period.end is not None else (following.start if following else None)
    merged: list[FilePeriod] = []
    for period in periods:
        previous = merged[-1] if merged else None
        if previous is not None and previous.status == period.status and previous.until == period.start:
            previous.until, previous.end = period.until, period.end
            previous.continued_by.append(period.row)
            outcomes.append(Outcome(period.row, CONTINUES, of_row=previous.row))
            continue
        merged.append(period)
    return merged, outcomes


def fit(periods: list[FilePeriod], stored: list[Period]) -> dict[int, Outcome]:
    """Decide, for each ordered file period, whether it is recorded, fills a gap, changes the status or clashes."""
    planned = [Period(p.status, p.start, p.end, p.source) for p in sorted(stored, key=lambda p: p.start)]
    as_stored = {id(p): Period(p.status, p.start, p.end, p.source) for p in planned}
    outcomes: dict[int, Outcome] = {}
    expected_ends: list[tuple[Period, datetime.date, FilePeriod]] = []
    for period in periods:
        in_force = next((p for p in planned if p.start <= period.start and _lasts_past(p, period.start)), None)
        stored_copy = as_stored.get(id(in_force)) if in_force is not None else None
        if in_force is not None and in_force.status == period.status:
            outcome = _same_status(period, in_force, stored_copy, expected_ends)
        elif in_force is not None:
            if in_force.end is None and period.start > in_force.start:
                in_force.end, in_force.closed_by = period.start, period.row
                new = Period(period.status, period.start, None, period.source, row=period.row)
                planned.append(new)
                if period.end is not None:
                    expected_ends.append((new, period.end, period))
                outcome = Outcome(period.row, CHANGE, other=stored_copy or in_force)
            else:
                outcome = Outcome(
                    period.row,
                    ERROR,
                    "start_date",
                    _("it clashes with the register's period %(period)s; %(fix)s")
                    % {"period": (stored_copy or in_force).text(), "fix": FIX_STORED},
                    other=stored_copy or in_force,
                )
        else:
            later = [p for p in planned if p.start > period.start]
            following = min(later, key=lambda p: p.start) if later else None
            if following is not None and (period.until is None or period.until > following.start):
                clash = as_stored.get(id(following)) or following
                if period.until is None:
                    lasts = _(" (it has no end and no later row, so it would still be current: end it by %(date)s)") % {
                        "date": following.start
                    }
                elif period.end is None:
                    lasts = _(" (this row lasts until the next row starts, on %(date)s)") % {"date": period.until}
                else:
                    lasts = ""
                outcome = Outcome(
                    period.row,
                    ERROR,
                    "end_date" if period.end is not None else "start_date",
                    _("it overlaps the register's period %(period)s%(lasts)s; %(fix)s")
                    % {"period": clash.text(), "lasts": lasts, "fix": FIX_STORED},
                    other=clash,
                )
            else:
                planned.append(Period(period.status, period.start, period.until, period.source, row=period.row))
                outcome = Outcome(period.row, ADD)
        outcomes[period.row] = outcome
    for target, end, period in expected_ends:
        if target.end == end or outcomes[period.row].operation == ERROR:
            continue
        if target.end is None:
            message = _(
                "it ends on %(date)s, but no row says what the status was from then: the register ends a current "
                "period only with the next status; add a row from %(date)s (e.g. accessible), or leave the end empty"
            ) % {"date": end}
        else:
            message = _("it ends on %(date)s, but row %(row)s's change starts on %(start)s; make them agree") % {
                "date": end,
                "row": target.closed_by,
                "start": target.end,
            }
        outcomes[period.row] = Outcome(period.row, ERROR, "end_date", message, other=target)
    return outcomes


def _lasts_past(period: Period, day: datetime.date) -> bool:
    return period.end is None or day < period.end


def _same_status(period: FilePeriod, in_force: Period, stored_copy: Period | None, expected_ends) -> Outcome:
    """A row whose status the register already has on its start day: recorded, unless its end disagrees."""
    shown = stored_copy or in_force
    end = period.until
    if end is None and in_force.end is not None:
        message = _(
            "it says the area is still %(status)s (no end, and no later row), but the register has %(period)s; give "
            "the row its end date %(end)s (%(fix)s)"
        ) % {"status": status_label(period.status), "period": shown.text(), "end": in_force.end, "fix": ADMIN_FIX}
        return Outcome(period.row, ERROR, "start_date", message, other=shown)
    if end is not None and in_force.end is None:
        if period.end is not None:
            # The register's current period: it must end where this row ends, through the next row's change.
            expected_ends.append((in_force, end, period))
    elif end is not None and in_force.end != end:
        if period.end is None and in_force.end > end:
            pass  # the next row starts inside the stored period and is reported there
        else:
            if period.end is not None:
                lasts = _("ends on %(date)s") % {"date": end}
            else:
                lasts = _("lasts until the next row starts, on %(date)s") % {"date": end}
            message = _("the register has %(period)s, but this row %(lasts)s; %(fix)s") % {
                "period": shown.text(),
                "lasts": lasts,
                "fix": FIX_STORED,
            }
            return Outcome(period.row, ERROR, "end_date" if period.end else "start_date", message, other=shown)
    return Outcome(period.row, SAME, other=shown)
