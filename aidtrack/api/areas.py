"""/api/v1/areas/: the register of besieged and hard-to-reach areas, with history and an as-of-date view."""

import datetime

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from aidtrack.api.base import ApiViewMixin, doc_serializer, get_or_404, point
from aidtrack.api.filters import AreaFilter
from aidtrack.api.incidents import ERRORS, as_id
from aidtrack.api.pagination import KeysetPagination
from aidtrack.api.serializers import AreaStatusSerializer
from aidtrack.areas.models import Area, StatusPeriod
from aidtrack.areas.selectors import periods_on, siege_start
from aidtrack.areas.services import area_set_status
from aidtrack.geo.models import AdminArea

AreaReadSerializer = doc_serializer(
    "Area",
    {
        "id": serializers.IntegerField(help_text="Identifier."),
        "name_en": serializers.CharField(help_text="Name in English."),
        "name_ar": serializers.CharField(help_text="Name in Arabic."),
        "governorate_pcode": serializers.CharField(allow_null=True, help_text="Governorate P-code."),
        "governorate_name": serializers.CharField(allow_null=True, help_text="Governorate name."),
        "governorate_name_ar": serializers.CharField(allow_null=True, help_text="Governorate name in Arabic."),
        "district_pcode": serializers.CharField(allow_null=True, help_text="District (admin 2) P-code."),
        "district_name": serializers.CharField(allow_null=True, help_text="District name."),
        "community_pcodes": serializers.ListField(child=serializers.CharField(), help_text="Communities covered."),
        "latitude": serializers.FloatField(allow_null=True, help_text="Latitude of the area's point."),
        "longitude": serializers.FloatField(allow_null=True, help_text="Longitude of the area's point."),
        "geometry": serializers.JSONField(allow_null=True, help_text="Drawn outline (GeoJSON), if any."),
        "population": serializers.IntegerField(allow_null=True, help_text="Population estimate."),
        "population_date": serializers.DateField(allow_null=True, help_text="Date of the estimate."),
        "population_source": serializers.CharField(help_text="Source of the estimate."),
        "besieging_parties": serializers.ListField(child=serializers.DictField(), help_text="id, name and name_ar."),
        "as_of": serializers.DateField(help_text="The date the status is given for."),
        "status": serializers.CharField(allow_null=True, help_text="Status on as_of (null: none recorded)."),
        "status_since": serializers.DateField(allow_null=True, help_text="Start of that status period."),
        "days_under_siege": serializers.IntegerField(allow_null=True, help_text="Unbroken days besieged to as_of."),
        "status_periods": serializers.ListField(
            child=serializers.DictField(), help_text="History: status, start_date, end_date (exclusive), source, note."
        ),
        "version": serializers.IntegerField(help_text="Send back with a status change."),
        "updated_at": serializers.DateTimeField(help_text="Last change."),
    },
)

COLUMNS = [
    ("id", "#loc+id"),
    ("name_en", "#loc+name"),
    ("name_ar", "#loc+name+i_ar"),
    ("governorate_pcode", "#adm1+code"),
    ("governorate_name", "#adm1+name"),
    ("district_pcode", "#adm2+code"),
    ("district_name", "#adm2+name"),
    ("community_pcodes", "#adm4+code"),
    ("latitude", "#geo+lat"),
    ("longitude", "#geo+lon"),
    ("population", "#population"),
    ("population_date", "#date+population"),
    ("population_source", "#meta+source+population"),
    ("besieging_parties", "#group+name+besieging"),
    ("as_of", "#date+as_of"),
    ("status", "#status"),
    ("status_since", "#date+status"),
    ("days_under_siege", "#indicator+days_besieged"),
    ("updated_at", "#date+updated"),
]


def parse_as_of(raw: str | None) -> datetime.date:
    if not raw:
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError as error:
        raise ValidationError({"as_of": [f"{raw!r} is not a date: use YYYY-MM-DD, e.g. 2016-09-19."]}) from error


