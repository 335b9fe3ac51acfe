"""Alerts in the admin, to look into (read only): subscriptions, events, notifications, webhook endpoints and
their delivery log. Writes go through the staff screens and services; a webhook secret is never shown here."""

from django.contrib import admin

from aidtrack.alerts.models import (
    AlertEvent,
    Notification,
    Subscription,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "user", "kind", "frequency", "email", "is_active", "created_at"]
    list_filter = ["kind", "frequency", "is_active"]
    search_fields = ["name", "user__username", "user__email"]


@admin.register(AlertEvent)
class AlertEventAdmin(ReadOnlyAdmin):
    list_display = ["dedup_key", "event_type", "occurred_at", "created_at", "fanned_out_at"]
    list_filter = ["event_type"]
    search_fields = ["dedup_key"]
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "topic", "created_at", "read_at", "email_status"]
    list_filter = ["email_status"]
    search_fields = ["user__username", "topic"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ["url", "organization", "is_active", "paused_at", "consecutive_failures"]
    list_filter = ["is_active", "organization"]
    search_fields = ["url", "description", "organization__name"]
    exclude = ["secret"]


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["attempted_at", "status_code", "error", "duration_ms"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["delivery_id", "endpoint", "event_type", "status", "attempts", "created_at"]
    list_filter = ["status", "event_type"]
    search_fields = ["delivery_id", "endpoint__url"]
    inlines = [WebhookAttemptInline]
