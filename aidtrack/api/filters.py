"""Query parameters of the API lists (django-filter FilterSets).

Filters run on what the reader may see: the bounding box on the shown
(possibly generalised) point, P-codes of communities only where the exact
location is visible, free text only in readable fields. A filter on a hidden
field therefore cannot reveal a hidden record.
"""

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.fields import MultipleChoiceField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions

from aidtrack.areas.models import AccessStatus, Area
from aidtrack.convoys.models import ConvoyStatus, Modality
from aidtrack.convoys.selectors import convoys_as_of
from aidtrack.geo.models import AdminArea, AdminLevel
from aidtrack.incidents.models import Category, IncidentKind, VerificationStatus
from aidtrack.incidents.selectors import incidents_matching_pcode, incidents_matching_text
from aidtrack.orgs.audience import audience_of
from aidtrack.orgs.models import OrganizationType, PartyType, Visibility
from aidtrack.violence.selectors import PLACED_LEVELS, conflict_events_in_area, conflict_events_matching_text


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, with the form's own error messages.

    django-filter formats every message again with ``%`` (``translate_validation``), so a message quoting the
    value given (``No admin area has the P-code 'SY%'``) raised TypeError: a 500 for a % in a filter. Django has
    already formatted them; they are passed on as they are.
    """

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise exceptions.ValidationError({name: list(errors) for name, errors in filterset.errors.items()})
        return filterset.qs


# Ids are 64-bit in the database: a larger number (or a negative one) is an input error, not a query to run.
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    field_class = IdField


class BBoxField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        parts = value.split(",")
        try:
            numbers = [float(part) for part in parts]
        except ValueError:
            numbers = []
        if len(numbers) != 4 or any(n != n for n in numbers):
            raise ValidationError(
                _("Give the box as min_lon,min_lat,max_lon,max_lat in degrees, e.g. 36.0,33.3,36.6,33.8.")
            )
        min_lon, min_lat, max_lon, max_lat = numbers
        if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= 90 and -90 <= max_lat <= 90):
            raise ValidationError(_("Longitudes lie between -180 and 180, latitudes between -90 and 90."))
        if min_lon > max_lon or min_lat > max_lat:
            raise ValidationError(_("The minimum must not exceed the maximum: min_lon,min_lat,max_lon,max_lat."))
        return numbers


@extend_schema_field(OpenApiTypes.STR)
class BBoxFilter(filters.Filter):
    field_class = BBoxField


class PcodeField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        value = value.strip().upper()
        area = AdminArea.objects.filter(pcode=value).only("pk", "pcode", "level").first()
        if area is None:
            raise ValidationError(
                _("No admin area has the P-code %(code)r: see /api/v1/admin-areas/ for the codes.") % {"code": value}
            )
        return area


@extend_schema_field(OpenApiTypes.STR)
class PcodeFilter(filters.Filter):
    field_class = PcodeField


class PlacedPcodeField(PcodeField):
    """A P-code of a country, governorate, district or sub-district: conflict events are placed no finer."""

    def clean(self, value):
        area = super().clean(value)
        if area is not None and area.level != AdminLevel.COUNTRY and area.level not in PLACED_LEVELS:
            parent = area.parent.pcode if area.parent_id else None
            hint = _(" (its sub-district is %(parent)s)") % {"parent": parent} if parent else ""
            raise ValidationError(
                _(
                    "%(code)s is a community%(hint)s; conflict events are placed in country, governorate, district "
                    "and sub-district: give one of those P-codes."
                )
                % {"code": area.pcode, "hint": hint}
            )
        return area


@extend_schema_field(OpenApiTypes.STR)
class PlacedPcodeFilter(filters.Filter):
    field_class = PlacedPcodeField


class AnyTextMultipleField(MultipleChoiceField):
    """Every value of a repeated query parameter, whatever it is (for free-text categories such as ACLED's)."""

    def valid_value(self, value):
        return True

    def validate(self, value):
        super().validate(value)
        # As for every text field: PostgreSQL cannot compare text holding a NUL character.
        for item in value:
            ProhibitNullCharactersValidator()(item)


@extend_schema_field(OpenApiTypes.STR)
class AnyTextMultipleFilter(filters.MultipleChoiceFilter):
    field_class = AnyTextMultipleField


class AudienceFilterSet(filters.FilterSet):
    @property
    def audience(self):
        return audience_of(getattr(self.request, "user", None))


class IncidentFilter(AudienceFilterSet):
    date_from = filters.DateFilter(
        field_name="occurred_on", lookup_expr="gte", help_text=gettext_lazy("On or after (YYYY-MM-DD).")
    )
    date_to = filters.DateFilter(
        field_name="occurred_on", lookup_expr="lte", help_text=gettext_lazy("On or before (YYYY-MM-DD).")
    )
    bbox = BBoxFilter(
        method="filter_bbox",
        help_text=gettext_lazy(
            "min_lon,min_lat,max_lon,max_lat: incidents whose shown (possibly generalised) point is inside."
        ),
    )
    pcode = PcodeFilter(
        method="filter_pcode", help_text=gettext_lazy("P-code at any level; a governorate matches all inside it.")
    )
    kind = filters.ChoiceFilter(choices=IncidentKind.choices)
    category = filters.MultipleChoiceFilter(
        choices=Category.choices, help_text=gettext_lazy("Repeat for several categories.")
    )
    organization = IdFilter(field_name="organization_id", help_text=gettext_lazy("Reporting organization id."))
    party = IdFilter(field_name="perpetrator_id", help_text=gettext_lazy("Perpetrator (party) id."))
    verification = filters.ChoiceFilter(field_name="verification_status", choices=VerificationStatus.choices)
    visibility = filters.ChoiceFilter(choices=Visibility.choices)
    search = filters.CharFilter(
        method="filter_search", help_text=gettext_lazy("Words in the title, summary or reference.")
    )
    updated_since = filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text=gettext_lazy("Changed at or after (ISO 8601), for sync.")
    )

    def filter_bbox(self, queryset, name, value):
        min_lon, min_lat, max_lon, max_lat = value
        return queryset.filter(
            shown_lon__gte=min_lon, shown_lon__lte=max_lon, shown_lat__gte=min_lat, shown_lat__lte=max_lat
        )

    def filter_pcode(self, queryset, name, value):
        return incidents_matching_pcode(queryset, self.audience, value)

    def filter_search(self, queryset, name, value):
        return incidents_matching_text(queryset, self.audience, value.strip()) if value.strip() else queryset


