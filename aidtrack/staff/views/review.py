"""The reviewers' verification queue: filter, then verify, dispute or reject one or many."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aidtrack.incidents.models import Category, IncidentKind, VerificationStatus
from aidtrack.incidents.services import incident_review
from aidtrack.orgs.models import Organization
from aidtrack.staff.selectors import QueueFilters, reviewable_organization_ids, verification_queue
from aidtrack.staff.views.common import id_param, paginate, query_without_page

OUTCOMES = {
    "verified": VerificationStatus.VERIFIED,
    "disputed": VerificationStatus.DISPUTED,
    "rejected": VerificationStatus.REJECTED,
}


def _date(text: str, name: str, errors: list) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        errors.append(_("%(name)s “%(text)s” is not a date: use YYYY-MM-DD.") % {"name": name, "text": text})
        return None


def _filters(params, errors: list) -> QueueFilters:
    status = params.get("status", VerificationStatus.REPORTED)
    organization = params.get("organization", "")
    return QueueFilters(
        status=status if status in VerificationStatus.values else "",
        organization=id_param(organization),
        category=params.get("category", "") if params.get("category") in Category.values else "",
        kind=params.get("kind", "") if params.get("kind") in IncidentKind.values else "",
        occurred_from=_date(params.get("from", ""), _("From"), errors),
        occurred_to=_date(params.get("to", ""), _("To"), errors),
        text=params.get("q", "").strip(),
    )


def _require_reviewer(user):
    orgs = reviewable_organization_ids(user)
    if orgs is not None and not orgs:
        raise PermissionDenied(
            _("The verification queue is for reviewers; you are not a reviewer of any organization.")
        )
    return orgs


@login_required
def review_queue(request):
    orgs = _require_reviewer(request.user)
    if request.method == "POST":
        return _bulk_review(request)
    errors: list[str] = []
    filters = _filters(request.GET, errors)
    organizations = Organization.objects.all() if orgs is None else Organization.objects.filter(pk__in=orgs)
    return render(
        request,
        "staff/review/queue.html",
        {
            "page": paginate(request, verification_queue(request.user, filters)),
            "query": query_without_page(request),
            "filters": filters,
            "params": request.GET,
            "filter_errors": errors,
            "organizations": organizations,
            "statuses": VerificationStatus.choices,
            "categories": Category.choices,
            "kinds": IncidentKind.choices,
        },
    )


def _bulk_review(request):
    back = request.POST.get("next") or ""
    target = f"{request.path}?{back}" if back else request.path
    outcome = OUTCOMES.get(request.POST.get("outcome", ""))
    ids = [pk for pk in map(id_param, request.POST.getlist("incident")) if pk is not None]
    note = request.POST.get("note", "")
    if outcome is None:
        messages.error(request, _("Choose verify, dispute or reject."))
        return redirect(target)
    if not ids:
        messages.error(request, _("Tick the incidents to review first."))
        return redirect(target)
    if outcome != VerificationStatus.VERIFIED and not note.strip():
        messages.error(
            request,
            _("Say why the incidents are %(outcome)s: a reason is required. Nothing was changed.")
            % {"outcome": outcome.label.lower()},
        )
        return redirect(target)
    done, refused = [], []
    # Each incident is reviewed in its own transaction: one refusal does not undo the others.
    for incident in verification_queue(request.user, QueueFilters(status="")).filter(pk__in=ids):
        version = request.POST.get(f"version_{incident.pk}", "")
        try:
            incident_review(
                incident=incident,
                by=request.user,
                outcome=outcome,
                note=note,
                expected_version=id_param(version),
            )
        except (ValidationError, PermissionDenied) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            refused.append(f"{incident.reference}: {text}")
        else:
            done.append(incident.reference)
    missing = len(ids) - len(done) - len(refused)
    if done:
        messages.success(
            request,
            _("%(count)s incident(s) %(outcome)s: %(references)s.")
            % {"count": len(done), "outcome": outcome.label.lower(), "references": ", ".join(done)},
        )
    for text in refused:
        messages.error(request, _("Not changed — %(reason)s") % {"reason": text})
    if missing:
        messages.error(
            request, _("%(count)s incident(s) are not in your queue and were not changed.") % {"count": missing}
        )
    return redirect(target)
