"""Sentences that answer "did the condition hold?", written from a condition's day-by-day compliance."""

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aidtrack.agreements.models import ConditionKind


def _day(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def failure_reason(condition, result) -> str:
    """Why the condition failed on one day, with its numbers."""
    if condition.kind == ConditionKind.REDUCED_VIOLENCE:
        return ngettext(
            "%(day)s: %(count)d incident counted, at most %(limit)d allowed",
            "%(day)s: %(count)d incidents counted, at most %(limit)d allowed",
            result.counted or 0,
        ) % {"day": _day(result.day), "count": result.counted or 0, "limit": result.limit or 0}
    missing = [
        _("%(area)s never reached") % {"area": r.name}
        if r.last_reached is None
        else _("%(area)s last reached %(days)d days before") % {"area": r.name, "days": r.days_since}
        for r in result.areas_missing
    ]
    if not missing:
        return _("%(day)s: no areas listed in the condition") % {"day": _day(result.day)}
    return _("%(day)s: %(missing)s") % {"day": _day(result.day), "missing": "; ".join(missing)}


def verdict(compliance) -> str:
    """The run the condition needed, and whether and when it was reached."""
    needed = compliance.condition.required_consecutive_days
    if not compliance.days:
        return _("The agreement has not started yet: nothing to compute.")
    fulfilled = compliance.first_fulfilled_on
    if fulfilled:
        return ngettext(
            "Met: %(needed)d consecutive day was first reached on %(day)s.",
            "Met: %(needed)d consecutive days were first reached on %(day)s.",
            needed,
        ) % {"needed": needed, "day": _day(fulfilled)}
    longest, first, last = compliance.longest_run
    if longest == 0:
        return ngettext(
            "%(needed)d consecutive day was never reached: the condition was not met on any day.",
            "%(needed)d consecutive days were never reached: the condition was not met on any day.",
            needed,
        ) % {"needed": needed}
    return ngettext(
        "%(needed)d consecutive days were never reached: the longest run was %(longest)d day (%(first)s).",
        "%(needed)d consecutive days were never reached: the longest run was %(longest)d days (%(first)s to %(last)s).",
        longest,
    ) % {"needed": needed, "longest": longest, "first": _day(first), "last": _day(last)}


def first_days_sentence(compliance) -> str:
    """How the condition fared in its first ``required_consecutive_days`` days, naming the days it failed."""
    window = compliance.first_days()
    if not window:
        return ""
    failed = [r for r in window if not r.met]
    held = len(window) - len(failed)
    values = {"n": len(window), "first": _day(window[0].day), "last": _day(window[-1].day), "held": held}
    if not failed:
        return (
            _("It held on every one of its first %(n)d days (%(first)s to %(last)s).") % values
            if len(window) == compliance.condition.required_consecutive_days
            else _("It has held on each of the %(n)d days so far (%(first)s to %(last)s).") % values
        )
    # A day of missing areas is a long list: name one day's, and count the rest.
    shown = 3 if compliance.condition.kind == ConditionKind.REDUCED_VIOLENCE else 1
    reasons = [failure_reason(compliance.condition, r) for r in failed[:shown]]
    more = len(failed) - len(reasons)
    sentence = ngettext(
        "It did not hold in its first %(n)d days (%(first)s to %(last)s): not met on %(failed)d day, met on %(held)d.",
        "It did not hold in its first %(n)d days (%(first)s to %(last)s): not met on %(failed)d days, met on %(held)d.",
        len(failed),
    ) % {**values, "failed": len(failed)}
    sentence += " " + _("Not met: %(reasons)s") % {"reasons": "; ".join(reasons)}
    if more:
        sentence += "; " + ngettext(
            "and %(more)d more day (see the strip).", "and %(more)d more days (see the strip).", more
        ) % {"more": more}
    else:
        sentence += "."
    return sentence