class ConflictEventFilter(filters.FilterSet):
    date_from = filters.DateFilter(
        field_name="event_date", lookup_expr="gte", help_text=gettext_lazy("On or after (YYYY-MM-DD).")
    )
    date_to = filters.DateFilter(
        field_name="event_date", lookup_expr="lte", help_text=gettext_lazy("On or before (YYYY-MM-DD).")
    )
    event_type = AnyTextMultipleFilter(
        lookup_expr="iexact",
        distinct=False,
        help_text=gettext_lazy("ACLED event type, e.g. Battles or Explosions/Remote violence; repeat for several."),
    )
    sub_event_type = AnyTextMultipleFilter(
        lookup_expr="iexact",
        distinct=False,
        help_text=gettext_lazy("ACLED sub-event type, e.g. Air/drone strike; repeat for several."),
    )
    pcode = PlacedPcodeFilter(
        method="filter_pcode",
        help_text=gettext_lazy(
            "P-code of a country, governorate, district or sub-district; a governorate matches all inside it."
        ),
    )
    bbox = BBoxFilter(
        method="filter_bbox", help_text=gettext_lazy("min_lon,min_lat,max_lon,max_lat: events whose point is inside.")
    )
    search = filters.CharFilter(
        method="filter_search", help_text=gettext_lazy("Words in either actor, the location or the notes.")
    )
    min_fatalities = filters.NumberFilter(
        field_name="fatalities",
        lookup_expr="gte",
        min_value=0,
        max_value=2**31 - 1,
        help_text=gettext_lazy("Events with at least this many reported fatalities."),
    )
    updated_since = filters.IsoDateTimeFilter(
        field_name="imported_at",
        lookup_expr="gte",
        help_text=gettext_lazy("Added or changed by an import at or after (ISO 8601)."),
    )

    def filter_pcode(self, queryset, name, value):
        return conflict_events_in_area(queryset, value)

    def filter_bbox(self, queryset, name, value):
        min_lon, min_lat, max_lon, max_lat = value
        return queryset.filter(
            longitude__gte=min_lon, longitude__lte=max_lon, latitude__gte=min_lat, latitude__lte=max_lat
        )

    def filter_search(self, queryset, name, value):
        return conflict_events_matching_text(queryset, value.strip()) if value.strip() else queryset


