"""The background side of alerts: fan an event out, send e-mails and digests, deliver webhooks, scan for
what time alone brings (a convoy waiting, an area without delivery).

These functions run in the background runner (``aidtrack.alerts.tasks``), never in a web request. Each claims
its work with a conditional update first, so that two workers given the same job do it once.
"""

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from aidtrack.alerts import webhooks
from aidtrack.alerts.emails import alert_message
from aidtrack.alerts.events import enqueue_after_commit, event_record
from aidtrack.alerts.models import (
    AGREEMENT_EVENT_TYPES,
    AlertEvent,
    AlertKind,
    DeliveryStatus,
    EmailStatus,
    EventType,
    Frequency,
    Notification,
    Subscription,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from aidtrack.alerts.selectors import (
    WEBHOOK_NO_DELIVERY_DAYS,
    AlertItem,
    agreement_changes,
    agreement_compliance_for,
    alert_item,
    awaiting_verification,
    endpoint_audience,
    notification_topic,
    subscription_matches,
    subscriptions_for_event,
    webhook_threshold,
)
from aidtrack.areas.models import AccessStatus, Area
from aidtrack.areas.selectors import area_figures
from aidtrack.convoys.models import ConvoyEvent, ConvoyStatus
from aidtrack.convoys.services import working_days_between
from aidtrack.orgs.audience import Audience
from aidtrack.orgs.models import Membership

logger = logging.getLogger(__name__)
EMAIL_BATCH = 200


def audiences_of(users) -> dict[int, Audience]:
    """Each user's audience, read in one query (fan-out to thousands of subscribers)."""
    users = list(users)
    organizations = defaultdict(set)
    for user_id, organization_id in Membership.objects.filter(user__in=users).values_list("user_id", "organization_id"):
        organizations[user_id].add(organization_id)
    return {
        user.pk: Audience(is_site_admin=True)
        if user.is_superuser and user.is_active
        else Audience(organization_ids=frozenset(organizations[user.pk]))
        for user in users
    }


def _email_status(subscription: Subscription) -> str:
    if not subscription.email or not subscription.user.email:
        return EmailStatus.NONE
    return EmailStatus.PENDING if subscription.frequency == Frequency.IMMEDIATE else EmailStatus.DIGEST


def event_fan_out(event_id: int) -> int:
    """Tell every matching subscriber who may see it, and queue the webhooks; returns the notifications made."""
    if not AlertEvent.objects.filter(pk=event_id, fanned_out_at__isnull=True).update(fanned_out_at=timezone.now()):
        return 0  # another worker has it, or it was done
    event = AlertEvent.objects.select_related("incident", "convoy", "area", "condition__agreement").get(pk=event_id)
    subscriptions = list(subscriptions_for_event(event))
    audiences = audiences_of({s.user for s in subscriptions})
    topic = notification_topic(event)
    seen: dict[tuple, bool] = {}
    rows = []
    for subscription in subscriptions:
        audience = audiences[subscription.user_id]
        key = (audience.cache_key, subscription.organization_id, subscription.area_id, tuple(subscription.event_types))
        if event.event_type == EventType.INCIDENT_NEW:
            key += (tuple(subscription.categories),)
        if key not in seen:
            seen[key] = subscription_matches(subscription, event, audience)
        if seen[key]:
            rows.append(
                Notification(
                    user_id=subscription.user_id,
                    subscription=subscription,
                    event=event,
                    topic=topic,
                    email_status=_email_status(subscription),
                )
            )
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        pending = list(
            Notification.objects.filter(event=event, email_status=EmailStatus.PENDING).values_list("pk", flat=True)
        )
        deliveries = _webhook_deliveries(event)
    from aidtrack.alerts.tasks import notifications_email, webhook_deliver

    for start in range(0, len(pending), EMAIL_BATCH):
        enqueue_after_commit(notifications_email, pending[start : start + EMAIL_BATCH])
    for delivery_id in deliveries:
        enqueue_after_commit(webhook_deliver, delivery_id)
    return len(rows)


def _webhook_deliveries(event: AlertEvent) -> list[int]:
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(is_active=True, organization__is_active=True).select_related(
            "organization"
        )
        if event.event_type in endpoint.event_types
    ]
    if not webhook_threshold(event):
        return []
    made = []
    for endpoint in endpoints:
        if alert_item(event, endpoint_audience(endpoint)) is None:
            continue
        if event.incident_id and endpoint.deliveries.filter(event__incident_id=event.incident_id).exists():
            continue  # an endpoint hears of an incident once, like a subscriber
        delivery, created = WebhookDelivery.objects.get_or_create(
            endpoint=endpoint, event=event, defaults={"event_type": event.event_type}
        )
        if created and endpoint.paused_at is None:
            made.append(delivery.pk)
    return made


