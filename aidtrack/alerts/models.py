"""Alerts: what people subscribe to, the events that may interest them, and what reached them.

An ``AlertEvent`` is written in the same transaction as the change that caused it (an outbox), so that no
event is lost when the queue is down and none is sent for a change that was rolled back. The background
runner fans each event out once to the matching subscriptions (``Notification``) and webhook endpoints
(``WebhookDelivery``); unique constraints make a second fan-out of the same event add nothing.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aidtrack.convoys.models import ConvoyStatus
from aidtrack.incidents.models import Category


class AlertKind(models.TextChoices):
    INCIDENTS = "incidents", _("New incidents matching a filter")
    CONVOYS = "convoys", _("Convoy requests of my organizations")
    AREAS = "areas", _("Register areas")
    AGREEMENTS = "agreements", _("Agreements and their conditions")
    REVIEW = "review", _("Reviewer digest: what awaits verification")


class EventType(models.TextChoices):
    INCIDENT_NEW = "incident.new", _("New incident")
    CONVOY_WAITING = "convoy.waiting", _("Convoy waiting for an answer")
    CONVOY_DENIED = "convoy.denied", _("Convoy denied")
    CONVOY_BLOCKED = "convoy.blocked", _("Convoy blocked")
    CONVOY_ATTACKED = "convoy.attacked", _("Convoy attacked")
    CONVOY_DELIVERED = "convoy.delivered", _("Convoy delivered")
    AREA_STATUS = "area.status", _("Area status changed")
    AREA_NO_DELIVERY = "area.no_delivery", _("No delivery to an area")
    AGREEMENT_BROKEN = "agreement.condition_broken", _("Agreement condition broken")
    AGREEMENT_RUN = "agreement.run_reached", _("Agreement condition met for N days in a row")
    REVIEW_DIGEST = "review.digest", _("Incidents awaiting verification")
    PING = "ping", _("Test delivery")


# Convoy transitions that are events, and the event each one is.
CONVOY_STATUS_EVENTS = {
    ConvoyStatus.DENIED: EventType.CONVOY_DENIED,
    ConvoyStatus.BLOCKED: EventType.CONVOY_BLOCKED,
    ConvoyStatus.ATTACKED: EventType.CONVOY_ATTACKED,
    ConvoyStatus.DELIVERED: EventType.CONVOY_DELIVERED,
    ConvoyStatus.PARTIALLY_DELIVERED: EventType.CONVOY_DELIVERED,
}
CONVOY_EVENT_TYPES = [
    EventType.CONVOY_WAITING,
    EventType.CONVOY_DENIED,
    EventType.CONVOY_BLOCKED,
    EventType.CONVOY_ATTACKED,
    EventType.CONVOY_DELIVERED,
]
AREA_EVENT_TYPES = [EventType.AREA_STATUS, EventType.AREA_NO_DELIVERY]
AGREEMENT_EVENT_TYPES = [EventType.AGREEMENT_BROKEN, EventType.AGREEMENT_RUN]
# What a webhook endpoint may ask for.
WEBHOOK_EVENT_TYPES = [EventType.INCIDENT_NEW, *CONVOY_EVENT_TYPES, *AREA_EVENT_TYPES, *AGREEMENT_EVENT_TYPES]


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", _("At once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")


class Subscription(models.Model):
    """One person's standing request to be told about something, and how."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_subscriptions")
    kind = models.CharField(_("what"), max_length=20, choices=AlertKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("Your own label, e.g. Madaya road."))
    # Incident filter (each blank means "any").
    categories = models.JSONField(_("categories"), default=list, blank=True)
    governorate = models.ForeignKey(
        "geo.AdminArea",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("governorate"),
    )
    party = models.ForeignKey(
        "orgs.Party", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("party")
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    area = models.ForeignKey(
        "areas.Area", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("area")
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement"),
    )
    # Convoy, area and agreement events wanted.
    event_types = models.JSONField(_("events"), default=list, blank=True)
    waiting_days = models.PositiveSmallIntegerField(
        _("working days without an answer"), default=7, help_text=_("Tell me when a request has waited this long.")
    )
    no_delivery_days = models.PositiveSmallIntegerField(
        _("days without a delivery"), default=30, help_text=_("Tell me when an area has had no delivery this long.")
    )
    run_days = models.PositiveSmallIntegerField(
        _("days in a row"), default=7, help_text=_("Tell me when a condition has held this many days in a row.")
    )
    frequency = models.CharField(_("how often"), max_length=20, choices=Frequency.choices, default=Frequency.IMMEDIATE)
    email = models.BooleanField(_("by e-mail"), default=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["user", "-created_at"]
        indexes = [models.Index(fields=["kind", "is_active"], name="subscription_kind_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(waiting_days__gte=1), name="subscription_waiting_days_positive"),
            models.CheckConstraint(
                condition=models.Q(no_delivery_days__gte=1), name="subscription_no_delivery_days_positive"
            ),
            models.CheckConstraint(condition=models.Q(run_days__gte=1), name="subscription_run_days_positive"),
        ]

    def __str__(self):
        return self.name or str(self.get_kind_display())

    @property
    def category_labels(self) -> list[str]:
        return [str(Category(value).label) for value in self.categories if value in Category.values]


class AlertEvent(models.Model):
    """Something happened that subscribers may want to hear of: a row written with the change (an outbox)."""

    event_type = models.CharField(max_length=30, choices=EventType.choices)
    dedup_key = models.CharField(max_length=200, unique=True, help_text="The same happening is recorded once.")
    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, null=True, blank=True)
    convoy = models.ForeignKey("convoys.ConvoyRequest", on_delete=models.CASCADE, null=True, blank=True)
    convoy_event = models.ForeignKey("convoys.ConvoyEvent", on_delete=models.CASCADE, null=True, blank=True)
    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, null=True, blank=True)
    status_period = models.ForeignKey("areas.StatusPeriod", on_delete=models.CASCADE, null=True, blank=True)
    condition = models.ForeignKey("agreements.AgreementCondition", on_delete=models.CASCADE, null=True, blank=True)
    # Figures the event is about (working days waited, days without delivery...), never record text.
    details = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["fanned_out_at", "created_at"], name="alertevent_pending_idx")]

    def __str__(self):
        return self.dedup_key


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    DIGEST = "digest", _("waiting for the digest")
    SENT = "sent", _("sent")
    NONE = "none", _("not by e-mail")
    WITHHELD = "withheld", _("withheld: no longer visible to you")
    FAILED = "failed", _("failed")


