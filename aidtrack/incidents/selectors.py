"""Reading incidents: who may see which incident, and where the public may see it.

The public (anonymous clients, and signed-in members of other organizations)
sees only verified records whose visibility is public, without reporter
identity, internal description or source contacts, and with the location
generalised to the sub-district unless the record says its exact point is safe
to publish. "Partners only" and restricted incidents are seen only by members
of the reporting organization (an incident has no partner organizations), who
see everything of their own organization's records, as site admins do.
Every reader of incidents (API lists in every format, filters, statistics,
staff screens) goes through these functions so the rule is applied once.
"""

import datetime

from django.db.models import Case, F, FloatField, Q, QuerySet, When
from django.db.models.functions import Coalesce

from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.incidents.models import Incident, VerificationStatus
from aidtrack.orgs.audience import ALWAYS, NEVER, Audience
from aidtrack.orgs.models import Visibility


def incident_visibility_q(audience: Audience, prefix: str = "") -> Q:
    """Incidents ``audience`` may see; ``prefix`` lets the rule run on related or historical rows."""
    if audience.is_site_admin:
        return ALWAYS
    q = Q(**{f"{prefix}verification_status": VerificationStatus.VERIFIED, f"{prefix}visibility": Visibility.PUBLIC})
    if audience.organization_ids:
        q |= Q(**{f"{prefix}organization_id__in": audience.organization_ids})
    return q


def incident_full_view_q(audience: Audience) -> Q:
    """Incidents ``audience`` sees in full (internal fields, exact location)."""
    if audience.is_site_admin:
        return ALWAYS
    if audience.organization_ids:
        return Q(organization_id__in=audience.organization_ids)
    return NEVER


def incident_exact_location_q(audience: Audience) -> Q:
    """Incidents whose exact location ``audience`` may see."""
    return incident_full_view_q(audience) | Q(publish_exact_location=True)


def _coalesce(*fields):
    return Coalesce(*[F(name) for name in fields], output_field=FloatField())


def incidents_visible_to(audience: Audience) -> QuerySet:
    """Incidents the audience may see, annotated with the coordinates it may see (``shown_lat``/``shown_lon``).

    The shown point is the exact point (or the stated area) where the audience
    may see it, and otherwise the sub-district's representative point, falling
    back to the district and the governorate.
    """
    exact_q = incident_exact_location_q(audience)
    general_lat = _coalesce("admin3__centroid_lat", "admin2__centroid_lat", "admin1__centroid_lat")
    general_lon = _coalesce("admin3__centroid_lon", "admin2__centroid_lon", "admin1__centroid_lon")
    exact_lat = _coalesce("latitude", "stated_area__centroid_lat", "admin3__centroid_lat", "admin2__centroid_lat")
    exact_lon = _coalesce("longitude", "stated_area__centroid_lon", "admin3__centroid_lon", "admin2__centroid_lon")
    return (
        Incident.objects.filter(incident_visibility_q(audience))
        .annotate(
            shown_lat=Case(When(exact_q, then=exact_lat), default=general_lat, output_field=FloatField()),
            shown_lon=Case(When(exact_q, then=exact_lon), default=general_lon, output_field=FloatField()),
        )
        .order_by("-pk")
    )


def incidents_matching_pcode(queryset: QuerySet, audience: Audience, area: AdminArea) -> QuerySet:
    """Incidents in this admin area, at any level (a governorate matches everything inside it).

    A community is matched only where the audience may see the exact
    location: otherwise a filter would place a generalised incident.
    """
    column = {AdminLevel.GOVERNORATE: "admin1", AdminLevel.DISTRICT: "admin2", AdminLevel.SUBDISTRICT: "admin3"}
    if area.level in column:
        return queryset.filter(**{column[area.level]: area})
    if area.level == AdminLevel.COUNTRY:
        return queryset.filter(Q(admin1__parent=area) | Q(stated_area=area))
    exact = Q(community=area) | Q(stated_area=area)
    return queryset.filter(exact & incident_exact_location_q(audience))


def incidents_matching_text(queryset: QuerySet, audience: Audience, text: str) -> QuerySet:
    """Free-text search in what the audience may read of each incident."""
    public = Q(title__icontains=text) | Q(public_summary__icontains=text) | Q(reference__icontains=text)
    exact_only = Q(location_name__icontains=text) & incident_exact_location_q(audience)
    internal = (Q(internal_description__icontains=text) | Q(external_id__icontains=text)) & incident_full_view_q(
        audience
    )
    return queryset.filter(public | exact_only | internal)


def incidents_removed_since(audience: Audience, since: datetime.datetime) -> list[dict]:
    """Incidents the audience could once see that were deleted or withdrawn from its view since ``since``.

    Sync clients delete these from their mirror. Only records that were once
    visible to the audience are listed, so the list reveals nothing new.
    """
    history = Incident.history.model.objects
    changed = history.filter(history_date__gte=since).values_list("id", flat=True).distinct()
    once_visible = history.filter(incident_visibility_q(audience), id__in=changed).values_list("id", flat=True)
    still_visible = set(
        Incident.objects.filter(incident_visibility_q(audience), pk__in=once_visible).values_list("pk", flat=True)
    )
    removed = {}
    for row in (
        history.filter(id__in=once_visible, history_date__gte=since)
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
