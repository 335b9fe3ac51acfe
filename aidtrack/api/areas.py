"""/api/v1/areas/: the register of besieged and hard-to-reach areas, with history and an as-of-date view."""

import datetime
from collections import defaultdict
from typing import NamedTuple

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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

AreaReadSerializer = doc_serializer(
    "Area",
    {
        "id": serializers.IntegerField(help_text=gettext_lazy("Identifier.")),
        "name_en": serializers.CharField(help_text=gettext_lazy("Name in English.")),
        "name_ar": serializers.CharField(help_text=gettext_lazy("Name in Arabic.")),
        "governorate_pcode": serializers.CharField(allow_null=True, help_text=gettext_lazy("Governorate P-code.")),
        "governorate_name": serializers.CharField(allow_null=True, help_text=gettext_lazy("Governorate name.")),
        "governorate_name_ar": serializers.CharField(
            allow_null=True, help_text=gettext_lazy("Governorate name in Arabic.")
        ),
        "district_pcode": serializers.CharField(allow_null=True, help_text=gettext_lazy("District (admin 2) P-code.")),
        "district_name": serializers.CharField(allow_null=True, help_text=gettext_lazy("District name.")),
        "community_pcodes": serializers.ListField(
            child=serializers.CharField(), help_text=gettext_lazy("Communities covered.")
        ),
        "latitude": serializers.FloatField(allow_null=True, help_text=gettext_lazy("Latitude of the area's point.")),
        "longitude": serializers.FloatField(allow_null=True, help_text=gettext_lazy("Longitude of the area's point.")),
        "geometry": serializers.JSONField(allow_null=True, help_text=gettext_lazy("Drawn outline (GeoJSON), if any.")),
        "population": serializers.IntegerField(allow_null=True, help_text=gettext_lazy("Population estimate.")),
        "population_date": serializers.DateField(allow_null=True, help_text=gettext_lazy("Date of the estimate.")),
        "population_source": serializers.CharField(help_text=gettext_lazy("Source of the estimate.")),
        "besieging_parties": serializers.ListField(
            child=serializers.DictField(), help_text=gettext_lazy("id, name and name_ar.")
        ),
        "as_of": serializers.DateField(help_text=gettext_lazy("The date the status is given for.")),
        "status": serializers.CharField(
            allow_null=True, help_text=gettext_lazy("Status on as_of (null: none recorded).")
        ),
        "status_since": serializers.DateField(allow_null=True, help_text=gettext_lazy("Start of that status period.")),
        "days_under_siege": serializers.IntegerField(
            allow_null=True, help_text=gettext_lazy("Unbroken days besieged to as_of.")
        ),
        "status_periods": serializers.ListField(
            child=serializers.DictField(),
            help_text=gettext_lazy("History: status, start_date, end_date (exclusive), source, note."),
        ),
        "version": serializers.IntegerField(help_text=gettext_lazy("Send back with a status change.")),
        "updated_at": serializers.DateTimeField(help_text=gettext_lazy("Last change.")),
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
        raise ValidationError(
            {"as_of": [_("%(value)r is not a date: use YYYY-MM-DD, e.g. 2016-09-19.") % {"value": raw}]}
        ) from error


VALUES = [
    "id",
    "name_en",
    "name_ar",
    "governorate__pcode",
    "governorate__name_en",
    "governorate__name_ar",
    "admin2__pcode",
    "admin2__name_en",
    "latitude",
    "longitude",
    "geometry",
    "population",
    "population_date",
    "population_source",
    "version",
    "updated_at",
]


class PeriodRow(NamedTuple):
    """A status period as read for a list: plain values, no model instance to build."""

    status: str
    start_date: datetime.date
    end_date: datetime.date | None
    source: str
    note: str
    organization: str | None

    def covers(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or day < self.end_date)


def area_rows(values, day: datetime.date) -> list[dict]:
    """Rows for areas read with ``.values(*VALUES)``: three more flat queries for all of them together.

    Model instances with prefetched relations cost more than a millisecond an area (a queryset cloned per
    relation and per area); plain values cost a few microseconds.
    """
    values = list(values)
    ids = [value["id"] for value in values]
    communities, parties, periods = defaultdict(list), defaultdict(list), defaultdict(list)
    through = Area.communities.through.objects.filter(area_id__in=ids)
    for area_id, pcode in through.order_by("adminarea__level", "adminarea__pcode").values_list(
        "area_id", "adminarea__pcode"
    ):
        communities[area_id].append(pcode)
    through = Area.besieging_parties.through.objects.filter(area_id__in=ids)
    rows = through.order_by("party__name").values_list("area_id", "party_id", "party__name", "party__name_ar")
    for area_id, party_id, name, name_ar in rows:
        parties[area_id].append({"id": party_id, "name": name, "name_ar": name_ar})
    fields = ("area_id", "status", "start_date", "end_date", "source", "note", "organization__acronym")
    rows = (
        StatusPeriod.objects.filter(area_id__in=ids).order_by("start_date").values_list(*fields, "organization__name")
    )
    for area_id, *period, organization_name in rows:
        # An organization's short name: its acronym, else its name (Organization.short_name).
        period[-1] = period[-1] or organization_name or None
        periods[area_id].append(PeriodRow(*period))
    return [_row(value, day, communities[value["id"]], parties[value["id"]], periods[value["id"]]) for value in values]


def _row(value: dict, day: datetime.date, communities, parties, periods) -> dict:
    current = next((p for p in periods if p.covers(day)), None)
    besieged_since = siege_start(periods, day)
    return {
        "id": value["id"],
        "name_en": value["name_en"],
        "name_ar": value["name_ar"],
        "governorate_pcode": value["governorate__pcode"],
        "governorate_name": value["governorate__name_en"],
        "governorate_name_ar": value["governorate__name_ar"],
        "district_pcode": value["admin2__pcode"],
        "district_name": value["admin2__name_en"],
        "community_pcodes": communities,
        "latitude": value["latitude"],
        "longitude": value["longitude"],
        "geometry": value["geometry"],
        "population": value["population"],
        "population_date": value["population_date"],
        "population_source": value["population_source"],
        "besieging_parties": parties,
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
                "organization": p.organization,
            }
            for p in periods
        ],
        "version": value["version"],
        "updated_at": value["updated_at"],
    }


def area_row(area_id: int, day: datetime.date) -> dict:
    return area_rows(Area.objects.filter(pk=area_id).values(*VALUES), day)[0]


AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description=gettext_lazy("The register as it stood on this date."))


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("The register of areas"),
        parameters=[AS_OF],
        responses={200: AreaReadSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("One area with its history"), parameters=[AS_OF], responses={200: AreaReadSerializer}
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
        return Area.objects.all()

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
        queryset = self.filter_queryset(self.get_queryset()).values(*VALUES)
        if self.wants_json:
            page = self.paginate_queryset(queryset)
            return self.get_paginated_response(area_rows(page, day))
        return Response(area_rows(queryset, day))

    def retrieve(self, request, pk=None):
        day = parse_as_of(request.query_params.get("as_of"))
        return Response(area_row(get_or_404(self.get_queryset(), pk=as_id(pk)).pk, day))

    @extend_schema(
        summary=gettext_lazy("Record a change of status (reporters of your organization; site admins)"),
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
        return Response(area_row(area.pk, timezone.localdate()), status=201)
