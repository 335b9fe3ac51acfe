"""What a device's outbox talks to: who is signed in, and reports sent when the connection returns.

A report sent from the outbox goes through the same form and service as the form page, and carries the
id the device gave it (``client_key``): a report sent twice, because the first answer was lost, is
answered as if it had just been created and is stored once.
"""

from django.contrib import messages
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aidtrack.incidents.models import VerificationStatus
from aidtrack.staff.views.convoys import _visible_convoy, check_may_move, removal_from_post, step_from_post
from aidtrack.staff.views.incidents import (
    _visible_incident,
    check_may_edit,
    edit_from_post,
    report_from_post,
    sent_back_message,
)


def _signed_out() -> JsonResponse:
    return JsonResponse(
        {"error": _("Sign in again to send the reports waiting on this device; they are kept until then.")},
        status=401,
    )


@require_GET
def outbox_status(request):
    """Who is signed in (the outbox sends only its own account's reports) and a fresh CSRF token."""
    if not request.user.is_authenticated:
        return _signed_out()
    return JsonResponse({"user": request.user.pk, "csrf": get_token(request)})


def _errors(form, sources=None) -> list[dict]:
    """Every reason for a refusal, with the field (its name in the form and its label) it concerns."""
    found = []
    for bound, prefix in [(form, ""), *((f, f.prefix + "-") for f in (sources.forms if sources else ()))]:
        for name, reasons in bound.errors.items():
            field = bound.fields.get(name)
            found.append(
                {
                    "field": f"{prefix}{name}" if name != "__all__" else "",
                    "label": str(field.label or name) if field else "",
                    "messages": list(reasons),
                }
            )
    if sources is not None and sources.non_form_errors():
        found.append({"field": "", "label": "", "messages": list(sources.non_form_errors())})
    return found


@require_POST
def outbox_incident(request):
    """Report an incident sent from a device's outbox; JSON answers say created, sent before, or why refused."""
    if not request.user.is_authenticated:
        return _signed_out()
    if not request.POST.get("client_key"):
        return JsonResponse({"error": _("A report from the outbox carries its device id (client_key).")}, status=400)
    incident, form, sources = report_from_post(request)
    if incident is None:
        return JsonResponse(
            {
                "error": _("The report was refused: nothing was saved. Open it, fix what is marked and send it again."),
                "errors": _errors(form, sources),
            },
            status=400,
        )
    sent_before = getattr(incident, "sent_before", False)
    if request.headers.get("X-Outbox-Form"):
        if sent_before:
            message = _("Incident %(reference)s was sent before; it is recorded once.")
        else:
            message = _("Incident %(reference)s is reported; a reviewer will verify it.")
        messages.success(request, message % {"reference": incident.reference})
    return JsonResponse(
        {
            "reference": incident.reference,
            "url": reverse("staff:incident_detail", args=[incident.pk]),
            "sent_before": sent_before,
        },
        status=200 if sent_before else 201,
    )


@require_POST
def outbox_convoy_step(request, pk):
    """Record a convoy's status step sent from a device's outbox, through the convoy page's form and service.

    A step made on a page that was out of date when it was sent (someone moved the convoy meanwhile) is
    refused with what changed, like any stale edit, and stays on the device for its author to decide.
    """
    if not request.user.is_authenticated:
        return _signed_out()
    if not request.POST.get("client_key"):
        return JsonResponse({"error": _("A step from the outbox carries its device id (client_key).")}, status=400)
    convoy = _visible_convoy(request.user, pk)
    check_may_move(request.user, convoy)
    event, form, _changed = step_from_post(request, convoy)
    if event is None:
        return JsonResponse(
            {
                "error": _("The step was refused: nothing was saved. Open it, check what is marked and send it again."),
                "errors": _errors(form),
            },
            status=400,
        )
    sent_before = getattr(event, "sent_before", False)
    if request.headers.get("X-Outbox-Form"):
        messages.success(
            request,
            _("Convoy %(reference)s is now %(status)s.")
            % {"reference": convoy.reference, "status": event.get_to_status_display().lower()},
        )
    return JsonResponse(
        {
            "reference": convoy.reference,
            "status": event.to_status,
            "url": reverse("staff:convoy_detail", args=[convoy.pk]),
            "sent_before": sent_before,
        },
        status=200 if sent_before else 201,
    )


