"""What a device's outbox talks to: who is signed in, and reports sent when the connection returns.

A report sent from the outbox goes through the same form and service as the form page, and carries the
id the device gave it (``client_key``): a report sent twice, because the first answer was lost, is
answered as if it had just been created and is stored once.
"""

from functools import wraps

from django.contrib import messages
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aidtrack.incidents.models import VerificationStatus
from aidtrack.staff.views.convoys import convoy_to_move, removal_from_post, step_from_post
from aidtrack.staff.views.incidents import edit_from_post, incident_to_edit, report_from_post, sent_back_message


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


def outbox_post(*, without_key):
    """A view that takes what a device's outbox sends: a POST from a signed-in account carrying its device id.

    Signed out, the device is told to keep its reports (401); without ``client_key``, ``without_key`` says so (400).
    """

    def decorate(view):
        @require_POST
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return _signed_out()
            if not request.POST.get("client_key"):
                return JsonResponse({"error": str(without_key)}, status=400)
            return view(request, *args, **kwargs)

        return checked

    return decorate


def _refused(error: str, form, sources=None) -> JsonResponse:
    """Nothing was saved: why in a sentence, and every reason by field."""
    return JsonResponse({"error": error, "errors": _errors(form, sources)}, status=400)


def _taken(request, record, answer: dict, *, said: str, warned: str = "", created: bool = True) -> JsonResponse:
    """A report the server took, now or when it was sent before: JSON for the device, and, when the device's own
    form page sent it (``X-Outbox-Form``), the message that page shows next.

    201 when it created a record; 200 when it was sent before (stored once) or changed an existing one.
    """
    sent_before = getattr(record, "sent_before", False)
    if request.headers.get("X-Outbox-Form"):
        messages.success(request, said)
        if warned:
            messages.warning(request, warned)
    return JsonResponse({**answer, "sent_before": sent_before}, status=201 if created and not sent_before else 200)


@outbox_post(without_key=gettext_lazy("A report from the outbox carries its device id (client_key)."))
def outbox_incident(request):
    """Report an incident sent from a device's outbox; JSON answers say created, sent before, or why refused."""
    incident, form, sources = report_from_post(request)
    if incident is None:
        return _refused(
            _("The report was refused: nothing was saved. Open it, fix what is marked and send it again."),
            form,
            sources,
        )
    if getattr(incident, "sent_before", False):
        said = _("Incident %(reference)s was sent before; it is recorded once.")
    else:
        said = _("Incident %(reference)s is reported; a reviewer will verify it.")
    return _taken(
        request,
        incident,
        {"reference": incident.reference, "url": reverse("staff:incident_detail", args=[incident.pk])},
        said=said % {"reference": incident.reference},
    )


@outbox_post(without_key=gettext_lazy("A step from the outbox carries its device id (client_key)."))
def outbox_convoy_step(request, pk):
    """Record a convoy's status step sent from a device's outbox, through the convoy page's form and service.

    A step made on a page that was out of date when it was sent (someone moved the convoy meanwhile) is
    refused with what changed, like any stale edit, and stays on the device for its author to decide.
    """
    convoy = convoy_to_move(request.user, pk)
    event, form, _changed = step_from_post(request, convoy)
    if event is None:
        return _refused(
            _("The step was refused: nothing was saved. Open it, check what is marked and send it again."), form
        )
    return _taken(
        request,
        event,
        {
            "reference": convoy.reference,
            "status": event.to_status,
            "url": reverse("staff:convoy_detail", args=[convoy.pk]),
        },
        said=_("Convoy %(reference)s is now %(status)s.")
        % {"reference": convoy.reference, "status": event.get_to_status_display().lower()},
    )


@outbox_post(without_key=gettext_lazy("An edit from the outbox carries its device id (client_key)."))
def outbox_incident_edit(request, pk):
    """Apply an edit of an incident sent from a device's outbox, through the edit page's form and service.

    An edit made on a page that was out of date when it was sent (someone saved the incident meanwhile) is
    refused with what changed; the answer carries the saved version, on which the device bases the edit
    it keeps, so that sending it again is a deliberate choice made after reading the changes.
    """
    incident = incident_to_edit(request.user, pk)
    reviewed_before = incident.verification_status != VerificationStatus.REPORTED
    saved, form, sources, changed_meanwhile = edit_from_post(request, incident)
    if saved is None:
        if changed_meanwhile is None:
            return _refused(
                _("The edit was refused: nothing was saved. Open it, fix what is marked and send it again."),
                form,
                sources,
            )
        return _stale_edit(request, form, sources, changed_meanwhile)
    sent_back = (
        not getattr(saved, "sent_before", False)
        and reviewed_before
        and saved.verification_status == VerificationStatus.REPORTED
    )
    return _taken(
        request,
        saved,
        {
            "reference": saved.reference,
            "version": saved.version,
            "url": reverse("staff:incident_detail", args=[saved.pk]),
        },
        said=_("Incident %(reference)s is saved (version %(version)s).")
        % {"reference": saved.reference, "version": saved.version},
        warned=sent_back_message(saved) if sent_back else "",
        created=False,
    )


def _stale_edit(request, form, sources, changed_meanwhile) -> JsonResponse:
    """An edit refused because someone saved the incident meanwhile: the saved version and what changed."""
    return JsonResponse(
        {
            # Said once, in the device's words: the form's own refusal speaks of a page the device never showed.
            "error": _(
                "Someone saved this incident after you started editing it (you started from version "
                "%(yours)s; the saved one is version %(saved)s). Your edit was not saved and is kept: open it, "
                "check their changes and send it again to apply yours."
            )
            % {"yours": request.POST.get("expected_version", "?"), "saved": form.instance.version},
            "errors": [problem for problem in _errors(form, sources) if problem["field"]],
            "expected_version": form.instance.version,
            "changes": [
                {
                    "version": entry.version,
                    "who": entry.who,
                    "when": entry.when.isoformat(),
                    "changes": [{"field": str(c.field), "old": c.old, "new": c.new} for c in entry.changes],
                }
                for entry in changed_meanwhile
            ],
        },
        status=400,
    )


@outbox_post(without_key=gettext_lazy("A removal from the outbox carries its device id (client_key)."))
def outbox_convoy_removal(request, pk):
    """Record a checkpoint removal sent from a device's outbox, through the convoy page's form and service."""
    convoy = convoy_to_move(request.user, pk)
    removal, form = removal_from_post(request, convoy)
    if removal is None:
        return _refused(
            _("The removal was refused: nothing was saved. Open it, fix what is marked and send it again."), form
        )
    return _taken(
        request,
        removal,
        {
            "reference": convoy.reference,
            "incident": removal.incident.reference,
            "url": reverse("staff:convoy_detail", args=[convoy.pk]),
        },
        said=_("Removal recorded on convoy %(reference)s; obstruction incident %(incident)s was created.")
        % {"reference": convoy.reference, "incident": removal.incident.reference},
    )
