"""The convoy funnel and removals ledger page, and its CSV downloads."""

from django.shortcuts import render
from django.utils import translation

from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.orgs.audience import audience_of
from aidtrack.reports.access import GovernorateError, governorate_from
from aidtrack.reports.charts import bars
from aidtrack.reports.convoys import convoy_funnel
from aidtrack.reports.figures_cache import cached_figures
from aidtrack.reports.periods import PeriodError, latest_convoy_year, period_from
from aidtrack.reports.views.access import BadRequest, tables_csv
from aidtrack.reports.views.common import problem


def _funnel(request):
    try:
        period = period_from(request.GET, default=lambda: latest_convoy_year(audience_of(request.user)))
        governorate = governorate_from(request.GET.get("gov", ""))
    except (PeriodError, GovernorateError) as error:
        raise BadRequest(str(error)) from error
    audience = audience_of(request.user)
    return cached_figures(
        "convoys",
        audience,
        (period, governorate.pk if governorate else None),
        lambda: convoy_funnel(audience=audience, period=period, governorate=governorate),
    )


def convoy_funnel_page(request):
    try:
        funnel = _funnel(request)
    except BadRequest as error:
        return problem(request, str(error))
    query = funnel.period.query + (f"&gov={funnel.governorate.pcode}" if funnel.governorate else "")
    requested = funnel.count("requested")
    branch = "↲ " if translation.get_language_bidi() else "↳ "  # the arrow points back to the row above
    step_bars = bars(
        [
            (
                (branch if depth else "") + label,
                n,
                f"{n} ({n / requested:.0%})" if requested else str(n),
                "branch" if depth else "main",
            )
            for _key, label, depth, n in funnel.steps
        ],
        width=230,
        left=200,
        canvas=520,
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
