"""What a signed-in member of staff may see, and the lists the staff screens show.

The visibility rules live here and only here: every list, search and
autocomplete on the staff screens reads through these functions.

- A site admin sees everything.
- Members see every record of their own organizations, whatever its visibility.
- Records of other organizations are seen only when public (incidents: public
  and verified, as the public sees them). A convoy is also seen by its
  partner organizations unless it is restricted.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from aidtrack.areas.models import Area
from aidtrack.convoys.models import ConvoyEvent, ConvoyRequest, ConvoyStatus
from aidtrack.convoys.selectors import convoy_visibility_q
from aidtrack.convoys.services import working_days_between
from aidtrack.incidents import selectors as incident_selectors
from aidtrack.incidents.models import Incident, IncidentDraft, VerificationStatus
from aidtrack.orgs.audience import audience_of
from aidtrack.orgs.models import Organization
from aidtrack.orgs.permissions import REVIEW_ROLES, WRITE_ROLES, is_site_admin, organization_ids_of


def incidents_visible_to(user) -> QuerySet[Incident]:
    """The same rule as every other reader (incidents.selectors), for a signed-in member of staff.

    Each incident carries what the reader may see of its place (``shown_place``, ``shown_lat``...): pages
    show those, never the record's own place fields, for records the reader does not see in full.
    """
    audience = audience_of(user)
    incidents = incident_selectors.incidents_visible_to(audience).select_related(
        "organization", "admin1", "admin2", "admin3", "community", "stated_area", "area", "convoy", "reported_by"
    )
    return incident_selectors.incidents_with_shown_place(incidents, audience)


def convoys_visible_to(user) -> QuerySet[ConvoyRequest]:
    """The same rule as every other reader (convoys.selectors), for a signed-in member of staff."""
    return ConvoyRequest.objects.select_related("lead_organization").filter(convoy_visibility_q(audience_of(user)))


def areas_for_staff() -> QuerySet[Area]:
    """The register is shared reference data: every member of staff sees every area."""
    return Area.objects.select_related("governorate")


def writable_organizations(user) -> QuerySet[Organization]:
    """Organizations the user may enter records for (all of them for a site admin)."""
    if is_site_admin(user):
        return Organization.objects.filter(is_active=True)
    return Organization.objects.filter(pk__in=organization_ids_of(user, WRITE_ROLES), is_active=True)


def reviewable_organization_ids(user) -> set[int] | None:
    """Organizations whose incidents the user reviews; None means all (site admin)."""
    if is_site_admin(user):
        return None
    return organization_ids_of(user, REVIEW_ROLES)


@dataclass(frozen=True)
class QueueFilters:
    status: str = VerificationStatus.REPORTED
    organization: int | None = None
    category: str = ""
    kind: str = ""
    occurred_from: datetime.date | None = None
    occurred_to: datetime.date | None = None
    text: str = ""


def verification_queue(user, filters: QueueFilters = QueueFilters()) -> QuerySet[Incident]:
    """Incidents of the organizations the user reviews, oldest report first."""
    orgs = reviewable_organization_ids(user)
    audience = audience_of(user)
    incidents = incident_selectors.incidents_with_shown_place(
        Incident.objects.select_related("organization", "reported_by", "perpetrator"), audience
    )
    if orgs is not None:
        incidents = incidents.filter(organization_id__in=orgs)
    if filters.status:
        incidents = incidents.filter(verification_status=filters.status)
    if filters.organization:
        incidents = incidents.filter(organization_id=filters.organization)
    if filters.category:
        incidents = incidents.filter(category=filters.category)
    if filters.kind:
        incidents = incidents.filter(kind=filters.kind)
    if filters.occurred_from:
        incidents = incidents.filter(occurred_on__gte=filters.occurred_from)
    if filters.occurred_to:
        incidents = incidents.filter(occurred_on__lte=filters.occurred_to)
    if filters.text:
        incidents = incident_selectors.incidents_matching_text(incidents, audience, filters.text)
    return incidents.order_by("reported_at", "pk")


@dataclass(frozen=True)
class WaitingConvoy:
    convoy: ConvoyRequest
    submitted_on: datetime.date
    working_days: int
    overdue: bool


def convoys_awaiting_answer(user, today: datetime.date | None = None, overdue_after: int = 7) -> list[WaitingConvoy]:
    """Submitted requests of the user's organizations with no answer yet, longest waiting first."""
    today = today or timezone.localdate()
    convoys = convoys_visible_to(user).filter(status=ConvoyStatus.SUBMITTED)
    if not is_site_admin(user):
        convoys = convoys.filter(lead_organization_id__in=organization_ids_of(user))
    submitted = {}
    events = ConvoyEvent.objects.filter(convoy__in=convoys, to_status=ConvoyStatus.SUBMITTED).order_by("occurred_at")
    for event in events:
        submitted[event.convoy_id] = timezone.localdate(event.occurred_at)
    waiting = []
    for convoy in convoys:
        since = submitted.get(convoy.pk) or convoy.requested_date or timezone.localdate(convoy.created_at)
        days = working_days_between(since, today)
        waiting.append(WaitingConvoy(convoy, since, days, days >= overdue_after))
    waiting.sort(key=lambda w: (-w.working_days, w.convoy.reference))
    return waiting


@dataclass
class Dashboard:
    recent_incidents: list
    recent_convoys: list
    waiting_convoys: list
    to_verify: list
    to_verify_count: int
    my_unverified: list
    my_drafts: list
    my_incident_drafts: list


def dashboard_for(user, today: datetime.date | None = None) -> Dashboard:
    own = organization_ids_of(user)
    admin = is_site_admin(user)
    incidents = incidents_visible_to(user)
    convoys = convoys_visible_to(user)
    if not admin:
        incidents = incidents.filter(organization_id__in=own)
        convoys = convoys.filter(Q(lead_organization_id__in=own) | Q(partner_organizations__in=own)).distinct()
    queue = verification_queue(user).exclude(reported_by=user)
    if not admin and not organization_ids_of(user, REVIEW_ROLES):
        queue = queue.none()
    return Dashboard(
        recent_incidents=list(incidents.order_by("-updated_at")[:8]),
        recent_convoys=list(convoys.order_by("-updated_at")[:8]),
        waiting_convoys=convoys_awaiting_answer(user, today, settings.AIDTRACK_NO_RESPONSE_WORKING_DAYS),
        to_verify=list(queue[:8]),
        to_verify_count=queue.count(),
        my_unverified=list(
            incidents_visible_to(user)
            .filter(reported_by=user, verification_status=VerificationStatus.REPORTED)
            .select_related("organization")
            .order_by("-reported_at")[:8]
        ),
        my_drafts=list(
            # Only while the user may still see them (a member who left an organization no longer does).
            convoys_visible_to(user)
            .filter(created_by=user, status=ConvoyStatus.DRAFT)
            .select_related("lead_organization")
            .order_by("-updated_at")
        ),
        # Unfinished reports are their author's alone.
        my_incident_drafts=list(IncidentDraft.objects.filter(created_by=user).only("pk", "title", "updated_at")[:20]),
    )