def notifications_email(notification_ids: list[int]) -> int:
    """Send the e-mail of each notification (at once), re-checking that its reader may still see the record."""
    sent = 0
    notifications = Notification.objects.filter(pk__in=notification_ids, email_status=EmailStatus.PENDING)
    for notification in notifications.select_related("event", "subscription__user"):
        claimed = Notification.objects.filter(pk=notification.pk, email_status=EmailStatus.PENDING).update(
            email_status=EmailStatus.SENT, emailed_at=timezone.now()
        )
        if not claimed or notification.subscription is None:
            continue
        subscription = notification.subscription
        item = alert_item(notification.event, audiences_of([subscription.user])[subscription.user_id])
        if item is None:
            Notification.objects.filter(pk=notification.pk).update(email_status=EmailStatus.WITHHELD)
            continue
        try:
            alert_message(subscription=subscription, items=[item], digest=False).send()
            sent += 1
        except Exception:
            logger.exception("Could not send the alert e-mail of notification %s.", notification.pk)
            Notification.objects.filter(pk=notification.pk).update(email_status=EmailStatus.FAILED)
    return sent


def digests_send(subscription_ids: list[int]) -> int:
    """The digests of several subscriptions; readers with the same audience share each item built."""
    cache: dict = {}
    return sum(digest_send(pk, cache=cache) for pk in subscription_ids)


def digest_send(subscription_id: int, now: datetime.datetime | None = None, cache: dict | None = None) -> int:
    """One e-mail with what the subscription gathered since its last digest (what is still visible)."""
    now = now or timezone.now()
    cache = {} if cache is None else cache
    subscription = Subscription.objects.select_related("user").get(pk=subscription_id)
    if not Subscription.objects.filter(pk=subscription.pk, last_digest_at=subscription.last_digest_at).update(
        last_digest_at=now
    ):
        return 0
    if subscription.kind == AlertKind.REVIEW:
        items = _review_items(subscription)
        rows = []
    else:
        rows = list(
            subscription.notifications.filter(email_status=EmailStatus.DIGEST).select_related("event").order_by("pk")
        )
        audience = audiences_of([subscription.user])[subscription.user_id]
        items, withheld = [], []
        for row in rows:
            key = (row.event_id, audience.cache_key, subscription.language)
            if key not in cache:
                with translation.override(subscription.language or settings.LANGUAGE_CODE):
                    cache[key] = alert_item(row.event, audience)
            item = cache[key]
            (items.append(item) if item else withheld.append(row.pk))
        Notification.objects.filter(pk__in=withheld).update(email_status=EmailStatus.WITHHELD)
    if not items or not subscription.user.email:
        return 0
    alert_message(subscription=subscription, items=items, digest=True).send()
    Notification.objects.filter(pk__in=[r.pk for r in rows], email_status=EmailStatus.DIGEST).update(
        email_status=EmailStatus.SENT, emailed_at=now
    )
    return len(items)


def _review_items(subscription: Subscription) -> list[AlertItem]:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    waiting = awaiting_verification(subscription.user).order_by("reported_at")
    total = waiting.count()
    if not total:
        return []
    with_place = waiting[:25]
    items = [
        AlertItem(
            event_type=EventType.REVIEW_DIGEST,
            title=_("%(reference)s: %(title)s") % {"reference": i.reference, "title": i.title},
            lines=[_("Reported by %(organization)s") % {"organization": i.organization.short_name}],
            path=reverse("staff:incident_detail", args=[i.pk]),
        )
        for i in with_place
    ]
    if total > len(items):
        items.append(
            AlertItem(
                event_type=EventType.REVIEW_DIGEST,
                title=_("%(count)d more await verification") % {"count": total - len(items)},
                path=reverse("staff:review_queue"),
            )
        )
    return items


