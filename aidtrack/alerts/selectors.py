"""Reading alerts: which subscriptions an event concerns, and what each reader may be told of it.

Nothing is told that the reader may not see: every item is built through the same visibility selectors as the
API (``incidents_visible_to``, ``convoy_visibility_q``, ``area_figures``) for the reader's audience, at the
moment it is shown or sent, so a record made restricted after the event is not sent.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aidtrack.agreements.selectors import agreement_compliance
from aidtrack.alerts.models import (
    AlertEvent,
    AlertKind,
    EventType,
    Notification,
    Subscription,
    WebhookDelivery,
    WebhookEndpoint,
)
from aidtrack.areas.models import AccessStatus, Area
from aidtrack.areas.selectors import area_figures
from aidtrack.convoys.models import ConvoyRequest, ConvoyStatus
from aidtrack.convoys.selectors import convoy_visibility_q
from aidtrack.incidents.models import Category, Incident, VerificationStatus
from aidtrack.incidents.selectors import (
    incident_as_read,
    incident_exact_location_q,
    incident_visibility_q,
    incidents_visible_to,
)
from aidtrack.orgs.audience import Audience, audience_of
from aidtrack.orgs.models import Organization
from aidtrack.orgs.permissions import MANAGE_ROLES, REVIEW_ROLES, is_site_admin, organization_ids_of


@dataclass
class AlertItem:
    """One event as one reader may read it: words for the e-mail and the in-app list, data for a webhook."""

    event_type: str
    title: str
    lines: list[str] = field(default_factory=list)
    path: str = ""
    data: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return site_url(self.path) if self.path else ""


def site_url(path: str) -> str:
    return settings.AIDTRACK_SITE_URL.rstrip("/") + path


def subscription_audience(subscription: Subscription) -> Audience:
    return audience_of(subscription.user)


def endpoint_audience(endpoint: WebhookEndpoint) -> Audience:
    """A webhook endpoint reads as a member of its organization would (an organization that is no longer active
    reads as the public)."""
    if not endpoint.organization.is_active:
        return Audience()
    return Audience(organization_ids=frozenset({endpoint.organization_id}))


def subscriptions_for_event(event: AlertEvent) -> QuerySet[Subscription]:
    """Active subscriptions of active people whose kind and filters concern the event (visibility is checked
    afterwards, per reader)."""
    subs = Subscription.objects.filter(is_active=True, user__is_active=True).select_related("user")
    if event.event_type == EventType.INCIDENT_NEW:
        incident = event.incident
        subs = subs.filter(kind=AlertKind.INCIDENTS)
        for name, value in (
            ("governorate", incident.admin1_id),
            ("party", incident.perpetrator_id),
            ("organization", incident.organization_id),
            ("area", incident.area_id),
        ):
            subs = subs.filter(Q(**{f"{name}__isnull": True}) | Q(**{f"{name}_id": value}))
        return subs
    if event.event_type in (EventType.AREA_STATUS, EventType.AREA_NO_DELIVERY):
        subs = subs.filter(kind=AlertKind.AREAS).filter(Q(area__isnull=True) | Q(area_id=event.area_id))
        if event.event_type == EventType.AREA_NO_DELIVERY:
            subs = subs.filter(no_delivery_days=event.details["days"])
        return subs
    if event.event_type.startswith("convoy."):
        subs = subs.filter(kind=AlertKind.CONVOYS)
        if event.event_type == EventType.CONVOY_WAITING:
            subs = subs.filter(waiting_days=event.details["working_days"])
        return subs
    if event.event_type.startswith("agreement."):
        agreement_id = event.condition.agreement_id
        subs = subs.filter(kind=AlertKind.AGREEMENTS).filter(Q(agreement__isnull=True) | Q(agreement_id=agreement_id))
        if event.event_type == EventType.AGREEMENT_RUN:
            subs = subs.filter(run_days=event.details["days"])
        return subs
    return subs.none()


# Thresholds a webhook endpoint gets (a subscriber chooses their own).
def webhook_threshold(event: AlertEvent) -> bool:
    """Whether an event with a threshold is the one webhooks receive: the agreed waiting period for convoys,
    30 days without delivery, the condition's own number of days for agreements."""
    if event.event_type == EventType.CONVOY_WAITING:
        return event.details["working_days"] == settings.AIDTRACK_NO_RESPONSE_WORKING_DAYS
    if event.event_type == EventType.AREA_NO_DELIVERY:
        return event.details["days"] == WEBHOOK_NO_DELIVERY_DAYS
    if event.event_type == EventType.AGREEMENT_RUN:
        return event.details["days"] == event.condition.required_consecutive_days
    return True


