"""The monthly access report page and its CSV downloads (one per table)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.orgs.audience import audience_of
from aidtrack.reports.access import GovernorateError, access_report, governorate_from
from aidtrack.reports.charts import bars
from aidtrack.reports.figures_cache import cached_figures
from aidtrack.reports.maps import shaded
from aidtrack.reports.people import people_chart
from aidtrack.reports.periods import PeriodError, latest_incident_month, period_from
from aidtrack.reports.tables import table_csv
from aidtrack.reports.views.common import problem


class BadRequest(ValueError):
    pass


def _report(request):
    try:
        period = period_from(request.GET, default=lambda: latest_incident_month(audience_of(request.user)))
    except PeriodError as error:
        raise BadRequest(str(error)) from error
    try:
        governorate = governorate_from(request.GET.get("gov", ""))
    except GovernorateError as error:
        raise BadRequest(str(error)) from error
    audience = audience_of(request.user)
    return cached_figures(
        "access",
        audience,
        (period, governorate.pk if governorate else None),
        lambda: access_report(audience=audience, period=period, governorate=governorate),
    )


def access_report_page(request):
    try:
        report = _report(request)
    except BadRequest as error:
        return problem(request, str(error))
    query = report.period.query + (f"&gov={report.governorate.pcode}" if report.governorate else "")
    category_bars = bars([(_category_short(code), n, str(n)) for code, _label, n in report.categories], width=250)
    perpetrator_bars = bars([(str(label), n, f"{share:.0%}") for _k, label, n, share in report.perpetrators], width=250)
    shapes, map_height, steps = shaded({g.pcode: n for g, n in report.governorates})
    context = {
        "report": report,
        "query": query,
        "category_bars": category_bars,
        "category_height": len(category_bars) * 22 + 4,
        "perpetrator_bars": perpetrator_bars,
        "perpetrator_height": len(perpetrator_bars) * 22 + 4,
        "shapes": shapes,
        "map_height": map_height,
        "steps": steps,
        "people_chart": people_chart(report.people),
        "people_table": report.tables()["people"],
        "governorates": AdminArea.objects.filter(level=AdminLevel.GOVERNORATE).defer("geometry").order_by("name_en"),
    }
    return render(request, "reports/access_report.html", context)


def access_report_csv(request, table: str):
    return tables_csv(request, table, _report, "access")


def tables_csv(request, table: str, build, prefix: str):
    """One table of a report (``build(request)``) as a CSV download."""
    try:
        report = build(request)
    except BadRequest as error:
        return problem(request, str(error))
    tables = report.tables()
    if table not in tables:
        return problem(
            request,
            _("No table “%(table)s”: use one of %(tables)s.") % {"table": table[:40], "tables": ", ".join(tables)},
            status=404,
        )
    response = HttpResponse(table_csv(tables[table]), content_type="text/csv; charset=utf-8")
    name = f"aidtrack-{prefix}-{report.period.start:%Y-%m-%d}-{report.period.end:%Y-%m-%d}-{table}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _category_short(code: str) -> str:
    return _("category %(code)s") % {"code": code} if code.isdigit() else _("other")