def backoff(attempt: int) -> datetime.timedelta:
    """Wait before the next attempt: 1, 5, 25 minutes, then about 2 and 10 hours."""
    return datetime.timedelta(seconds=settings.AIDTRACK_WEBHOOK_BACKOFF_SECONDS * 5 ** (attempt - 1))


def webhook_payload(delivery: WebhookDelivery) -> dict | None:
    """The body for this delivery, built now for the endpoint's organization; None when the record is no longer
    visible to it."""
    base = {"id": str(delivery.delivery_id), "type": delivery.event_type, "created_at": delivery.created_at.isoformat()}
    if delivery.event is None:
        return {**base, "data": {"message": "Test delivery from aidtrack."}}
    item = alert_item(delivery.event, endpoint_audience(delivery.endpoint))
    if item is None:
        return None
    return {**base, "occurred_at": delivery.event.occurred_at.isoformat(), "title": item.title, "data": item.data}


def webhook_deliver(delivery_id: int) -> str:
    """One attempt at a delivery; schedules the next one with backoff, pauses an endpoint that keeps failing."""
    now = timezone.now()
    delivery = WebhookDelivery.objects.select_related("endpoint__organization", "event").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if delivery.status not in (DeliveryStatus.PENDING, DeliveryStatus.RETRYING):
        return delivery.status
    if not endpoint.is_active or endpoint.paused_at is not None:
        return "paused"
    if delivery.next_attempt_at and delivery.next_attempt_at > now:
        return "not due"
    # Claim this attempt: a second worker with the same job finds the attempt count moved and stops.
    lease = now + datetime.timedelta(seconds=settings.AIDTRACK_WEBHOOK_READ_TIMEOUT * 3)
    if not WebhookDelivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(
        attempts=F("attempts") + 1, next_attempt_at=lease
    ):
        return "taken"
    attempt = delivery.attempts + 1
    payload = webhook_payload(delivery)
    if payload is None:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.WITHHELD, finished_at=now)
        return DeliveryStatus.WITHHELD
    answer = webhooks.post(
        url=endpoint.url,
        secret=endpoint.secret,
        payload=payload,
        event_type=delivery.event_type,
        delivery_id=str(delivery.delivery_id),
    )
    WebhookAttempt.objects.create(
        delivery=delivery, status_code=answer.status_code, error=answer.error[:300], duration_ms=answer.duration_ms
    )
    if answer.ok:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SUCCEEDED, payload=payload, finished_at=timezone.now(), next_attempt_at=None
        )
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        return DeliveryStatus.SUCCEEDED
    failures = endpoint.consecutive_failures + 1
    paused = failures >= settings.AIDTRACK_WEBHOOK_PAUSE_AFTER
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=F("consecutive_failures") + 1, **({"paused_at": timezone.now()} if paused else {})
    )
    if attempt >= settings.AIDTRACK_WEBHOOK_MAX_ATTEMPTS:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, payload=payload, finished_at=timezone.now(), next_attempt_at=None
        )
        return DeliveryStatus.FAILED
    due = timezone.now() + backoff(attempt)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.RETRYING, payload=payload, next_attempt_at=due
    )
    if not paused:
        _schedule_retry(delivery.pk, due)
    return DeliveryStatus.RETRYING


def _schedule_retry(delivery_id: int, due: datetime.datetime) -> None:
    """With a backend that can defer (the database queue), the retry is queued for its time; otherwise
    ``alerts_tick`` queues it when it is due."""
    from aidtrack.alerts.tasks import webhook_deliver as task

    if task.get_backend().supports_defer:
        try:
            task.using(run_after=due).enqueue(delivery_id)
        except Exception:
            logger.exception("Could not queue the retry of delivery %s; alerts_tick will.", delivery_id)


