"""/api/v1/conflict-events/: the violence layer (ACLED-format conflict events), read only and public.

Conflict events are published source data, kept apart from access incidents:
they have no verification or visibility of their own, so every reader sees
every event, and one rendered list serves them all.
"""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from aidtrack.api import cache
from aidtrack.api.base import ApiViewMixin, doc_serializer, get_or_404, point
from aidtrack.api.filters import ConflictEventFilter
from aidtrack.api.incidents import ERRORS, FIELDS, as_id, parse_fields
from aidtrack.api.pagination import KeysetPagination
from aidtrack.orgs.audience import PUBLIC
from aidtrack.violence.selectors import conflict_events

VALUES = (
    "id",
    "event_id",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "admin1_name",
    "admin2_name",
    "admin3_name",
    "admin1__pcode",
    "admin2__pcode",
    "admin3__pcode",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
    "notes",
    "source",
    "imported_at",
)

# (key, HXL hashtag) in the order of CSV and XLSX columns; the hashtags follow ACLED's own HXL exports.
COLUMNS = [
    ("id", "#meta+id"),
    ("event_id", "#event+code"),
    ("event_date", "#date+occurred"),
    ("event_type", "#event+type"),
    ("sub_event_type", "#event+type+sub"),
    ("actor1", "#group+name+first"),
    ("actor2", "#group+name+second"),
    ("admin1_name", "#adm1+name"),
    ("admin1_pcode", "#adm1+code"),
    ("admin2_name", "#adm2+name"),
    ("admin2_pcode", "#adm2+code"),
    ("admin3_name", "#adm3+name"),
    ("admin3_pcode", "#adm3+code"),
    ("location", "#loc+name"),
    ("latitude", "#geo+lat"),
    ("longitude", "#geo+lon"),
    ("geo_precision", "#geo+precision"),
    ("fatalities", "#affected+killed"),
    ("notes", "#description"),
    ("source", "#meta+source"),
    ("imported_at", "#date+updated"),
]
KEYS = [key for key, _ in COLUMNS]
VALUE_OF = {"admin1_pcode": "admin1__pcode", "admin2_pcode": "admin2__pcode", "admin3_pcode": "admin3__pcode"}


def conflict_event_row(values: dict) -> dict:
    """One event as every format (JSON, GeoJSON, CSV, XLSX, GeoPackage) shows it."""
    return {key: values[VALUE_OF.get(key, key)] for key in KEYS}


def _s(help_text):
    return serializers.CharField(help_text=help_text, allow_null=True)


def _i(help_text):
    return serializers.IntegerField(help_text=help_text, allow_null=True)


def _f(help_text):
    return serializers.FloatField(help_text=help_text)


ConflictEventSerializer = doc_serializer(
    "ConflictEvent",
    {
        "id": serializers.IntegerField(help_text=gettext_lazy("Identifier here.")),
        "event_id": serializers.CharField(help_text=gettext_lazy("The source's identifier (ACLED event_id_cnty).")),
        "event_date": serializers.DateField(help_text=gettext_lazy("Date of the event.")),
        "event_type": serializers.CharField(
            help_text=gettext_lazy("ACLED event type, e.g. Battles, Explosions/Remote violence.")
        ),
        "sub_event_type": _s(gettext_lazy("ACLED sub-event type, e.g. Air/drone strike, Armed clash.")),
        "actor1": _s(gettext_lazy("First actor, as the source names it.")),
        "actor2": _s(gettext_lazy("Second actor, as the source names it.")),
        "admin1_name": _s(gettext_lazy("Governorate as the source names it.")),
        "admin1_pcode": _s(gettext_lazy("Governorate the point lies in (P-code), null when outside every boundary.")),
        "admin2_name": _s(gettext_lazy("District as the source names it.")),
        "admin2_pcode": _s(gettext_lazy("District the point lies in (P-code).")),
        "admin3_name": _s(gettext_lazy("Sub-district as the source names it.")),
        "admin3_pcode": _s(gettext_lazy("Sub-district the point lies in (P-code).")),
        "location": _s(gettext_lazy("Place name.")),
        "latitude": _f(gettext_lazy("Latitude (WGS 84), as published by the source.")),
        "longitude": _f(gettext_lazy("Longitude (WGS 84), as published by the source.")),
        "geo_precision": _i(gettext_lazy("ACLED geo-precision: 1 exact, 2 near, 3 admin area only.")),
        "fatalities": _i(gettext_lazy("Reported fatalities (ACLED's estimate; 0 when none were reported).")),
        "notes": _s(gettext_lazy("The source's description of the event.")),
        "source": _s(gettext_lazy("Where the source took the event from.")),
        "imported_at": serializers.DateTimeField(
            help_text=gettext_lazy("When an import last added or changed it (updated_since).")
        ),
    },
    gettext_lazy("A conflict event (ACLED format): the violence layer, kept apart from access incidents."),
)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Conflict events (ACLED format): the violence layer"),
        description=gettext_lazy(
            "Public source data kept apart from access incidents: everybody reads every event. JSON pages "
            "(keyset cursor) or the whole filtered list as GeoJSON, CSV (HXL row, ACLED's hashtags), XLSX or "
            "GeoPackage. `fields` keeps only the keys named."
        ),
        parameters=[FIELDS],
        responses={200: ConflictEventSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("One conflict event"),
        # Said here: without it, the schema shows the docstring of a mixin (the list cache) instead.
        description=gettext_lazy("One event of the violence layer, as the source published it."),
        responses={200: ConflictEventSerializer, **ERRORS},
    ),
)
class ConflictEventViewSet(cache.CachedListMixin, ApiViewMixin, viewsets.GenericViewSet):
    filterset_class = ConflictEventFilter
    pagination_class = KeysetPagination
    serializer_class = ConflictEventSerializer
    export_sheet_title = "conflict_events"
    queryset = conflict_events().none()

    def get_queryset(self):
        return conflict_events()

    def export_columns(self):
        fields = getattr(self, "_fields", None)
        return [column for column in COLUMNS if column[0] in fields] if fields else COLUMNS

    def geometry_of(self, row):
        points = getattr(self, "_points", None)
        if points is not None:
            return points.get(row["id"])
        return point(row["longitude"], row["latitude"])

    def _rows(self, values):
        rows = [conflict_event_row(v) for v in values]
        fields = getattr(self, "_fields", None)
        if not fields:
            return rows
        # GeoJSON features keep their point whichever keys were asked for.
        self._points = {row["id"]: point(row["longitude"], row["latitude"]) for row in rows}
        return [{"id": row["id"], **{key: row[key] for key in fields}} for row in rows]

    def list(self, request, *args, **kwargs):
        # Every reader sees the same events: one rendered list per URL and format serves them all.
        stamp = cache.conflict_data_stamp()
        key = cache.cache_key(request, PUBLIC, request.accepted_renderer.format, stamp=stamp)
        cached = self.cached_list(request, key)
        if cached is not None:
            return cached
        self._fields = parse_fields(request.query_params.get("fields"), KEYS)
        queryset = self.filter_queryset(self.get_queryset()).values(*VALUES)
        if self.wants_json:
            response = self.get_paginated_response(self._rows(self.paginate_queryset(queryset)))
        else:
            response = Response(self._rows(queryset.order_by("-event_date", "-id").iterator(chunk_size=5000)))
        return self.remember_list(response, key)

    def retrieve(self, request, pk=None):
        return Response(self._rows([get_or_404(self.get_queryset().values(*VALUES), pk=as_id(pk))])[0])
