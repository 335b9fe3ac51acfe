"""Convoy requests: the list, a new request, its lifecycle, checkpoint removals and history."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aidtrack.convoys.models import ConvoyRequest, ConvoyStatus
from aidtrack.convoys.selectors import convoy_seen_in_full
from aidtrack.convoys.services import (
    AFTER_DISPATCH,
    allowed_transitions,
    checkpoint_removal_record,
    checkpoint_removal_sent_before,
    convoy_create,
    convoy_step_sent_before,
    convoy_transition,
    convoy_update,
)
from aidtrack.errors import StaleEditError
from aidtrack.incidents.models import Incident
from aidtrack.incidents.selectors import incident_visibility_q
from aidtrack.orgs.audience import audience_of
from aidtrack.orgs.models import Visibility
from aidtrack.orgs.permissions import can_write_for
from aidtrack.staff.forms.convoys import CargoFormSet, ConvoyForm, DestinationFormSet, RemovalForm, TransitionForm
from aidtrack.staff.history import changes_since, record_history
from aidtrack.staff.selectors import convoys_visible_to, writable_organizations
from aidtrack.staff.views.common import add_service_error, paginate, query_without_page, sent_before, stale_message


def _visible_convoy(user, pk) -> ConvoyRequest:
    return get_object_or_404(convoys_visible_to(user), pk=pk)


def _is_insider(user, convoy) -> bool:
    """Who sees the convoy in full (its lead, its partners unless restricted, site admins): the API's rule."""
    return convoy_seen_in_full(convoy, audience_of(user))


@login_required
def convoy_list(request):
    convoys = convoys_visible_to(request.user).prefetch_related("destinations__area", "destinations__community")
    text = request.GET.get("q", "").strip()
    if text:
        convoys = convoys.filter(
            Q(reference__icontains=text) | Q(title__icontains=text) | Q(origin_name__icontains=text)
        )
    status = request.GET.get("status", "")
    if status in ConvoyStatus.values:
        convoys = convoys.filter(status=status)
    return render(
        request,
        "staff/convoys/list.html",
        {
            "page": paginate(request, convoys.order_by("-plan_month", "-pk")),
            "query": query_without_page(request),
            "text": text,
            "status": status,
            "statuses": ConvoyStatus.choices,
        },
    )


def suggested_reference(today: datetime.date, organizations) -> str:
    """The month's next free number among the requests of ``organizations`` (references are unique per lead)."""
    prefix = f"CV-{today:%Y-%m}-"
    taken = set(
        ConvoyRequest.objects.filter(lead_organization__in=organizations, reference__startswith=prefix).values_list(
            "reference", flat=True
        )
    )
    number = 1
    while f"{prefix}{number:03d}" in taken:
        number += 1
    return f"{prefix}{number:03d}"


@login_required
def convoy_create_view(request):
    if not writable_organizations(request.user).exists():
        raise PermissionDenied(
            _("You are not a reporter or reviewer of any organization, so you cannot request convoys.")
        )
    if request.method == "POST":
        form = ConvoyForm(request.POST, user=request.user)
        destinations = DestinationFormSet(request.POST, prefix="destinations")
        cargo = CargoFormSet(request.POST, prefix="cargo")
        if form.is_valid() and destinations.is_valid() and cargo.is_valid():
            fields = form.service_fields()
            try:
                convoy = convoy_create(
                    by=request.user,
                    destinations=[d for d in (f.as_input() for f in destinations) if d],
                    cargo_lines=[c for c in (f.as_input() for f in cargo) if c],
                    **fields,
                )
            except (ValidationError, PermissionDenied) as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("Convoy request %(reference)s is saved as a draft. Submit it when ready.")
                    % {"reference": convoy.reference},
                )
                return redirect("staff:convoy_detail", pk=convoy.pk)
    else:
        today = timezone.localdate()
        form = ConvoyForm(
            user=request.user,
            initial={
                "reference": suggested_reference(today, writable_organizations(request.user)),
                "plan_month": today.replace(day=1),
                "visibility": Visibility.PARTNERS,
            },
        )
        destinations = DestinationFormSet(prefix="destinations")
        cargo = CargoFormSet(prefix="cargo")
    return render(request, "staff/convoys/form.html", {"form": form, "destinations": destinations, "cargo": cargo})


def _row_initial(convoy):
    destinations = [
        {"area": d.area_id, "community": d.community_id, "planned_beneficiaries": d.planned_beneficiaries}
        for d in convoy.destinations.all()
    ]
    cargo = [
        {"sector": c.sector, "item": c.item, "quantity": f"{c.quantity.normalize():f}", "unit": c.unit}
        for c in convoy.cargo_lines.all()
    ]
    return destinations, cargo


