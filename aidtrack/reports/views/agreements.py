"""Agreement pages: the terms, each condition day by day, and the evidence behind each day."""

import datetime
import functools

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aidtrack.agreements.models import ConditionKind
from aidtrack.agreements.selectors import (
    BASELINE_DAYS,
    DEFAULT_VIOLENCE_CATEGORIES,
    agreement_compliance_for,
    agreement_day_evidence,
    agreements_with_terms,
)
from aidtrack.incidents.models import Category
from aidtrack.orgs.audience import audience_of
from aidtrack.reports import verdicts
from aidtrack.reports.charts import STRIP_CELL, day_rows, day_strip, day_writer, strip_svg
from aidtrack.reports.figures_cache import cached_figures
from aidtrack.reports.views.common import problem


def _compliance(agreement, audience):
    """The agreement's compliance as ``audience`` may count it, kept under the data version."""
    return cached_figures("agreement", audience, agreement.pk, lambda: agreement_compliance_for(agreement, audience))


def agreement_list(request):
    audience = audience_of(request.user)
    rows = []
    for agreement in agreements_with_terms().order_by("-starts_at"):
        results = _compliance(agreement, audience)
        rows.append({"agreement": agreement, "verdicts": [(r.condition, verdicts.verdict(r)) for r in results]})
    return render(request, "reports/agreement_list.html", {"rows": rows})


def _planned_days(agreement, computed) -> list[datetime.date]:
    """Days of the agreement's announced life after the last computed day (they have no data yet)."""
    if not agreement.ends_at:
        return []
    last = timezone.localdate(agreement.ends_at)
    start = computed[-1].day if computed else timezone.localdate(agreement.starts_at) - datetime.timedelta(days=1)
    return [start + datetime.timedelta(days=n) for n in range(1, (last - start).days + 1)][:366]


def condition_method(condition, agreement) -> str:
    """How the condition is computed, for a reader who is not a specialist."""
    if condition.kind == ConditionKind.REDUCED_VIOLENCE:
        categories = [Category(c).label for c in (condition.counted_categories or DEFAULT_VIOLENCE_CATEGORIES)]
        text = _(
            "For each day we count the recorded obstruction incidents of these categories: %(categories)s. "
            "Incidents attributed to a party the agreement does not apply to are left out, and so are rejected "
            "reports; the public page counts verified, published incidents only. The day is met when the count is "
            "at most %(limit)d. The baseline is the mean count a day over the %(baseline)d days before the "
            "agreement took effect, counted the same way."
        ) % {
            "categories": "; ".join(str(category) for category in categories),
            "limit": condition.max_incidents_per_day or 0,
            "baseline": BASELINE_DAYS,
        }
        if condition.counted_conflict_event_types:
            text += " " + _("Conflict events of these types are added to the count: %(types)s.") % {
                "types": ", ".join(condition.counted_conflict_event_types)
            }
        return text
    return _(
        "A day is met when every listed area has been reached in the last %(gap)d days, counting that day: a "
        "convoy delivered (fully or partly) to it, or an access incident (a delivery) recorded there. One area "
        "not reached in time is enough for the day not to be met."
    ) % {"gap": condition.max_days_without_access or 0}


def agreement_detail(request, pk: int):
    agreement = get_object_or_404(agreements_with_terms(), pk=pk)
    audience = audience_of(request.user)
    # Every day's link and date are written once, not once per condition and place on the page: a dozen
    # lookups a day in the template cost more than the page's queries.
    placeholder = "0001-01-01"
    day_url = reverse("reports:agreement_day", args=[agreement.pk, placeholder])
    url_of = functools.cache(lambda day: day_url.replace(placeholder, day.isoformat()))
    long_date = functools.cache(day_writer("j F Y"))
    short_date = functools.cache(day_writer("D j M Y"))
    words = {"met": _("met"), "not-met": _("not met"), "no-data": _("no data yet")}
    conditions = []
    for result in _compliance(agreement, audience):
        cells = day_strip(result.days, planned=_planned_days(agreement, result.days), url_of=url_of)
        longest, first, last = result.longest_run
        conditions.append(
            {
                "result": result,
                "condition": result.condition,
                "cells": cells,
                "strip": strip_svg(cells, words=words, day_text=long_date),
                "day_rows": day_rows(result.days, words=words, day_text=short_date, url_of=url_of),
                "strip_width": max(len(cells), 1) * STRIP_CELL,
                "verdict": verdicts.verdict(result),
                "first_days": verdicts.first_days_sentence(result),
                "method": condition_method(result.condition, agreement),
                "longest": longest,
                "longest_first": first,
                "longest_last": last,
            }
        )
    return render(
        request,
        "reports/agreement_detail.html",
        {"agreement": agreement, "conditions": conditions, "is_public": audience.is_public},
    )


def agreement_day(request, pk: int, day: str):
    agreement = get_object_or_404(agreements_with_terms(), pk=pk)
    try:
        moment = datetime.date.fromisoformat(day)
    except ValueError:
        return problem(request, _("“%(day)s” is not a date: use YYYY-MM-DD, e.g. 2016-09-16.") % {"day": day})
    audience = audience_of(request.user)
    evidence = agreement_day_evidence(agreement, moment, audience)
    if evidence is None:
        message = _("%(agreement)s has no figures for %(day)s: pick a day from its start to its end (or today).") % {
            "agreement": agreement.display_name,
            "day": moment.isoformat(),
        }
        return problem(request, message, status=404)
    one_day = datetime.timedelta(days=1)
    items = []
    for item in evidence:
        areas = []
        if item.compliance.condition.kind == ConditionKind.SUSTAINED_ACCESS:
            for reach in item.result.areas:
                found = item.deliveries.get(reach.area_id, [])
                areas.append(
                    {
                        "reach": reach,
                        "today": [d for d in found if d.day == moment],
                        "last": [d for d in found if d.day == reach.last_reached],
                    }
                )
        items.append({"evidence": item, "condition": item.compliance.condition, "areas": areas})
    start = timezone.localdate(agreement.starts_at)
    last_computed = max((len(e.compliance.days) for e in evidence), default=0)
    return render(
        request,
        "reports/agreement_day.html",
        {
            "agreement": agreement,
            "day": moment,
            "items": items,
            "previous": moment - one_day if moment > start else None,
            "next": moment + one_day if moment < _last_day(agreement) else None,
            "computed": last_computed,
        },
    )


def _last_day(agreement) -> datetime.date:
    today = timezone.localdate()
    return min(today, timezone.localdate(agreement.ends_at)) if agreement.ends_at else today
