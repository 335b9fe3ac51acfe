"""Writing alerts: subscriptions, reading notifications, webhook endpoints. Keyword-only and all or nothing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aidtrack.alerts.events import enqueue_after_commit
from aidtrack.alerts.models import (
    AGREEMENT_EVENT_TYPES,
    AREA_EVENT_TYPES,
    CONVOY_EVENT_TYPES,
    WEBHOOK_EVENT_TYPES,
    AlertKind,
    DeliveryStatus,
    EventType,
    Frequency,
    Notification,
    Subscription,
    WebhookDelivery,
    WebhookEndpoint,
    new_webhook_secret,
)
from aidtrack.alerts.selectors import webhook_organizations
from aidtrack.alerts.webhooks import check_target
from aidtrack.orgs.permissions import REVIEW_ROLES, is_site_admin, organization_ids_of

SUBSCRIPTION_FIELDS = (
    "name",
    "categories",
    "governorate",
    "party",
    "organization",
    "area",
    "agreement",
    "event_types",
    "waiting_days",
    "no_delivery_days",
    "run_days",
    "frequency",
    "email",
    "language",
)


def _check_subscription(subscription: Subscription) -> None:
    user = subscription.user
    allowed = {
        AlertKind.CONVOYS: CONVOY_EVENT_TYPES,
        AlertKind.AREAS: AREA_EVENT_TYPES,
        AlertKind.AGREEMENTS: AGREEMENT_EVENT_TYPES,
    }.get(subscription.kind, [])
    if allowed:
        if not subscription.event_types:
            raise ValidationError({"event_types": _("Choose at least one event.")})
        if set(subscription.event_types) - set(allowed):
            raise ValidationError({"event_types": _("Choose among the events offered for this kind of alert.")})
    else:
        subscription.event_types = []
    if subscription.kind == AlertKind.REVIEW:
        if not (is_site_admin(user) or organization_ids_of(user, REVIEW_ROLES)):
            raise PermissionDenied(_("Only reviewers can subscribe to the verification digest."))
        subscription.frequency = Frequency.DAILY
    theirs = is_site_admin(user) or subscription.organization_id in organization_ids_of(user)
    if subscription.kind == AlertKind.CONVOYS and subscription.organization_id and not theirs:
        raise ValidationError({"organization": _("Choose one of your own organizations.")})
    if (subscription.email or subscription.kind == AlertKind.REVIEW) and not user.email:
        raise ValidationError(_("Your account has no e-mail address: ask your organization admin to add one."))


@transaction.atomic
def subscription_create(*, user, kind: str, **fields) -> Subscription:
    unknown = set(fields) - set(SUBSCRIPTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown subscription fields: {sorted(unknown)}")
    subscription = Subscription(user=user, kind=kind, **fields)
    _check_subscription(subscription)
    subscription.full_clean()
    subscription.save()
    return subscription


@transaction.atomic
def subscription_set_active(*, subscription: Subscription, by, active: bool) -> Subscription:
    if subscription.user_id != by.pk:
        raise PermissionDenied(_("This is not your subscription."))
    subscription.is_active = active
    subscription.full_clean()
    subscription.save(update_fields=["is_active"])
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: Subscription, by) -> None:
    if subscription.user_id != by.pk:
        raise PermissionDenied(_("This is not your subscription."))
    subscription.delete()


@transaction.atomic
def subscription_unsubscribe(*, subscription: Subscription) -> Subscription:
    """The one-click unsubscribe of an e-mail (the signed link is the permission)."""
    subscription.is_active = False
    subscription.full_clean()
    subscription.save(update_fields=["is_active"])
    return subscription


@transaction.atomic
def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (the given ones, or all)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def _check_may_manage(by, organization) -> None:
    if not webhook_organizations(by).filter(pk=organization.pk).exists():
        raise PermissionDenied(
            _("Only an admin of %(organization)s can manage its webhooks.") % {"organization": organization.short_name}
        )


def _check_endpoint(endpoint: WebhookEndpoint) -> None:
    if not endpoint.event_types:
        raise ValidationError({"event_types": _("Choose at least one event.")})
    if set(endpoint.event_types) - set(WEBHOOK_EVENT_TYPES):
        raise ValidationError({"event_types": _("Choose among the events offered.")})
    try:
        check_target(endpoint.url)
    except ValidationError as refused:
        raise ValidationError({"url": refused.messages}) from None


@transaction.atomic
def webhook_endpoint_create(*, by, organization, url: str, event_types: list[str], description: str = ""):
    """Register an endpoint; its secret is returned here once (the page shows it once)."""
    _check_may_manage(by, organization)
    endpoint = WebhookEndpoint(
        organization=organization, url=url, event_types=event_types, description=description, created_by=by
    )
    _check_endpoint(endpoint)
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_update(*, endpoint: WebhookEndpoint, by, url: str, event_types: list[str], description: str = ""):
    _check_may_manage(by, endpoint.organization)
    endpoint.url, endpoint.event_types, endpoint.description = url, event_types, description
    _check_endpoint(endpoint)
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, by) -> None:
    _check_may_manage(by, endpoint.organization)
    endpoint.delete()


@transaction.atomic
def webhook_secret_renew(*, endpoint: WebhookEndpoint, by) -> str:
    _check_may_manage(by, endpoint.organization)
    endpoint.secret = new_webhook_secret()
    endpoint.save(update_fields=["secret"])
    return endpoint.secret


@transaction.atomic
def webhook_endpoint_resume(*, endpoint: WebhookEndpoint, by) -> int:
    """Resume a paused endpoint; the deliveries waiting for it are sent again. Returns how many."""
    from aidtrack.alerts.tasks import webhook_deliver

    _check_may_manage(by, endpoint.organization)
    endpoint.paused_at = None
    endpoint.consecutive_failures = 0
    endpoint.save(update_fields=["paused_at", "consecutive_failures"])
    waiting = list(
        endpoint.deliveries.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING]).values_list(
            "pk", flat=True
        )
    )
    endpoint.deliveries.filter(pk__in=waiting).update(next_attempt_at=None)
    for delivery_id in waiting:
        enqueue_after_commit(webhook_deliver, delivery_id)
    return len(waiting)


@transaction.atomic
def webhook_test(*, endpoint: WebhookEndpoint, by) -> WebhookDelivery:
    """Queue a test delivery ("ping") to the endpoint."""
    from aidtrack.alerts.tasks import webhook_deliver

    _check_may_manage(by, endpoint.organization)
    delivery = WebhookDelivery(endpoint=endpoint, event_type=EventType.PING)
    delivery.full_clean()
    delivery.save()
    enqueue_after_commit(webhook_deliver, delivery.pk)
    return delivery