@login_required
def convoy_edit(request, pk):
    convoy = _visible_convoy(request.user, pk)
    if not can_write_for(request.user, convoy.lead_organization_id):
        raise PermissionDenied(
            _("Only reporters and reviewers of %(organization)s may edit this.")
            % {"organization": convoy.lead_organization.short_name}
        )
    # Destinations and cargo are what the parties are asked to approve: editable while a draft only.
    rows_editable = convoy.status == ConvoyStatus.DRAFT
    destination_initial, cargo_initial = _row_initial(convoy)
    changed_meanwhile = None
    destinations = cargo = None
    if request.method == "POST":
        form = ConvoyForm(request.POST, instance=convoy, user=request.user)
        if rows_editable:
            destinations = DestinationFormSet(request.POST, prefix="destinations")
            cargo = CargoFormSet(request.POST, prefix="cargo")
        rows_valid = not rows_editable or (destinations.is_valid() and cargo.is_valid())
        if form.is_valid() and rows_valid:
            rows = {}
            if rows_editable:
                rows = {
                    "destinations": [d for d in (f.as_input() for f in destinations) if d],
                    "cargo_lines": [c for c in (f.as_input() for f in cargo) if c],
                }
            try:
                convoy = convoy_update(
                    convoy=convoy,
                    by=request.user,
                    expected_version=form.cleaned_data["expected_version"],
                    partner_organizations=form.cleaned_data["partner_organizations"],
                    **rows,
                    **form.update_fields(),
                )
            except StaleEditError as error:
                current = ConvoyRequest.objects.get(pk=convoy.pk)
                changed_meanwhile = changes_since(current, error.expected_version)
                data = request.POST.copy()
                data["expected_version"] = str(current.version)
                form = ConvoyForm(data, instance=current, user=request.user)
                form.is_valid()
                form.add_error(None, stale_message(error))
            except (ValidationError, PermissionDenied) as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("Convoy request %(reference)s is saved (version %(version)s).")
                    % {"reference": convoy.reference, "version": convoy.version},
                )
                return redirect("staff:convoy_detail", pk=convoy.pk)
    else:
        form = ConvoyForm(instance=convoy, user=request.user)
        if rows_editable:
            destinations = DestinationFormSet(prefix="destinations", initial=destination_initial)
            cargo = CargoFormSet(prefix="cargo", initial=cargo_initial)
    return render(
        request,
        "staff/convoys/form.html",
        {
            "form": form,
            "convoy": convoy,
            "destinations": destinations,
            "cargo": cargo,
            "changed_meanwhile": changed_meanwhile,
        },
    )


def _detail_context(request, convoy, transition_form=None, removal_form=None, changed_meanwhile=None):
    may_write = can_write_for(request.user, convoy.lead_organization_id)
    allowed = allowed_transitions(convoy) if may_write else []
    cargo_lines = list(convoy.cargo_lines.annotate(removed=Sum("removals__quantity_removed")))
    return {
        "convoy": convoy,
        "insider": _is_insider(request.user, convoy),
        "may_write": may_write,
        "editable_rows": convoy.status == ConvoyStatus.DRAFT,
        "transition_form": transition_form or (TransitionForm(convoy=convoy, allowed=allowed) if allowed else None),
        "removal_form": removal_form
        or (RemovalForm(convoy=convoy) if may_write and convoy.status in AFTER_DISPATCH and cargo_lines else None),
        "destinations": convoy.destinations.select_related("area", "community"),
        "cargo_lines": cargo_lines,
        "events": convoy.events.select_related("recorded_by"),
        # A removal's incident is linked only where the reader may open it (an unverified one is not public).
        "removals": convoy.removals.select_related("cargo_line", "party", "incident").annotate(
            incident_shown=Exists(
                Incident.objects.filter(incident_visibility_q(audience_of(request.user)), pk=OuterRef("incident_id"))
            )
        ),
        "changed_meanwhile": changed_meanwhile,
        "tab": "detail",
    }


@login_required
def convoy_detail(request, pk):
    convoy = _visible_convoy(request.user, pk)
    return render(request, "staff/convoys/detail.html", _detail_context(request, convoy))