class ConvoyFilter(AudienceFilterSet):
    status = filters.MultipleChoiceFilter(
        choices=ConvoyStatus.choices,
        method="filter_status",
        help_text=gettext_lazy("Repeat for several statuses. With as_of, the status on that date."),
    )
    as_of = filters.DateFilter(
        method="filter_as_of",
        help_text=gettext_lazy(
            "Convoys as they stood at the end of this day: requests made by then, with their status, "
            "events and removals up to then (people reached only once delivered)."
        ),
    )
    modality = filters.ChoiceFilter(choices=Modality.choices)
    organization = IdFilter(method="filter_organization", help_text=gettext_lazy("Lead or partner organization id."))
    month_from = filters.DateFilter(
        field_name="plan_month", lookup_expr="gte", help_text=gettext_lazy("Plan month on or after.")
    )
    month_to = filters.DateFilter(
        field_name="plan_month", lookup_expr="lte", help_text=gettext_lazy("Plan month on or before.")
    )
    pcode = PcodeFilter(
        method="filter_pcode", help_text=gettext_lazy("Destination community or area in this admin area.")
    )
    area = IdFilter(field_name="destinations__area", distinct=True, help_text=gettext_lazy("Destination area id."))
    search = filters.CharFilter(
        method="filter_search", help_text=gettext_lazy("Words in the reference, title or origin.")
    )
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    def filter_organization(self, queryset, name, value):
        return queryset.filter(Q(lead_organization_id=value) | Q(partner_organizations=value)).distinct()

    def filter_as_of(self, queryset, name, value):
        queryset = convoys_as_of(queryset, value, audience=self.audience)
        wanted = self.form.cleaned_data.get("status")
        return queryset.filter(status_on__in=wanted) if wanted else queryset

    def filter_status(self, queryset, name, value):
        if not value or self.form.cleaned_data.get("as_of"):
            return queryset  # filtered on the status of that day by filter_as_of
        return queryset.filter(status__in=value)

    def filter_pcode(self, queryset, name, value):
        inside = Q()
        for path in ("destinations__community", "destinations__area__communities"):
            inside |= Q(**{path: value})
            for depth in range(1, 4):
                inside |= Q(**{f"{path}{'__parent' * depth}": value})
        return queryset.filter(inside).distinct()

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(reference__icontains=value) | Q(title__icontains=value) | Q(origin_name__icontains=value)
        )


class AreaFilter(filters.FilterSet):
    status = filters.ChoiceFilter(
        choices=AccessStatus.choices,
        method="filter_noop",
        help_text=gettext_lazy("Status on the as_of date (default today)."),
    )
    governorate = PcodeFilter(field_name="governorate", help_text=gettext_lazy("Governorate P-code."))
    party = IdFilter(field_name="besieging_parties", distinct=True, help_text=gettext_lazy("Besieging party id."))
    search = filters.CharFilter(field_name="name_en", lookup_expr="icontains")
    as_of = filters.DateFilter(
        method="filter_noop", help_text=gettext_lazy("Show the register as it stood on this date.")
    )
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Area
        fields = []

    def filter_noop(self, queryset, name, value):
        # Applied by the view, which needs the date for every row.
        return queryset


class AdminAreaFilter(filters.FilterSet):
    level = filters.TypedChoiceFilter(choices=AdminLevel.choices, coerce=int)
    parent = filters.CharFilter(field_name="parent__pcode", help_text=gettext_lazy("Parent P-code."))
    pcode = filters.CharFilter(
        field_name="pcode", lookup_expr="istartswith", help_text=gettext_lazy("P-codes starting with this.")
    )
    search = filters.CharFilter(method="filter_search", help_text=gettext_lazy("Words in the English or Arabic name."))
    bbox = BBoxFilter(
        method="filter_bbox",
        help_text=gettext_lazy("Areas whose bounding box overlaps min_lon,min_lat,max_lon,max_lat."),
    )
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = AdminArea
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name_en__icontains=value) | Q(name_ar__icontains=value))

    def filter_bbox(self, queryset, name, value):
        return queryset.intersecting_bbox(*value)


class OrganizationFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=OrganizationType.choices)
    search = filters.CharFilter(method="filter_search")

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(acronym__icontains=value))


class PartyFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=PartyType.choices)
    search = filters.CharFilter(field_name="name", lookup_expr="icontains")
