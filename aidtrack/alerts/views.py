"""Alert screens: my alerts (notifications and subscriptions), new alert, webhooks, one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from aidtrack.alerts import selectors, services
from aidtrack.alerts.emails import subscription_from_token
from aidtrack.alerts.forms import SubscriptionForm, WebhookForm
from aidtrack.alerts.models import AlertKind
from aidtrack.orgs.models import Organization
from aidtrack.orgs.permissions import REVIEW_ROLES, is_site_admin, organization_ids_of
from aidtrack.staff.views.common import add_service_error, paginate

SECRET_KEY = "alerts.webhook_secret"


@login_required
def alert_list(request):
    page = paginate(request, selectors.notifications_of(request.user))
    rows = selectors.notification_items(page, request.user)
    unread_ids = [n.pk for n, _item in rows if n.read_at is None]
    response = render(
        request,
        "alerts/alerts.html",
        {
            "page": page,
            "rows": rows,
            "unread_ids": set(unread_ids),
            "subscriptions": selectors.subscriptions_of(request.user),
            "kinds": _kinds_for(request.user),
        },
    )
    # Shown once is read: the next visit shows them without the "new" mark.
    services.notifications_mark_read(user=request.user, ids=unread_ids)
    return response


def _kinds_for(user):
    kinds = [AlertKind.INCIDENTS, AlertKind.CONVOYS, AlertKind.AREAS, AlertKind.AGREEMENTS]
    if is_site_admin(user) or organization_ids_of(user, REVIEW_ROLES):
        kinds.append(AlertKind.REVIEW)
    return kinds


@login_required
def subscription_new(request):
    kinds = _kinds_for(request.user)
    kind = request.GET.get("kind") or request.POST.get("kind")
    if kind not in kinds:
        return render(request, "alerts/subscribe_kind.html", {"kinds": kinds})
    organizations = Organization.objects.filter(pk__in=organization_ids_of(request.user)).order_by("name")
    if is_site_admin(request.user):
        organizations = Organization.objects.filter(is_active=True).order_by("name")
    form = SubscriptionForm(request.POST or None, kind=kind, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_create(
                user=request.user, kind=kind, language=translation.get_language() or "en", **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Alert saved. You will find what it catches here."))
            return redirect("staff:alerts")
    return render(
        request,
        "alerts/subscribe.html",
        {"form": form, "kind": kind, "kind_label": AlertKind(kind).label, "has_email": bool(request.user.email)},
    )


@login_required
@require_POST
def subscription_action(request, pk, action):
    subscription = get_object_or_404(selectors.subscriptions_of(request.user), pk=pk)
    if action == "delete":
        services.subscription_delete(subscription=subscription, by=request.user)
        messages.success(request, _("Alert deleted."))
    elif action in ("pause", "resume"):
        services.subscription_set_active(subscription=subscription, by=request.user, active=action == "resume")
        messages.success(request, _("Alert paused.") if action == "pause" else _("Alert resumed."))
    else:
        raise Http404
    return redirect("staff:alerts")


@csrf_exempt  # The signed link is the permission; mail clients' one-click unsubscribe POSTs without a form.
def unsubscribe(request, token):
    subscription = subscription_from_token(token)
    if subscription is None:
        return render(request, "alerts/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        services.subscription_unsubscribe(subscription=subscription)
        done = True
    return render(request, "alerts/unsubscribe.html", {"subscription": subscription, "done": done})


def _check_webhook_access(user):
    if not selectors.webhook_organizations(user).exists():
        raise PermissionDenied(_("Only organization admins manage webhooks."))


@login_required
def webhook_list(request):
    _check_webhook_access(request.user)
    return render(request, "alerts/webhooks.html", {"endpoints": selectors.endpoints_managed_by(request.user)})


@login_required
def webhook_new(request):
    _check_webhook_access(request.user)
    form = WebhookForm(request.POST or None, organizations=selectors.webhook_organizations(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.webhook_endpoint_create(by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, error)
        else:
            request.session[SECRET_KEY] = {"pk": endpoint.pk, "secret": endpoint.secret}
            return redirect("staff:webhook_detail", pk=endpoint.pk)
    return render(request, "alerts/webhook_form.html", {"form": form})


@login_required
def webhook_detail(request, pk):
    endpoint = get_object_or_404(selectors.endpoints_managed_by(request.user), pk=pk)
    shown = request.session.pop(SECRET_KEY, None)
    secret = shown["secret"] if shown and shown.get("pk") == endpoint.pk else None
    page = paginate(request, selectors.deliveries_of(endpoint))
    return render(request, "alerts/webhook_detail.html", {"endpoint": endpoint, "secret": secret, "page": page})


@login_required
@require_POST
def webhook_action(request, pk, action):
    endpoint = get_object_or_404(selectors.endpoints_managed_by(request.user), pk=pk)
    if action == "test":
        services.webhook_test(endpoint=endpoint, by=request.user)
        messages.success(request, _("A test delivery was queued; its result appears in the log below."))
    elif action == "resume":
        count = services.webhook_endpoint_resume(endpoint=endpoint, by=request.user)
        messages.success(request, _("Endpoint resumed; %(count)d waiting deliveries queued again.") % {"count": count})
    elif action == "secret":
        secret = services.webhook_secret_renew(endpoint=endpoint, by=request.user)
        request.session[SECRET_KEY] = {"pk": endpoint.pk, "secret": secret}
        messages.success(request, _("New secret made: the old one no longer signs deliveries."))
    elif action == "delete":
        services.webhook_endpoint_delete(endpoint=endpoint, by=request.user)
        messages.success(request, _("Endpoint deleted."))
        return redirect("staff:webhooks")
    else:
        raise Http404
    return redirect("staff:webhook_detail", pk=endpoint.pk)