def scan(today: datetime.date) -> int:
    """Record the events that time alone brings, as of ``today``: convoys waiting past a subscriber's number of
    working days, areas without delivery for a subscriber's number of days, agreement conditions broken or met
    for a subscriber's number of days in a row (webhooks get the agreed thresholds). Returns the events recorded."""
    subscriptions = list(Subscription.objects.filter(is_active=True, user__is_active=True).select_related("user"))
    endpoints = list(WebhookEndpoint.objects.filter(is_active=True, organization__is_active=True))
    audiences = audiences_of({s.user for s in subscriptions})

    def wanting(kind, event_type):
        return [s for s in subscriptions if s.kind == kind and event_type in s.event_types]

    def endpoint_audiences(event_type):
        return [endpoint_audience(e) for e in endpoints if event_type in e.event_types]

    recorded = 0
    waiting_days = {s.waiting_days for s in wanting(AlertKind.CONVOYS, EventType.CONVOY_WAITING)}
    if endpoint_audiences(EventType.CONVOY_WAITING):
        waiting_days.add(settings.AIDTRACK_NO_RESPONSE_WORKING_DAYS)
    if waiting_days:
        recorded += _scan_waiting(today, waiting_days)
    no_delivery = {
        (s.no_delivery_days, s.area_id, audiences[s.user_id])
        for s in wanting(AlertKind.AREAS, EventType.AREA_NO_DELIVERY)
    }
    no_delivery |= {(WEBHOOK_NO_DELIVERY_DAYS, None, a) for a in endpoint_audiences(EventType.AREA_NO_DELIVERY)}
    if no_delivery:
        recorded += _scan_no_delivery(today, no_delivery)
    agreement_readers = {
        (s.agreement_id, audiences[s.user_id], s.run_days if EventType.AGREEMENT_RUN in s.event_types else None)
        for s in subscriptions
        if s.kind == AlertKind.AGREEMENTS
    }
    agreement_readers |= {(None, a, "own") for t in AGREEMENT_EVENT_TYPES for a in endpoint_audiences(t)}
    if agreement_readers:
        recorded += _scan_agreements(today, agreement_readers)
    return recorded


def _scan_waiting(today: datetime.date, thresholds: set[int]) -> int:
    recorded = 0
    submitted = ConvoyEvent.objects.filter(to_status=ConvoyStatus.SUBMITTED, convoy__status=ConvoyStatus.SUBMITTED)
    latest: dict[int, ConvoyEvent] = {}
    for row in submitted.order_by("convoy_id", "occurred_at", "pk"):
        latest[row.convoy_id] = row
    for convoy_id, row in latest.items():
        waited = working_days_between(timezone.localdate(row.occurred_at), today)
        for days in thresholds:
            if waited >= days:
                event = event_record(
                    event_type=EventType.CONVOY_WAITING,
                    dedup_key=f"convoy.waiting:{convoy_id}:{row.pk}:{days}",
                    occurred_at=row.occurred_at,
                    convoy_id=convoy_id,
                    details={"working_days": days, "waited": waited, "day": today.isoformat()},
                )
                recorded += event is not None
    return recorded


def _scan_no_delivery(today: datetime.date, readers: set[tuple]) -> int:
    """Per reader group: the last delivery counts only what that reader may see, as on the area's page."""
    recorded = 0
    wanted: dict[tuple, Audience] = {(days, area_id, a.cache_key): a for days, area_id, a in readers}
    areas = {
        area.pk: area
        for area in Area.objects.filter(status_periods__end_date__isnull=True)
        .exclude(status_periods__end_date__isnull=True, status_periods__status=AccessStatus.ACCESSIBLE)
        .prefetch_related("status_periods")
        .distinct()
    }
    figures: dict[tuple, object] = {}
    for (days, area_id, key), audience in wanted.items():
        for area in [areas[area_id]] if area_id in areas else ([] if area_id else areas.values()):
            if (area.pk, key) not in figures:
                figures[(area.pk, key)] = area_figures(area, today, audience=audience)
            result = figures[(area.pk, key)]
            if result.days_since_delivery is not None and result.days_since_delivery < days:
                continue
            last = result.last_delivery.isoformat() if result.last_delivery else None
            event = event_record(
                event_type=EventType.AREA_NO_DELIVERY,
                dedup_key=f"area.no_delivery:{area.pk}:{days}:{last}",
                occurred_at=timezone.now(),
                area_id=area.pk,
                details={"days": days, "last_delivery": last, "day": today.isoformat()},
            )
            recorded += event is not None
    return recorded


