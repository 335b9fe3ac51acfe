from django import template

from aidtrack.alerts.selectors import unread_count, webhook_organizations

register = template.Library()


@register.filter
def unread_alerts(user) -> int:
    return unread_count(user)


@register.filter
def manages_webhooks(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and webhook_organizations(user).exists()
