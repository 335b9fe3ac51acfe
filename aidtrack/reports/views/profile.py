"""The access profile by governorate (after ACAPS's nine indicators), and its CSV download."""

from django.shortcuts import render

from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.orgs.audience import audience_of
from aidtrack.reports.access import GovernorateError, governorate_from
from aidtrack.reports.maps import shaded
from aidtrack.reports.periods import PeriodError, latest_incident_month, period_from
from aidtrack.reports.profile import PILLARS, THRESHOLDS, access_profile
from aidtrack.reports.views.access import BadRequest, tables_csv
from aidtrack.reports.views.common import problem


def _profile(request):
    try:
        period = period_from(request.GET, default=lambda: latest_incident_month(audience_of(request.user)))
        governorate = governorate_from(request.GET.get("gov", ""))
    except (PeriodError, GovernorateError) as error:
        raise BadRequest(str(error)) from error
    return access_profile(audience=audience_of(request.user), period=period, governorate=governorate)


def access_profile_page(request):
    try:
        profile = _profile(request)
    except BadRequest as error:
        return problem(request, str(error))
    shapes, map_height, steps = shaded(
        {p.governorate.pcode: p.overall for p in profile.governorates}, shown=lambda value: f"{value:.1f}"
    )
    rows = []
    for item in profile.governorates:
        pillars = []
        for (pillar, indicators), score in zip(PILLARS, item.pillar_scores, strict=True):
            pillars.append(
                {
                    "label": pillar,
                    "score": score,
                    "indicators": [
                        {
                            "code": code,
                            "label": label,
                            "count": item.counts.get(code, 0),
                            "previous": item.previous.get(code, 0),
                            "delta": item.counts.get(code, 0) - item.previous.get(code, 0),
                            "score": item.scores[code],
                        }
                        for code, label in indicators
                    ],
                }
            )
        rows.append({"profile": item, "pillars": pillars})
    context = {
        "profile": profile,
        "rows": rows,
        "pillars": PILLARS,
        "thresholds": THRESHOLDS,
        "shapes": shapes,
        "map_height": map_height,
        "steps": steps,
        "query": profile.period.query,
        "governorates": AdminArea.objects.filter(level=AdminLevel.GOVERNORATE).defer("geometry").order_by("name_en"),
    }
    return render(request, "reports/access_profile.html", context)


def access_profile_csv(request, table: str):
    return tables_csv(request, table, _profile, "access-profile")
