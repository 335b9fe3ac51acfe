"""People besieged over time as a standalone SVG image (the map's panel shows it for its dates)."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from aidtrack.reports.people import people_chart, people_series
from aidtrack.reports.periods import PeriodError, period_from
from aidtrack.reports.views.common import problem


def people_svg(request):
    try:
        period = period_from(request.GET)
    except PeriodError as error:
        return problem(request, str(error))
    if period.days > 3 * 366:
        return problem(request, _("Ask for at most three years."))
    context = {"chart": people_chart(people_series(period), width=460), "period": period}
    response = render(request, "reports/people_chart.svg", context, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "max-age=300"
    return response
