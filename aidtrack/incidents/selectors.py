"""Reading incidents: who may see which incident, and where the public may see it.

The public (anonymous clients, and signed-in members of other organizations)
sees only verified records whose visibility is public, without reporter
identity, internal description or source contacts, and with the location
generalised to the sub-district unless the record says its exact point is safe
to publish. Where no sub-district is known the district stands in, and says
so; a record placed in no finer area than its governorate is given no point at
all (a governorate's centre can lie a hundred kilometres from the place). A
linked convoy is named only to readers who may see that convoy. "Partners
only" and restricted incidents are seen only by members of the reporting
organization (an incident has no partner organizations), who see everything of
their own organization's records, as site admins do.
Every reader of incidents (API lists in every format, filters, statistics,
staff screens) goes through these functions so the rule is applied once.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case, CharField, Exists, F, FloatField, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from aidtrack.convoys.models import ConvoyRequest
from aidtrack.convoys.selectors import convoy_visibility_q
from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.incidents.models import Incident, VerificationStatus
from aidtrack.names import arabic_requested
from aidtrack.ops.reused_sql import reused_rows
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


# The admin level a generalised incident is shown at, finest first; the governorate is named but given no point.
GENERALISED_LEVELS = {"sub-district": _("sub-district"), "district": _("district"), "governorate": _("governorate")}


def incident_generalised_to(audience: Audience) -> Case:
    """The ``generalised_to`` annotation of ``incidents_visible_to``, for lists that need no point (and so none of
    its other annotations)."""
    return Case(
        When(incident_exact_location_q(audience), then=Value(None)),
        When(admin3__isnull=False, then=Value("sub-district")),
        When(admin2__isnull=False, then=Value("district")),
        When(admin1__isnull=False, then=Value("governorate")),
        default=Value(None),
        output_field=CharField(),
    )


def incidents_visible_to(audience: Audience) -> QuerySet:
    """Incidents the audience may see, annotated with what it may see of their place.

    ``shown_lat``/``shown_lon``: the exact point (or the stated area) where
    the audience may see it, and otherwise the sub-district's representative
    point, or the district's when no sub-district is known; none when only
    the governorate is known. ``generalised_to``: None where the place is
    shown as recorded, else "sub-district", "district" or "governorate" (the
    finest area the place is given by). ``convoy_shown``: whether the
    audience may see the linked convoy.
    """
    exact_q = incident_exact_location_q(audience)
    general_lat = _coalesce("admin3__centroid_lat", "admin2__centroid_lat")
    general_lon = _coalesce("admin3__centroid_lon", "admin2__centroid_lon")
    exact_lat = _coalesce("latitude", "stated_area__centroid_lat", "admin3__centroid_lat", "admin2__centroid_lat")
    exact_lon = _coalesce("longitude", "stated_area__centroid_lon", "admin3__centroid_lon", "admin2__centroid_lon")
    generalised_to = incident_generalised_to(audience)
    convoys_seen = ConvoyRequest.objects.filter(convoy_visibility_q(audience), pk=OuterRef("convoy_id"))
    return (
        Incident.objects.filter(incident_visibility_q(audience))
        .annotate(
            shown_lat=Case(When(exact_q, then=exact_lat), default=general_lat, output_field=FloatField()),
            shown_lon=Case(When(exact_q, then=exact_lon), default=general_lon, output_field=FloatField()),
            generalised_to=generalised_to,
            convoy_shown=Exists(convoys_seen),
        )
        .order_by("-pk")
    )


def incidents_with_shown_place(queryset: QuerySet, audience: Audience) -> QuerySet:
    """Annotate ``shown_place``: the community where the audience may see the exact place, else the finest
    admin area (sub-district, district, governorate) it is generalised to."""
    exact = Coalesce(F("community__name_en"), F("stated_area__name_en"), F("admin3__name_en"), F("admin2__name_en"))
    general = Coalesce(F("admin3__name_en"), F("admin2__name_en"), F("admin1__name_en"))
    return queryset.annotate(
        shown_place=Case(
            When(incident_exact_location_q(audience), then=Coalesce(exact, F("admin1__name_en"))),
            default=general,
            output_field=CharField(),
        )
    )


@dataclass(frozen=True)
class IncidentAsRead:
    """One incident as one reader may read it: the whole record, or the part the public API shows.

    Read from ``incidents_visible_to`` (whose annotations it uses). Pages
    show these properties instead of the record's own fields, so that a
    template cannot show more of a place than the reader may see.
    """

    incident: Incident
    full: bool
    exact: bool

    @property
    def place_name(self) -> str:
        if self.exact:
            return self.incident.location_name
        incident = self.incident
        area = incident.admin3 or incident.admin2 or incident.admin1
        return area.name if area else ""  # in the reader's language

    @property
    def generalised_to(self) -> str | None:
        """The word for the admin level the place is generalised to, or None when it is shown as recorded."""
        level = getattr(self.incident, "generalised_to", None)
        return GENERALISED_LEVELS.get(level) if not self.exact else None

    @property
    def latitude(self) -> float | None:
        return self.incident.latitude if self.exact else getattr(self.incident, "shown_lat", None)

    @property
    def longitude(self) -> float | None:
        return self.incident.longitude if self.exact else getattr(self.incident, "shown_lon", None)

    @property
    def community(self):
        return self.incident.community if self.exact else None

    @property
    def area(self):
        return self.incident.area if self.exact else None

    @property
    def stated_area(self):
        return self.incident.stated_area if self.full else None

    @property
    def convoy(self):
        return self.incident.convoy if getattr(self.incident, "convoy_shown", False) else None

    @property
    def line(self) -> "IncidentLine":
        """This incident as a list row shows it (as ``incident_lines`` reads it)."""
        incident = self.incident
        return IncidentLine(
            incident.pk,
            incident.reference,
            incident.occurred_on,
            incident.title,
            incident.kind,
            incident.category,
            incident.public_summary,
            incident.perpetrator_id,
            incident.perpetrator.display_name if incident.perpetrator_id is not None else "",
            self.place_name,
            self.exact,
            None if self.exact else getattr(incident, "generalised_to", None),
        )


def incident_as_read(incident: Incident, audience: Audience) -> IncidentAsRead:
    """``incident`` (read through ``incidents_visible_to(audience)``) as ``audience`` may read it."""
    full = audience.member_of(incident.organization_id)
    return IncidentAsRead(incident=incident, full=full, exact=full or incident.publish_exact_location)


@dataclass(frozen=True)
class IncidentLine:
    """One incident as a list row shows it to one reader: what ``IncidentAsRead`` lets that reader read of it, as
    plain values (``incident_lines`` reads them as rows, without building records: a list of fifty costs a
    fraction of the time, and keeps in a cache as such)."""

    pk: int
    reference: str
    occurred_on: datetime.date
    title: str
    kind: str
    category: str
    public_summary: str
    perpetrator_id: int | None
    perpetrator_name: str  # in the reader's language
    place_name: str  # as ``IncidentAsRead.place_name``
    exact: bool
    generalised_to: str | None  # the level the place is shown at (a key of GENERALISED_LEVELS), None when exact


# What ``incident_lines`` reads of each incident, in this order.
_LINE_VALUES = (
    "pk",
    "reference",
    "occurred_on",
    "title",
    "kind",
    "category",
    "public_summary",
    "perpetrator_id",
    "perpetrator__name",
    "perpetrator__name_ar",
    "organization_id",
    "publish_exact_location",
    "location_name",
    *(f"{level}__{name}" for level in ("admin3", "admin2", "admin1") for name in ("name_en", "name_ar")),
)
# The place an incident is generalised to, finest first: (its level in GENERALISED_LEVELS, its names' positions).
_LINE_LEVELS = (("sub-district", 13, 14), ("district", 15, 16), ("governorate", 17, 18))


def incident_lines(queryset: QuerySet, audience: Audience) -> list[IncidentLine]:
    """The incidents of ``queryset`` (already limited to what ``audience`` may see, ordered and sliced) as the rows
    of a list: the exact place only where ``incident_as_read`` shows it, else the finest admin area known, as
    ``incident_generalised_to`` names its level."""
    return _lines(queryset.values_list(*_LINE_VALUES), audience)


def incident_lines_reused(
    key: tuple, build: Callable[[], QuerySet], audience: Audience, **values
) -> list[IncidentLine]:
    """``incident_lines`` of the queryset ``build()`` gives (limited to what ``audience`` may see, ordered and
    sliced, its varying values ``Slot`` objects given in ``values``), its SQL compiled once per process
    (``aidtrack.ops.reused_sql``): ``key`` names the query's shape, the reader class is added to it."""
    rows = reused_rows(
        ("incident lines", *key, audience.cache_key), lambda: build().values_list(*_LINE_VALUES), **values
    )
    return _lines(rows, audience)


def _lines(rows, audience: Audience) -> list[IncidentLine]:
    # Names as ``in_language`` picks them, the language asked for once rather than twice a row.
    arabic = arabic_requested()

    def named(english: str, arabic_name: str) -> str:
        return arabic_name if arabic and arabic_name else english

    lines = []
    for row in rows:
        pk, reference, day, title, kind, category, summary, perpetrator_id, party, party_ar = row[:10]
        organization_id, publish_exact, location_name = row[10:13]
        exact = audience.member_of(organization_id) or publish_exact
        place, level = "", None
        for name, english, arabic_column in _LINE_LEVELS:
            if row[english] is not None:
                place, level = named(row[english], row[arabic_column]), name
                break
        lines.append(
            IncidentLine(
                pk,
                reference,
                day,
                title,
                kind,
                category,
                summary,
                perpetrator_id,
                named(party, party_ar) if perpetrator_id is not None else "",
                location_name if exact else place,
                exact,
                None if exact else level,
            )
        )
    return lines


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