WEBHOOK_NO_DELIVERY_DAYS = 30


def subscription_matches(subscription: Subscription, event: AlertEvent, audience: Audience) -> bool:
    """What SQL could not filter: lists in JSON, the reader's organizations, and whether the reader sees the record."""
    if (
        event.event_type.startswith(("convoy.", "area.", "agreement."))
        and event.event_type not in subscription.event_types
    ):
        return False
    if event.event_type == EventType.INCIDENT_NEW:
        incident = event.incident
        if subscription.categories and incident.category not in subscription.categories:
            return False
        visible = Incident.objects.filter(incident_visibility_q(audience), pk=incident.pk)
        if subscription.area_id:
            # A register area is named only to readers who see the exact place.
            visible = visible.filter(incident_exact_location_q(audience))
        return visible.exists()
    if event.event_type.startswith("convoy."):
        convoy = event.convoy
        theirs = set(audience.organization_ids)
        if subscription.organization_id:
            theirs &= {subscription.organization_id}
        if not audience.is_site_admin or subscription.organization_id:
            involved = {convoy.lead_organization_id, *convoy.partner_organizations.values_list("pk", flat=True)}
            if not theirs & involved:
                return False
        return ConvoyRequest.objects.filter(convoy_visibility_q(audience), pk=convoy.pk).exists()
    if event.event_type == EventType.AREA_NO_DELIVERY:
        return _no_delivery_holds(event, audience)
    if event.event_type.startswith("agreement."):
        return _agreement_holds(event, audience)
    return event.event_type == EventType.AREA_STATUS


def agreement_compliance_for(agreement, day: datetime.date, audience: Audience):
    """The agreement's compliance up to ``day`` counting only what the reader may see (as the API does)."""
    return agreement_compliance(
        agreement,
        until=day,
        verified_only=audience.is_public,
        incidents=Incident.objects.filter(incident_visibility_q(audience)),
        convoys=ConvoyRequest.objects.filter(convoy_visibility_q(audience)),
    )


def agreement_changes(compliance, since: datetime.date) -> list[tuple[str, datetime.date, int]]:
    """Breaks (a day not met after a day met) and runs (days met in a row, with the day each length was reached)
    from ``since`` on: ("broken", day, 0) and ("run", day, length)."""
    changes = []
    run = 0
    previous_met = None
    for result in compliance.days:
        run = run + 1 if result.met else 0
        if result.day >= since:
            if previous_met and not result.met:
                changes.append(("broken", result.day, 0))
            if result.met:
                changes.append(("run", result.day, run))
        previous_met = result.met
    return changes


def _agreement_holds(event: AlertEvent, audience: Audience) -> bool:
    """Whether the reader, counting only what it may see, finds the break or the run the event tells of."""
    condition = event.condition
    day = datetime.date.fromisoformat(event.details["day"])
    results = agreement_compliance_for(condition.agreement, day, audience)
    compliance = next((c for c in results if c.condition.pk == condition.pk), None)
    if compliance is None:
        return False
    wanted = (
        ("broken", day, 0) if event.event_type == EventType.AGREEMENT_BROKEN else ("run", day, event.details["days"])
    )
    return wanted in agreement_changes(compliance, day)


def _no_delivery_holds(event: AlertEvent, audience: Audience) -> bool:
    """Whether the reader, counting only the deliveries it may see, finds the area without one as the event says."""
    figures = area_figures(event.area, datetime.date.fromisoformat(event.details["day"]), audience=audience)
    last = figures.last_delivery.isoformat() if figures.last_delivery else None
    return last == event.details.get("last_delivery") and (
        figures.days_since_delivery is None or figures.days_since_delivery >= event.details["days"]
    )


def notification_topic(event: AlertEvent) -> str:
    """What a subscriber hears of once: an incident once (whatever state made it visible), other events each."""
    if event.event_type == EventType.INCIDENT_NEW:
        return f"incident:{event.incident_id}"
    return event.dedup_key


