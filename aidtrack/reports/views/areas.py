"""Area pages: every area of the register, public."""

import datetime

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from aidtrack.areas.selectors import register_on
from aidtrack.orgs.audience import audience_of
from aidtrack.reports.areas import area_for_page, area_page
from aidtrack.reports.figures_cache import cached_figures
from aidtrack.reports.views.common import problem


def _day(request):
    raw = request.GET.get("as_of", "")
    if not raw:
        return timezone.localdate()
    return datetime.date.fromisoformat(raw)


def area_list(request):
    try:
        day = _day(request)
    except ValueError:
        return problem(request, _("“as_of” is not a date: use YYYY-MM-DD, e.g. 2016-09-19."))
    entries = sorted(
        register_on(day), key=lambda e: (e.area.governorate.name_en if e.area.governorate else "", e.area.name_en)
    )
    return render(request, "reports/area_list.html", {"entries": entries, "day": day})


def area_detail(request, pk: int):
    area = area_for_page(pk)
    if area is None:
        raise Http404
    try:
        day = _day(request)
    except ValueError:
        return problem(request, _("“as_of” is not a date: use YYYY-MM-DD, e.g. 2016-09-19."))
    audience = audience_of(request.user)
    page = cached_figures("area page", audience, (area.pk, day), lambda: area_page(area, audience=audience, day=day))
    point = {"lat": area.latitude, "lon": area.longitude, "name": area.name} if area.latitude is not None else None
    return render(request, "reports/area_detail.html", {"page": page, "area": area, "point": point})
