"""People living in besieged, military-encircled and hard-to-reach areas, day by day, as a chart and a table."""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from aidtrack.areas.models import AccessStatus
from aidtrack.areas.selectors import people_by_status_series
from aidtrack.reports.charts import step_lines
from aidtrack.reports.periods import Period
from aidtrack.reports.tables import Column, Table

SHOWN = [AccessStatus.BESIEGED, AccessStatus.MILITARY_ENCIRCLED, AccessStatus.HARD_TO_REACH]


def people_series(period: Period):
    return people_by_status_series(period.start, period.end)


def people_table(series) -> Table:
    return Table(
        "people",
        _("People by access status, day by day"),
        [Column("date", _("Date"), "#date")]
        + [Column(status.value, status.label, f"#affected+{status.value}") for status in SHOWN],
        [{"date": day, **{status.value: values[status] for status in SHOWN}} for day, values in series],
    )


def people_chart(series, width: int = 640):
    return step_lines(
        series,
        [status.value for status in SHOWN],
        width=width,
        labels={status.value: status.label for status in SHOWN},
        number=lambda value: intcomma(value),
        day_text=lambda day: date_format(day, "j M Y"),
    )
