"""Reporting, reading, editing and reviewing incidents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aidtrack.errors import StaleEditError
from aidtrack.geo.services import place_point
from aidtrack.incidents.models import Category, Incident, IncidentDraft, VerificationStatus
from aidtrack.incidents.selectors import incident_as_read, incidents_matching_text
from aidtrack.incidents.services import (
    incident_create,
    incident_draft_delete,
    incident_draft_save,
    incident_edit_sent_before,
    incident_review,
    incident_sent_before,
    incident_update,
)
from aidtrack.orgs.audience import audience_of
from aidtrack.orgs.models import Visibility
from aidtrack.orgs.permissions import can_review_for, can_write_for, organization_ids_of
from aidtrack.staff.forms.incidents import IncidentForm, ReviewForm, SourceFormSet
from aidtrack.staff.history import changes_since, record_history
from aidtrack.staff.selectors import incidents_visible_to, writable_organizations
from aidtrack.staff.views.common import (
    add_service_error,
    id_param,
    paginate,
    query_without_page,
    sent_before,
    stale_message,
)


def _visible_incident(user, pk) -> Incident:
    return get_object_or_404(incidents_visible_to(user), pk=pk)


def is_insider(user, incident) -> bool:
    """Members of the reporting organization see its internal text, sources' contacts and history."""
    return incident_as_read(incident, audience_of(user)).full


@login_required
def incident_list(request):
    incidents = incidents_visible_to(request.user)
    text = request.GET.get("q", "").strip()
    if text:
        incidents = incidents_matching_text(incidents, audience_of(request.user), text)
    status = request.GET.get("status", "")
    if status in VerificationStatus.values:
        incidents = incidents.filter(verification_status=status)
    category = request.GET.get("category", "")
    if category in Category.values:
        incidents = incidents.filter(category=category)
    if request.GET.get("mine"):
        incidents = incidents.filter(organization_id__in=organization_ids_of(request.user))
    return render(
        request,
        "staff/incidents/list.html",
        {
            "page": paginate(request, incidents.order_by("-occurred_on", "-pk")),
            "query": query_without_page(request),
            "text": text,
            "status": status,
            "category": category,
            "statuses": VerificationStatus.choices,
            "categories": Category.choices,
        },
    )