def area_row(area: Area, day: datetime.date) -> dict:
    periods = list(area.status_periods.all())
    current = next((p for p in periods if p.covers(day)), None)
    besieged_since = siege_start(periods, day)
    return {
        "id": area.pk,
        "name_en": area.name_en,
        "name_ar": area.name_ar,
        "governorate_pcode": area.governorate.pcode if area.governorate_id else None,
        "governorate_name": area.governorate.name_en if area.governorate_id else None,
        "governorate_name_ar": area.governorate.name_ar if area.governorate_id else None,
        "district_pcode": area.admin2.pcode if area.admin2_id else None,
        "district_name": area.admin2.name_en if area.admin2_id else None,
        "community_pcodes": [c.pcode for c in area.communities.all()],
        "latitude": area.latitude,
        "longitude": area.longitude,
        "geometry": area.geometry,
        "population": area.population,
        "population_date": area.population_date,
        "population_source": area.population_source,
        "besieging_parties": [{"id": p.pk, "name": p.name, "name_ar": p.name_ar} for p in area.besieging_parties.all()],
        "as_of": day,
        "status": current.status if current else None,
        "status_since": current.start_date if current else None,
        "days_under_siege": (day - besieged_since).days if besieged_since else None,
        "status_periods": [
            {
                "status": p.status,
                "start_date": p.start_date,
                "end_date": p.end_date,
                "source": p.source,
                "note": p.note,
                "organization": p.organization.short_name if p.organization_id else None,
            }
            for p in periods
        ],
        "version": area.version,
        "updated_at": area.updated_at,
    }


AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description="The register as it stood on this date.")


@extend_schema_view(
    list=extend_schema(
        summary="The register of areas", parameters=[AS_OF], responses={200: AreaReadSerializer(many=True), **ERRORS}
    ),
    retrieve=extend_schema(
        summary="One area with its history", parameters=[AS_OF], responses={200: AreaReadSerializer}
    ),
)
class AreaViewSet(ApiViewMixin, viewsets.GenericViewSet):
    filterset_class = AreaFilter
    pagination_class = type("AreaPagination", (KeysetPagination,), {"ordering": "id"})
    serializer_class = AreaReadSerializer
    http_method_names = ["get", "post", "head", "options"]
    export_sheet_title = "areas"
    queryset = Area.objects.none()

    def get_queryset(self):
        # The related admin areas' polygons are never shown here: reading them
        # would decode megabytes of GeoJSON per request.
        return (
            Area.objects.select_related("governorate", "admin2")
            .defer("governorate__geometry", "admin2__geometry")
            .prefetch_related(
                Prefetch("communities", queryset=AdminArea.objects.defer("geometry")),
                "besieging_parties",
                Prefetch("status_periods", queryset=StatusPeriod.objects.select_related("organization")),
            )
        )

    def export_columns(self):
        return COLUMNS

    def geometry_of(self, row):
        return row["geometry"] or point(row["longitude"], row["latitude"])

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        wanted = self.request.query_params.get("status")
        if wanted:
            day = parse_as_of(self.request.query_params.get("as_of"))
            queryset = queryset.filter(Exists(periods_on(day).filter(area=OuterRef("pk"), status=wanted)))
        return queryset

    def list(self, request):
        day = parse_as_of(request.query_params.get("as_of"))
        queryset = self.filter_queryset(self.get_queryset())
        if self.wants_json:
            page = self.paginate_queryset(queryset)
            return self.get_paginated_response([area_row(a, day) for a in page])
        return Response([area_row(a, day) for a in queryset])

    def retrieve(self, request, pk=None):
        day = parse_as_of(request.query_params.get("as_of"))
        return Response(area_row(get_or_404(self.get_queryset(), pk=as_id(pk)), day))

    @extend_schema(
        summary="Record a change of status (reporters of your organization; site admins)",
        request=AreaStatusSerializer,
        responses={201: AreaReadSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="status", filterset_class=None)
    def set_status(self, request, pk=None):
        area = get_or_404(self.get_queryset(), pk=as_id(pk))
        serializer = AreaStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        area_set_status(area=area, by=request.user, expected_version=data.pop("version"), **data)
        return Response(area_row(get_or_404(self.get_queryset(), pk=area.pk), timezone.localdate()), status=201)
