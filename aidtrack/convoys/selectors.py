"""Reading convoy requests: who may see which, with everything a list needs in a fixed number of queries.

Public convoys are seen by everyone once submitted; "partners only" convoys
by members of the lead organization and of the convoy's partner
organizations; restricted ones by members of the lead organization only. A
draft is the lead organization's working copy: whatever its visibility, only
those who see the convoy in full see it (on every surface, as of any day).
Those who see a non-public convoy, and site admins, see it in full (internal
notes, who recorded each event); everyone else sees the public part.
"""

import datetime

from django.db.models import DateField, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.utils import timezone

from aidtrack.convoys.models import CheckpointRemoval, ConvoyEvent, ConvoyRequest, ConvoyStatus
from aidtrack.orgs.audience import ALWAYS, NEVER, Audience
from aidtrack.orgs.models import Visibility


def _partner_q(audience: Audience) -> Q:
    partners = ConvoyRequest.partner_organizations.through.objects.filter(
        convoyrequest_id=OuterRef("pk"), organization_id__in=audience.organization_ids
    )
    return Q(Exists(partners))


def convoy_full_view_q(audience: Audience) -> Q:
    if audience.is_site_admin:
        return ALWAYS
    if not audience.organization_ids:
        return NEVER
    lead = Q(lead_organization_id__in=audience.organization_ids)
    return lead | (_partner_q(audience) & ~Q(visibility=Visibility.RESTRICTED))


def convoy_published_q() -> Q:
    """Convoys everyone may see: public ones, once they are more than a draft."""
    return Q(visibility=Visibility.PUBLIC) & ~Q(status=ConvoyStatus.DRAFT)


def convoy_seen_in_full(convoy: ConvoyRequest, audience: Audience) -> bool:
    """Whether ``audience`` sees ``convoy`` in full: its notes, event notes and who recorded each step."""
    return ConvoyRequest.objects.filter(convoy_full_view_q(audience), pk=convoy.pk).exists()


def convoy_visibility_q(audience: Audience, historical: bool = False) -> Q:
    """Convoys ``audience`` may see; ``historical`` applies the rule to history rows (lead organization only)."""
    if audience.is_site_admin:
        return ALWAYS
    q = convoy_published_q()
    if audience.is_public:
        return q
    if historical:
        return q | Q(lead_organization_id__in=audience.organization_ids)
    return q | convoy_full_view_q(audience)


def convoys_visible_to(audience: Audience) -> QuerySet:
    """Convoys the audience may see, with destinations, cargo, events and removals prefetched."""
    return (
        ConvoyRequest.objects.filter(convoy_visibility_q(audience))
        .select_related("lead_organization", "origin_area", "created_by")
        .prefetch_related(
            "partner_organizations",
            "destinations__area",
            "destinations__community",
            "cargo_lines",
            Prefetch("events", queryset=ConvoyEvent.objects.select_related("recorded_by")),
            Prefetch(
                "removals", queryset=CheckpointRemoval.objects.select_related("cargo_line", "party", "recorded_by")
            ),
        )
        .order_by("-pk")
    )


def convoys_removed_since(audience: Audience, since: datetime.datetime) -> list[dict]:
    """Convoys the audience could once see that were deleted or withdrawn from its view since ``since``."""
    history = ConvoyRequest.history.model.objects
    changed = history.filter(history_date__gte=since).values_list("id", flat=True).distinct()
    once_visible = history.filter(convoy_visibility_q(audience, historical=True), id__in=changed)
    once_visible_ids = set(once_visible.values_list("id", flat=True))
    still_visible = set(
        ConvoyRequest.objects.filter(convoy_visibility_q(audience), pk__in=once_visible_ids).values_list(
            "pk", flat=True
        )
    )
    removed = {}
    for row in (
        history.filter(id__in=once_visible_ids, history_date__gte=since)
        .order_by("history_date")
        .values("id", "reference", "history_date", "history_type")
    ):
        if row["id"] not in still_visible:
            removed[row["id"]] = {
                "id": row["id"],
                "reference": row["reference"],
                "removed_at": row["history_date"],
                "deleted": row["history_type"] == "-",
            }
    return sorted(removed.values(), key=lambda r: r["removed_at"])


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first moment after ``day`` in the site's time zone (events are dated by their local day)."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def convoys_as_of(queryset: QuerySet, day: datetime.date, *, audience: Audience | None = None) -> QuerySet:
    """The convoys requested by the end of ``day``, each annotated with ``status_on``, its status then, and
    ``as_of``, the day itself (so that whoever shows the rows shows them as of that day).

    A convoy that was still a draft on that day is left out unless ``audience`` sees it in full: a draft
    is never published, not even in a replay of the past (without an audience, drafts are left out).
    """
    last = ConvoyEvent.objects.filter(convoy_id=OuterRef("pk"), occurred_at__lt=end_of_day(day)).order_by(
        "-occurred_at", "-pk"
    )
    rows = queryset.annotate(
        status_on=Subquery(last.values("to_status")[:1]), as_of=Value(day, output_field=DateField())
    ).filter(status_on__isnull=False)
    drafts_shown = convoy_full_view_q(audience) if audience is not None else NEVER
    return rows.filter(~Q(status_on=ConvoyStatus.DRAFT) | drafts_shown)