def _placement_of(form) -> object | None:
    """Admin areas for the point typed so far, so a refused form still shows them."""
    try:
        lat = float(form["latitude"].value())
        lon = float(form["longitude"].value())
    except (TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return place_point(lat, lon)


def report_from_post(request) -> tuple[Incident | None, IncidentForm, SourceFormSet]:
    """Report the incident a posted form describes (the form page and a device's outbox both send it).

    Returns the incident (None when refused) with the bound forms, which carry the reasons of a refusal.
    """
    form = IncidentForm(request.POST, user=request.user)
    sources = SourceFormSet(request.POST, prefix="sources")
    earlier = sent_before(form, lambda key: incident_sent_before(client_key=key, by=request.user))
    if earlier is not None:
        earlier.sent_before = True
        return earlier, form, sources
    if not (form.is_valid() and sources.is_valid()):
        return None, form, sources
    try:
        incident = incident_create(
            by=request.user,
            organization=form.cleaned_data["organization"],
            sources=[s for s in (f.as_input() for f in sources) if s],
            client_key=form.cleaned_data.get("client_key"),
            **form.service_fields(),
        )
    except (ValidationError, PermissionDenied) as error:
        add_service_error(form, error)
        return None, form, sources
    # A report completed from a draft replaces it.
    draft = IncidentDraft.objects.filter(created_by=request.user, pk=id_param(request.POST.get("draft"))).first()
    if draft is not None:
        incident_draft_delete(draft=draft, by=request.user)
    return incident, form, sources


@login_required
def incident_create_view(request):
    if not writable_organizations(request.user).exists():
        raise PermissionDenied(
            _("You are not a reporter or reviewer of any organization, so you cannot report incidents.")
        )
    draft = _own_draft(request.user, request.POST.get("draft") or request.GET.get("draft"))
    if request.method == "POST" and "save_draft" in request.POST:
        draft = incident_draft_save(by=request.user, data=dict(request.POST.lists()), draft=draft)
        messages.success(request, _("The draft is saved. Complete and report it here, or later from your dashboard."))
        return redirect(f"{reverse('staff:incident_create')}?draft={draft.pk}")
    if request.method == "POST":
        incident, form, sources = report_from_post(request)
        if incident is not None:
            messages.success(
                request,
                _("Incident %(reference)s is reported; a reviewer will verify it.") % {"reference": incident.reference},
            )
            return redirect("staff:incident_detail", pk=incident.pk)
    elif draft is not None:
        form, sources = _forms_from_draft(request.user, draft)
    else:
        form = IncidentForm(user=request.user, initial={"visibility": Visibility.PARTNERS})
        sources = SourceFormSet(prefix="sources")
    return render(
        request,
        "staff/incidents/form.html",
        {"form": form, "sources": sources, "placement": _placement_of(form), "creating": True, "draft": draft},
    )


def _own_draft(user, draft_id) -> IncidentDraft | None:
    """The user's own draft of that id; another's, or none, is not found (drafts are seen by their author only)."""
    if not draft_id:
        return None
    number = id_param(draft_id)
    if number is None:
        raise Http404(_("There is no such draft."))
    return get_object_or_404(IncidentDraft, pk=number, created_by=user)


def _forms_from_draft(user, draft) -> tuple[IncidentForm, SourceFormSet]:
    """The report and source forms filled with a draft's fields as typed, unchecked until it is reported."""
    values = {name: given if len(given) > 1 else given[0] for name, given in draft.data.items() if given}
    sources, report = {}, {}
    for name, value in values.items():
        parts = name.split("-")
        if len(parts) == 3 and parts[0] == "sources" and parts[1].isdigit():
            sources.setdefault(int(parts[1]), {})[parts[2]] = value
        elif not name.startswith("sources-"):
            report[name] = value
    rows = [sources[i] for i in sorted(sources) if any(v for k, v in sources[i].items() if k != "reliability")]
    return IncidentForm(user=user, initial=report), SourceFormSet(prefix="sources", initial=rows)


@login_required
@require_POST
def incident_draft_delete_view(request, pk):
    draft = _own_draft(request.user, str(pk))
    incident_draft_delete(draft=draft, by=request.user)
    messages.success(request, _("The draft “%(title)s” is deleted.") % {"title": draft.title or _("untitled")})
    return redirect("staff:dashboard")


@login_required
def incident_detail(request, pk):
    incident = _visible_incident(request.user, pk)
    seen = incident_as_read(incident, audience_of(request.user))
    insider = seen.full
    may_review = can_review_for(request.user, incident.organization_id) and incident.reported_by_id != request.user.pk
    return render(
        request,
        "staff/incidents/detail.html",
        {
            "incident": incident,
            "seen": seen,
            "insider": insider,
            "may_edit": can_write_for(request.user, incident.organization_id),
            "may_review": may_review,
            "review_form": ReviewForm(initial={"expected_version": incident.version}) if may_review else None,
            "sources": incident.sources.all(),
            "tab": "detail",
        },
    )


def incident_to_edit(user, pk) -> Incident:
    """The incident an edit is for: one the user sees (else 404) and writes for (else 403).

    The edit page and a device's outbox both ask here, so that they find and refuse alike.
    """
    incident = _visible_incident(user, pk)
    if not can_write_for(user, incident.organization_id):
        raise PermissionDenied(
            _("Only reporters and reviewers of %(organization)s may edit this.")
            % {"organization": incident.organization.short_name}
        )
    return incident


def edit_from_post(request, incident) -> tuple[Incident | None, IncidentForm, SourceFormSet, list | None]:
    """Apply the edit a posted form describes (the edit page and a device's outbox both send it).

    Returns the saved incident (None when refused) with the bound forms, which carry the reasons of a
    refusal, and what changed meanwhile when the edit was made on an out-of-date page: then the form is
    based on the saved version, so that saving again is a deliberate choice made after seeing the changes.
    An edit sent again under its device id (its first answer was lost) is answered as applied.
    """
    form = IncidentForm(request.POST, instance=incident, user=request.user)
    sources = SourceFormSet(request.POST, prefix="sources")
    if sent_before(form, lambda key: incident_edit_sent_before(incident=incident, edit_key=key, by=request.user)):
        incident.refresh_from_db()
        incident.sent_before = True
        return incident, form, sources, None
    if not (form.is_valid() and sources.is_valid()):
        return None, form, sources, None
    try:
        incident = incident_update(
            incident=incident,
            by=request.user,
            expected_version=form.cleaned_data["expected_version"],
            add_sources=[s for s in (f.as_input() for f in sources) if s],
            edit_key=form.cleaned_data.get("client_key"),
            **form.service_fields(),
        )
    except StaleEditError as error:
        current = Incident.objects.get(pk=incident.pk)
        changed_meanwhile = changes_since(current, error.expected_version)
        data = request.POST.copy()
        data["expected_version"] = str(current.version)
        form = IncidentForm(data, instance=current, user=request.user)
        form.is_valid()
        form.add_error(None, stale_message(error))
        return None, form, sources, changed_meanwhile
    except (ValidationError, PermissionDenied) as error:
        add_service_error(form, error)
        return None, form, sources, None
    return incident, form, sources, None


def sent_back_message(incident) -> str:
    return _(
        "The change sent %(reference)s back to “reported”: it is not public until a reviewer "
        "who did not report it verifies it again."
    ) % {"reference": incident.reference}


@login_required
def incident_edit(request, pk):
    incident = incident_to_edit(request.user, pk)
    changed_meanwhile = None
    if request.method == "POST":
        reviewed_before = incident.verification_status != VerificationStatus.REPORTED
        saved, form, sources, changed_meanwhile = edit_from_post(request, incident)
        if saved is not None:
            messages.success(
                request,
                _("Incident %(reference)s is saved (version %(version)s).")
                % {"reference": saved.reference, "version": saved.version},
            )
            if reviewed_before and saved.verification_status == VerificationStatus.REPORTED:
                messages.warning(request, sent_back_message(saved))
            return redirect("staff:incident_detail", pk=saved.pk)
        incident = form.instance
    else:
        form = IncidentForm(instance=incident, user=request.user)
        sources = SourceFormSet(prefix="sources")
    return render(
        request,
        "staff/incidents/form.html",
        {
            "form": form,
            "sources": sources,
            "existing_sources": incident.sources.all(),
            "incident": incident,
            "placement": _placement_of(form),
            "changed_meanwhile": changed_meanwhile,
            "creating": False,
        },
    )


@login_required
@require_POST
def incident_review_view(request, pk):
    incident = _visible_incident(request.user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            incident_review(
                incident=incident,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["expected_version"],
            )
        except (ValidationError, PermissionDenied) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, text)
        else:
            done = {
                VerificationStatus.VERIFIED: _("Incident %(reference)s is verified."),
                VerificationStatus.DISPUTED: _("Incident %(reference)s is disputed."),
                VerificationStatus.REJECTED: _("Incident %(reference)s is rejected."),
            }
            text = done.get(form.cleaned_data["outcome"], _("Incident %(reference)s is reviewed."))
            messages.success(request, text % {"reference": incident.reference})
    else:
        messages.error(request, _("Choose verified, disputed or rejected."))
    return redirect("staff:incident_detail", pk=incident.pk)


@login_required
def incident_history(request, pk):
    incident = _visible_incident(request.user, pk)
    if not is_insider(request.user, incident):
        raise Http404("The history of another organization's incident is not shown.")
    return render(
        request,
        "staff/history.html",
        {"record": incident, "entries": record_history(incident), "tab": "history", "kind": "incident"},
    )