class Notification(models.Model):
    """An event as it reached one subscriber: the in-app list, and the e-mail when one is wanted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_notifications")
    subscription = models.ForeignKey(Subscription, on_delete=models.SET_NULL, null=True, related_name="notifications")
    event = models.ForeignKey(AlertEvent, on_delete=models.CASCADE, related_name="notifications")
    # What the notification is about, so that a subscriber hears of a record once (e.g. "incident:12").
    topic = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=20, choices=EmailStatus.choices, default=EmailStatus.NONE)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["email_status"], name="notification_email_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "topic"], name="notification_once_per_topic"),
        ]

    def __str__(self):
        return f"{self.user}: {self.topic}"


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A URL of an organization (or API client) that receives signed JSON POSTs of the events it asked for."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="webhook_endpoints", verbose_name=_("organization")
    )
    url = models.URLField(_("URL"), max_length=500, help_text=_("Where the events are POSTed (https:// advised)."))
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(_("events"), default=list)
    # Kept readable: each delivery is signed with it (HMAC-SHA256). Shown once, when made or renewed.
    secret = models.CharField(max_length=100, default=new_webhook_secret, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    paused_at = models.DateTimeField(null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization", "url"]

    def __str__(self):
        return self.url

    @property
    def event_type_labels(self) -> list[str]:
        return [str(EventType(value).label) for value in self.event_types if value in EventType.values]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    RETRYING = "retrying", _("retrying")
    SUCCEEDED = "succeeded", _("delivered")
    FAILED = "failed", _("failed")
    WITHHELD = "withheld", _("withheld: no longer visible")


class WebhookDelivery(models.Model):
    """One event for one endpoint, with each attempt to deliver it."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(AlertEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries")
    event_type = models.CharField(max_length=30, choices=EventType.choices)
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    payload = models.JSONField(null=True, blank=True, help_text="The body last sent.")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhookdelivery_due_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event"], condition=models.Q(event__isnull=False), name="webhookdelivery_once"
            ),
        ]

    def __str__(self):
        return f"{self.endpoint}: {self.event_type}"


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    attempted_at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-attempted_at", "-pk"]

    def __str__(self):
        return f"{self.delivery}: {self.status_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