# Breaks and runs are looked for over the last few days, so that a pass missed for a day or two loses nothing.
AGREEMENT_WINDOW_DAYS = 3


def _scan_agreements(today: datetime.date, readers: set[tuple]) -> int:
    """Per reader group, each agreement in force: conditions broken, and runs reaching a reader's number of days."""
    from aidtrack.agreements.models import Agreement

    since = today - datetime.timedelta(days=AGREEMENT_WINDOW_DAYS - 1)
    agreements = list(
        Agreement.objects.filter(starts_at__date__lte=today)
        .exclude(ends_at__date__lt=since)
        .prefetch_related("conditions")
    )
    recorded = 0
    computed: dict[tuple, list] = {}
    for agreement_id, audience, run_days in readers:
        for agreement in agreements:
            if agreement_id and agreement.pk != agreement_id:
                continue
            key = (agreement.pk, audience.cache_key)
            if key not in computed:
                computed[key] = agreement_compliance_for(agreement, today, audience)
            for compliance in computed[key]:
                condition = compliance.condition
                wanted_run = condition.required_consecutive_days if run_days == "own" else run_days
                for change, day, length in agreement_changes(compliance, since):
                    if change == "broken":
                        kind, dedup, details = EventType.AGREEMENT_BROKEN, f"agreement.broken:{condition.pk}:{day}", {}
                    elif wanted_run and length == wanted_run:
                        kind = EventType.AGREEMENT_RUN
                        dedup = f"agreement.run:{condition.pk}:{length}:{day}"
                        details = {"days": length}
                    else:
                        continue
                    event = event_record(
                        event_type=kind,
                        dedup_key=dedup,
                        occurred_at=timezone.now(),
                        condition=condition,
                        details={**details, "day": day.isoformat()},
                    )
                    recorded += event is not None
    return recorded


def digests_due(now: datetime.datetime) -> list[int]:
    """Subscriptions whose daily or weekly digest is due (a review digest is daily)."""
    due = []
    for subscription in Subscription.objects.filter(is_active=True, user__is_active=True, email=True).exclude(
        frequency=Frequency.IMMEDIATE, kind__in=[AlertKind.INCIDENTS, AlertKind.CONVOYS, AlertKind.AREAS]
    ):
        period = datetime.timedelta(days=7 if subscription.frequency == Frequency.WEEKLY else 1)
        last = subscription.last_digest_at or subscription.created_at
        if now - last >= period - datetime.timedelta(minutes=5):
            due.append(subscription.pk)
    return due


def tick(today: datetime.date | None = None) -> dict:
    """The periodic pass (``manage.py alerts_tick``, e.g. every few minutes from cron): queue what was left,
    scan for time-based events as of ``today``, send due digests, retry due webhooks."""
    from aidtrack.alerts.tasks import digests, event_fan_out, notifications_email
    from aidtrack.alerts.tasks import webhook_deliver as deliver_task

    now = timezone.now()
    today = today or timezone.localdate()
    report = {"events": scan(today)}
    left = list(AlertEvent.objects.filter(fanned_out_at__isnull=True).values_list("pk", flat=True))
    for event_id in left:
        enqueue_after_commit(event_fan_out, event_id)
    stuck = list(
        Notification.objects.filter(
            email_status=EmailStatus.PENDING, created_at__lt=now - datetime.timedelta(minutes=5)
        ).values_list("pk", flat=True)
    )
    for start in range(0, len(stuck), EMAIL_BATCH):
        enqueue_after_commit(notifications_email, stuck[start : start + EMAIL_BATCH])
    due_digests = digests_due(now)
    for start in range(0, len(due_digests), EMAIL_BATCH):
        enqueue_after_commit(digests, due_digests[start : start + EMAIL_BATCH])
    due_deliveries = list(
        WebhookDelivery.objects.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING],
            endpoint__paused_at__isnull=True,
            endpoint__is_active=True,
        )
        .exclude(next_attempt_at__gt=now)
        .values_list("pk", flat=True)
    )
    for delivery_id in due_deliveries:
        enqueue_after_commit(deliver_task, delivery_id)
    report.update(fan_outs=len(left), emails=len(stuck), digests=len(due_digests), deliveries=len(due_deliveries))
    return report