def alert_item(event: AlertEvent, audience: Audience) -> AlertItem | None:
    """The event as ``audience`` may read it now, or None when it may not (any more)."""
    builder = {
        EventType.INCIDENT_NEW: _incident_item,
        EventType.AREA_STATUS: _area_status_item,
        EventType.AREA_NO_DELIVERY: _no_delivery_item,
        EventType.AGREEMENT_BROKEN: _agreement_item,
        EventType.AGREEMENT_RUN: _agreement_item,
    }.get(event.event_type, _convoy_item if event.event_type.startswith("convoy.") else None)
    return builder(event, audience) if builder else None


def _date(value) -> str:
    return value.isoformat() if value else ""


def _incident_item(event: AlertEvent, audience: Audience) -> AlertItem | None:
    incident = (
        incidents_visible_to(audience)
        .select_related("organization", "admin1", "admin2", "admin3", "perpetrator")
        .filter(pk=event.incident_id)
        .first()
    )
    if incident is None:
        return None
    read = incident_as_read(incident, audience)
    category = Category(incident.category).label if incident.category in Category.values else incident.category
    place = read.place_name
    lines = [
        _("Category: %(category)s") % {"category": category},
        _("Date: %(date)s") % {"date": _date(incident.occurred_on)},
        _("Place: %(place)s") % {"place": place or _("not given")},
        _("Reported by: %(organization)s") % {"organization": incident.organization.short_name},
    ]
    if read.generalised_to:
        lines.append(_("The place is shown at the %(level)s level.") % {"level": read.generalised_to})
    return AlertItem(
        event_type=event.event_type,
        title=_("New incident %(reference)s: %(title)s") % {"reference": incident.reference, "title": incident.title},
        lines=lines,
        path=reverse("staff:incident_detail", args=[incident.pk]),
        data={
            "id": incident.pk,
            "reference": incident.reference,
            "title": incident.title,
            "public_summary": incident.public_summary,
            "kind": incident.kind,
            "category": incident.category,
            "occurred_on": _date(incident.occurred_on),
            "place_name": place,
            "generalised_to": getattr(incident, "generalised_to", None) if not read.exact else None,
            "latitude": read.latitude,
            "longitude": read.longitude,
            "governorate_pcode": incident.admin1.pcode if incident.admin1 else None,
            "organization": incident.organization.short_name,
            "perpetrator": incident.perpetrator.name if incident.perpetrator else None,
            "verification_status": incident.verification_status,
            "api_url": site_url(f"/api/v1/incidents/{incident.pk}/"),
        },
    )


def _convoy_item(event: AlertEvent, audience: Audience) -> AlertItem | None:
    convoy = (
        ConvoyRequest.objects.filter(convoy_visibility_q(audience), pk=event.convoy_id)
        .select_related("lead_organization")
        .first()
    )
    if convoy is None:
        return None
    words = {
        "reference": convoy.reference,
        "organization": convoy.lead_organization.short_name,
        "days": event.details.get("working_days"),
    }
    if event.event_type == EventType.CONVOY_WAITING:
        title = _("Convoy %(reference)s has waited %(days)s working days for an answer") % words
    else:
        status = ConvoyStatus(event.details["status"]).label
        title = _("Convoy %(reference)s: %(status)s") % {**words, "status": status}
    lines = [
        _("Lead organization: %(organization)s") % words,
        _("Current status: %(status)s") % {"status": convoy.get_status_display()},
        (_("Submitted on: %(date)s") if event.event_type == EventType.CONVOY_WAITING else _("On: %(date)s"))
        % {"date": _date(timezone.localdate(event.occurred_at))},
    ]
    return AlertItem(
        event_type=event.event_type,
        title=title,
        lines=lines,
        path=reverse("staff:convoy_detail", args=[convoy.pk]),
        data={
            "id": convoy.pk,
            "reference": convoy.reference,
            "lead_organization": convoy.lead_organization.short_name,
            "status": convoy.status,
            "event_status": event.details.get("status"),
            "working_days_waited": event.details.get("working_days"),
            "occurred_at": event.occurred_at.isoformat(),
            "api_url": site_url(f"/api/v1/convoys/{convoy.pk}/"),
        },
    )