@require_POST
def outbox_incident_edit(request, pk):
    """Apply an edit of an incident sent from a device's outbox, through the edit page's form and service.

    An edit made on a page that was out of date when it was sent (someone saved the incident meanwhile) is
    refused with what changed; the answer carries the saved version, on which the device bases the edit
    it keeps, so that sending it again is a deliberate choice made after reading the changes.
    """
    if not request.user.is_authenticated:
        return _signed_out()
    if not request.POST.get("client_key"):
        return JsonResponse({"error": _("An edit from the outbox carries its device id (client_key).")}, status=400)
    incident = _visible_incident(request.user, pk)
    check_may_edit(request.user, incident)
    reviewed_before = incident.verification_status != VerificationStatus.REPORTED
    saved, form, sources, changed_meanwhile = edit_from_post(request, incident)
    if saved is None:
        answer = {
            "error": _("The edit was refused: nothing was saved. Open it, fix what is marked and send it again."),
            "errors": _errors(form, sources),
        }
        if changed_meanwhile is not None:
            # Said once, in the device's words: the form's own refusal speaks of a page the device never showed.
            answer["errors"] = [problem for problem in answer["errors"] if problem["field"]]
            answer["error"] = _(
                "Someone saved this incident after you started editing it (you started from version "
                "%(yours)s; the saved one is version %(saved)s). Your edit was not saved and is kept: open it, "
                "check their changes and send it again to apply yours."
            ) % {"yours": request.POST.get("expected_version", "?"), "saved": form.instance.version}
            answer["expected_version"] = form.instance.version
            answer["changes"] = [
                {
                    "version": entry.version,
                    "who": entry.who,
                    "when": entry.when.isoformat(),
                    "changes": [{"field": str(c.field), "old": c.old, "new": c.new} for c in entry.changes],
                }
                for entry in changed_meanwhile
            ]
        return JsonResponse(answer, status=400)
    sent_before = getattr(saved, "sent_before", False)
    if request.headers.get("X-Outbox-Form"):
        messages.success(
            request,
            _("Incident %(reference)s is saved (version %(version)s).")
            % {"reference": saved.reference, "version": saved.version},
        )
        if not sent_before and reviewed_before and saved.verification_status == VerificationStatus.REPORTED:
            messages.warning(request, sent_back_message(saved))
    return JsonResponse(
        {
            "reference": saved.reference,
            "version": saved.version,
            "url": reverse("staff:incident_detail", args=[saved.pk]),
            "sent_before": sent_before,
        },
        status=200,
    )


@require_POST
def outbox_convoy_removal(request, pk):
    """Record a checkpoint removal sent from a device's outbox, through the convoy page's form and service."""
    if not request.user.is_authenticated:
        return _signed_out()
    if not request.POST.get("client_key"):
        return JsonResponse({"error": _("A removal from the outbox carries its device id (client_key).")}, status=400)
    convoy = _visible_convoy(request.user, pk)
    check_may_move(request.user, convoy)
    removal, form = removal_from_post(request, convoy)
    if removal is None:
        return JsonResponse(
            {
                "error": _(
                    "The removal was refused: nothing was saved. Open it, fix what is marked and send it again."
                ),
                "errors": _errors(form),
            },
            status=400,
        )
    sent_before = getattr(removal, "sent_before", False)
    if request.headers.get("X-Outbox-Form"):
        messages.success(
            request,
            _("Removal recorded on convoy %(reference)s; obstruction incident %(incident)s was created.")
            % {"reference": convoy.reference, "incident": removal.incident.reference},
        )
    return JsonResponse(
        {
            "reference": convoy.reference,
            "incident": removal.incident.reference,
            "url": reverse("staff:convoy_detail", args=[convoy.pk]),
            "sent_before": sent_before,
        },
        status=200 if sent_before else 201,
    )
