"""The convoy funnel and removals ledger page, and its CSV downloads."""

from django.shortcuts import render
from django.utils import timezone

from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.orgs.audience import audience_of
from aidtrack.reports.access import GovernorateError, governorate_from
from aidtrack.reports.charts import bars
from aidtrack.reports.convoys import convoy_funnel
from aidtrack.reports.periods import Period, PeriodError, period_from
from aidtrack.reports.views.access import BadRequest, tables_csv
from aidtrack.reports.views.common import problem


def _funnel(request):
    today = timezone.localdate()
    year = Period(today.replace(month=1, day=1), today.replace(month=12, day=31))
    try:
        period = period_from(request.GET, default=year)
        governorate = governorate_from(request.GET.get("gov", ""))
    except (PeriodError, GovernorateError) as error:
        raise BadRequest(str(error)) from error
    return convoy_funnel(audience=audience_of(request.user), period=period, governorate=governorate)


def convoy_funnel_page(request):
    try:
        funnel = _funnel(request)
    except BadRequest as error:
        return problem(request, str(error))
    query = funnel.period.query + (f"&gov={funnel.governorate.pcode}" if funnel.governorate else "")
    requested = funnel.count("requested")
    step_bars = bars(
        [
            (
                ("↳ " if depth else "") + label,
                n,
                f"{n} ({n / requested:.0%})" if requested else str(n),
                "branch" if depth else "main",
            )
            for _key, label, depth, n in funnel.steps
        ],
        width=230,
        left=200,
    )
    context = {
        "funnel": funnel,
        "query": query,
        "rows": [
            {"key": key, "label": label, "depth": depth, "n": n, "bar": bar}
            for (key, label, depth, n), bar in zip(funnel.steps, step_bars, strict=True)
        ],
        "step_bars": step_bars,
        "funnel_height": len(step_bars) * 22 + 4,
        "tables": funnel.tables(),
        "governorates": AdminArea.objects.filter(level=AdminLevel.GOVERNORATE).defer("geometry").order_by("name_en"),
    }
    return render(request, "reports/convoy_funnel.html", context)


def convoy_funnel_csv(request, table: str):
    return tables_csv(request, table, _funnel, "convoys")