def _area_status_item(event: AlertEvent, audience: Audience) -> AlertItem | None:
    area = Area.objects.filter(pk=event.area_id).first()
    if area is None:
        return None
    status = AccessStatus(event.details["status"]).label
    return AlertItem(
        event_type=event.event_type,
        title=_("%(area)s is now %(status)s") % {"area": area.name_en, "status": status},
        lines=[_("Since: %(date)s") % {"date": event.details["since"]}],
        path=reverse("staff:area_detail", args=[area.pk]),
        data={"id": area.pk, "name": area.name_en, "status": event.details["status"], "since": event.details["since"]},
    )


def _no_delivery_item(event: AlertEvent, audience: Audience) -> AlertItem | None:
    area = Area.objects.filter(pk=event.area_id).first()
    if area is None or not _no_delivery_holds(event, audience):
        return None
    last = event.details.get("last_delivery")
    words = {"area": area.name_en, "days": event.details["days"], "date": last}
    return AlertItem(
        event_type=event.event_type,
        title=_("No delivery to %(area)s for %(days)s days") % words,
        lines=[_("Last delivery: %(date)s") % words if last else _("No delivery recorded.")],
        path=reverse("staff:area_detail", args=[area.pk]),
        data={
            "id": area.pk,
            "name": area.name_en,
            "days_without_delivery": event.details["days"],
            "last_delivery": last,
        },
    )


def _agreement_item(event: AlertEvent, audience: Audience) -> AlertItem | None:
    condition = event.condition
    if condition is None or not _agreement_holds(event, audience):
        return None
    words = {
        "agreement": condition.agreement.display_name,
        "condition": condition.get_kind_display(),
        "days": event.details.get("days"),
        "date": event.details["day"],
    }
    if event.event_type == EventType.AGREEMENT_BROKEN:
        title = _("%(agreement)s: %(condition)s not met on %(date)s") % words
    else:
        title = _("%(agreement)s: %(condition)s met %(days)s days in a row") % words
    return AlertItem(
        event_type=event.event_type,
        title=title,
        lines=[condition.display_description, _("Day: %(date)s") % words],
        path=f"/api/v1/agreements/{condition.agreement_id}/compliance/",
        data={
            "agreement_id": condition.agreement_id,
            "agreement": condition.agreement.name,
            "condition_id": condition.pk,
            "condition_kind": condition.kind,
            "day": event.details["day"],
            "days_in_a_row": event.details.get("days"),
        },
    )


def subscriptions_of(user) -> QuerySet[Subscription]:
    return Subscription.objects.filter(user=user).select_related("governorate", "party", "organization", "area")


def notifications_of(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("event", "subscription")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_items(notifications, user) -> list[tuple[Notification, AlertItem | None]]:
    """Each notification with what its reader may read of it now (None: no longer visible, shown as withheld)."""
    audience = audience_of(user)
    cache: dict[int, AlertItem | None] = {}
    rows = []
    for notification in notifications:
        if notification.event_id not in cache:
            cache[notification.event_id] = alert_item(notification.event, audience)
        rows.append((notification, cache[notification.event_id]))
    return rows


def webhook_organizations(user) -> QuerySet[Organization]:
    """Organizations whose webhooks the user manages: their organization admins, and site admins."""
    if is_site_admin(user):
        return Organization.objects.filter(is_active=True)
    return Organization.objects.filter(pk__in=organization_ids_of(user, MANAGE_ROLES), is_active=True)


def endpoints_managed_by(user) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(organization__in=webhook_organizations(user)).select_related("organization")


def deliveries_of(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return endpoint.deliveries.prefetch_related("attempt_log")


def reviewable_organization_ids(user) -> set[int] | None:
    """None: every organization (site admin)."""
    if is_site_admin(user):
        return None
    return organization_ids_of(user, REVIEW_ROLES)


def awaiting_verification(user) -> QuerySet[Incident]:
    """Incidents the user may verify that await it (for the reviewers' digest)."""
    incidents = incidents_visible_to(audience_of(user)).filter(verification_status=VerificationStatus.REPORTED)
    ids = reviewable_organization_ids(user)
    if ids is not None:
        incidents = incidents.filter(organization_id__in=ids)
    return incidents.exclude(reported_by=user).select_related("organization")