def step_from_post(request, convoy) -> tuple[object | None, TransitionForm, dict | None]:
    """Record the status step a posted form describes (the convoy's page and a device's outbox both send it).

    Returns the event (None when refused), the bound form, which carries the reasons of a refusal, and
    what changed meanwhile when the step was made on an out-of-date page.
    """
    form = TransitionForm(request.POST, convoy=convoy, allowed=allowed_transitions(convoy))
    earlier = sent_before(form, lambda key: convoy_step_sent_before(convoy=convoy, client_key=key, by=request.user))
    if earlier is not None:
        return earlier, form, None
    if not form.is_valid():
        if "to_status" in form.errors:
            # The status offered when the page was drawn is no longer allowed: say what is.
            form.errors.pop("to_status")
            convoy.refresh_from_db()
            form.add_error(
                None,
                _(
                    "Convoy %(reference)s is now %(status)s and cannot take that step; the buttons below show what "
                    "it can do now."
                )
                % {"reference": convoy.reference, "status": convoy.get_status_display().lower()},
            )
        return None, form, None
    try:
        event = convoy_transition(
            convoy=convoy,
            to_status=form.cleaned_data["to_status"],
            by=request.user,
            note=form.cleaned_data["note"],
            occurred_at=form.cleaned_data["occurred_at"],
            reached_beneficiaries=form.reached() or None,
            expected_version=form.cleaned_data["expected_version"],
            client_key=form.cleaned_data["client_key"],
        )
    except StaleEditError as error:
        convoy.refresh_from_db()
        changed_meanwhile = changes_since(convoy, error.expected_version)
        data = request.POST.copy()
        data["expected_version"] = str(convoy.version)
        form = TransitionForm(data, convoy=convoy, allowed=allowed_transitions(convoy))
        form.is_valid()
        form.add_error(None, stale_message(error))
        return None, form, changed_meanwhile
    except (ValidationError, PermissionDenied) as error:
        add_service_error(form, error)
        return None, form, None
    return event, form, None


def convoy_to_move(user, pk) -> ConvoyRequest:
    """The convoy a status step or a removal is posted for: one the user sees (else 404) and writes for (else 403).

    The convoy's page and a device's outbox both ask here, so that they find and refuse alike.
    """
    convoy = _visible_convoy(user, pk)
    if not can_write_for(user, convoy.lead_organization_id):
        raise PermissionDenied(
            _("Only reporters and reviewers of %(organization)s may do this.")
            % {"organization": convoy.lead_organization.short_name}
        )
    return convoy


@login_required
@require_POST
def convoy_transition_view(request, pk):
    convoy = convoy_to_move(request.user, pk)
    event, form, changed_meanwhile = step_from_post(request, convoy)
    if event is not None:
        messages.success(
            request,
            _("Convoy %(reference)s is now “%(status)s”.")
            % {"reference": convoy.reference, "status": event.get_to_status_display()},
        )
        return redirect("staff:convoy_detail", pk=convoy.pk)
    convoy.refresh_from_db()
    context = _detail_context(request, convoy, transition_form=form, changed_meanwhile=changed_meanwhile)
    return render(request, "staff/convoys/detail.html", context, status=400)


@login_required
@require_POST
def convoy_removal_view(request, pk):
    convoy = convoy_to_move(request.user, pk)
    removal, form = removal_from_post(request, convoy)
    if removal is not None:
        messages.success(
            request,
            _("Removal recorded: %(removal)s. Obstruction incident %(reference)s was created.")
            % {"removal": removal, "reference": removal.incident.reference},
        )
        return redirect("staff:convoy_detail", pk=convoy.pk)
    context = _detail_context(request, convoy, removal_form=form)
    return render(request, "staff/convoys/detail.html", context, status=400)


def removal_from_post(request, convoy) -> tuple[object | None, RemovalForm]:
    """Record the checkpoint removal a posted form describes (the convoy's page and a device's outbox send it).

    Returns the removal (None when refused) and the bound form with the reasons of a refusal. A removal sent
    again under its device id (its first answer was lost) is answered as recorded, and recorded once.
    """
    form = RemovalForm(request.POST, convoy=convoy)
    earlier = sent_before(
        form, lambda key: checkpoint_removal_sent_before(convoy=convoy, client_key=key, by=request.user)
    )
    if earlier is not None:
        return earlier, form
    if not form.is_valid():
        return None, form
    try:
        removal = checkpoint_removal_record(convoy=convoy, by=request.user, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        add_service_error(form, error)
        return None, form
    return removal, form


@login_required
def convoy_history(request, pk):
    convoy = _visible_convoy(request.user, pk)
    if not _is_insider(request.user, convoy):
        raise Http404("The history of another organization's convoy is not shown.")
    return render(
        request,
        "staff/history.html",
        {"record": convoy, "entries": record_history(convoy), "tab": "history", "kind": "convoy"},
    )
