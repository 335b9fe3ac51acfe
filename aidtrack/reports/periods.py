"""The period a report covers: a month (?month=2016-09) or any dates (?from=…&to=…), and the periods it is
compared with (the one before, of the same length or the previous month, and the same dates a year before)."""

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


class PeriodError(ValueError):
    """A period the reader asked for that cannot be read; the message says how to fix it."""


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive
    is_month: bool = False

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        if self.is_month:
            return date_format(self.start, "F Y")
        return _("%(start)s to %(end)s") % {
            "start": date_format(self.start, "j F Y"),
            "end": date_format(self.end, "j F Y"),
        }

    @property
    def query(self) -> str:
        """The query string that asks for this period again."""
        if self.is_month:
            return f"month={self.start:%Y-%m}"
        return f"from={self.start.isoformat()}&to={self.end.isoformat()}"

    def previous(self) -> "Period":
        if self.is_month:
            return month_period(self.start - datetime.timedelta(days=1))
        length = datetime.timedelta(days=self.days)
        return Period(self.start - length, self.end - length)

    def year_before(self) -> "Period":
        if self.is_month:
            return month_period(self.start.replace(year=self.start.year - 1))
        return Period(_minus_year(self.start), _minus_year(self.end))

    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches."""
        months, day = [], self.start.replace(day=1)
        while day <= self.end:
            months.append(day)
            day = (day + datetime.timedelta(days=32)).replace(day=1)
        return months


def _minus_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def month_period(day: datetime.date) -> Period:
    last = calendar.monthrange(day.year, day.month)[1]
    return Period(day.replace(day=1), day.replace(day=last), is_month=True)


MAX_DAYS = 3 * 366


def period_from(params, default: "Period | Callable[[], Period] | None" = None) -> Period:
    """The period asked for by ``month`` or ``from``/``to``; ``default`` (else this month) when neither is given.

    ``default`` may be a function, called only when it is needed (it may cost a query).
    """
    month, start, end = params.get("month", ""), params.get("from", ""), params.get("to", "")
    if month:
        try:
            day = datetime.datetime.strptime(month, "%Y-%m").date()
        except ValueError as error:
            raise PeriodError(_("“%(value)s” is not a month: use YYYY-MM, e.g. 2016-09.") % {"value": month}) from error
        return month_period(day)
    if start or end:
        try:
            first = datetime.date.fromisoformat(start)
            last = datetime.date.fromisoformat(end)
        except ValueError as error:
            raise PeriodError(
                _("Give both dates as YYYY-MM-DD, e.g. from=2016-09-01&to=2016-09-30 (got “%(start)s” and “%(end)s”).")
                % {"start": start, "end": end}
            ) from error
        if last < first:
            raise PeriodError(
                _("The end (%(end)s) is before the start (%(start)s): swap them.") % {"start": start, "end": end}
            )
        if (last - first).days >= MAX_DAYS:
            raise PeriodError(_("A report covers at most three years: shorten the period."))
        return Period(first, last)
    if callable(default):
        default = default()
    return default or month_period(timezone.localdate())


def latest_incident_month(audience) -> Period:
    """The month of the latest incident the reader may see (this month when there is none, or it is in the future):
    a report opened without a period shows the latest month that has records, not an empty current month."""
    from django.db.models import Max

    from aidtrack.incidents.selectors import incidents_visible_to

    today = timezone.localdate()
    latest = incidents_visible_to(audience).aggregate(latest=Max("occurred_on"))["latest"]
    return month_period(min(latest, today) if latest else today)


def latest_convoy_year(audience) -> Period:
    """The calendar year of the latest step of a convoy request the reader may see (else this year)."""
    from django.db.models import Max

    from aidtrack.convoys.selectors import convoys_visible_to

    today = timezone.localdate()
    latest = convoys_visible_to(audience).aggregate(latest=Max("events__occurred_at"))["latest"]
    day = min(timezone.localdate(latest), today) if latest else today
    return Period(day.replace(month=1, day=1), day.replace(month=12, day=31))
