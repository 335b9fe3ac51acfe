"""Record an alert event in the transaction of the change that caused it, whichever screen, API or importer made it.

The event row is written with the change (so a rolled-back change leaves no event) and the fan-out is queued
once the transaction commits. Sending happens in the background runner: nothing here sends anything.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from aidtrack.alerts.events import event_record
from aidtrack.alerts.models import CONVOY_STATUS_EVENTS, EventType
from aidtrack.areas.models import StatusPeriod
from aidtrack.convoys.models import ConvoyEvent
from aidtrack.incidents.models import Incident


@receiver(post_save, sender=Incident, dispatch_uid="aidtrack.alerts.incident_saved")
def incident_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    # A new state (reported, verified, made public...) may make the incident visible to new subscribers; each
    # subscriber still hears of one incident once (the notification's topic).
    event_record(
        event_type=EventType.INCIDENT_NEW,
        dedup_key=f"incident.new:{instance.pk}:{instance.verification_status}:{instance.visibility}",
        occurred_at=instance.updated_at,
        incident=instance,
    )


@receiver(post_save, sender=ConvoyEvent, dispatch_uid="aidtrack.alerts.convoy_event_saved")
def convoy_event_saved(sender, instance, created, raw=False, **kwargs):
    if raw or not created or instance.to_status not in CONVOY_STATUS_EVENTS:
        return
    event_record(
        event_type=CONVOY_STATUS_EVENTS[instance.to_status],
        dedup_key=f"convoy.status:{instance.pk}",
        occurred_at=instance.occurred_at,
        convoy_id=instance.convoy_id,
        convoy_event=instance,
        details={"status": instance.to_status},
    )


@receiver(post_save, sender=StatusPeriod, dispatch_uid="aidtrack.alerts.status_period_saved")
def status_period_saved(sender, instance, created, raw=False, **kwargs):
    if raw or not created or instance.end_date is not None:
        return
    event_record(
        event_type=EventType.AREA_STATUS,
        dedup_key=f"area.status:{instance.pk}",
        occurred_at=instance.created_at,
        area_id=instance.area_id,
        status_period=instance,
        details={"status": instance.status, "since": instance.start_date.isoformat()},
    )
