"""/api/v1/incidents/: read what you may see; report, edit, review and delete through the incident services."""

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from aidtrack.api import cache
from aidtrack.api.base import ApiViewMixin, get_or_404, point
from aidtrack.api.filters import IncidentFilter
from aidtrack.api.incident_features import feature_texts, written_by_database
from aidtrack.api.incident_rows import (
    VALUES,
    attributions_by_incident,
    export_columns,
    incident_row,
    row_keys,
    sources_by_incident,
    values_for,
)
from aidtrack.api.pagination import KeysetPagination
from aidtrack.api.serializers import (
    IncidentReadSerializer,
    IncidentWriteSerializer,
    RemovedListSerializer,
    ReviewSerializer,
)
from aidtrack.convoys.selectors import convoys_visible_to
from aidtrack.incidents.models import Incident
from aidtrack.incidents.selectors import incidents_removed_since, incidents_visible_to
from aidtrack.incidents.services import SourceInput, incident_create, incident_delete, incident_review, incident_update

ERRORS = {
    400: OpenApiResponse(description=gettext_lazy("Invalid input: `errors` says what is wrong with each field.")),
    401: OpenApiResponse(description=gettext_lazy("Sign in or send a token.")),
    403: OpenApiResponse(description=gettext_lazy("You may not do this for this organization.")),
    404: OpenApiResponse(description=gettext_lazy("No such record, or you may not see it.")),
    409: OpenApiResponse(
        description=gettext_lazy("Someone saved a newer version: reload, then apply your change again.")
    ),
}


def parse_since(raw: str | None):
    moment = parse_datetime(raw or "")
    if moment is None:
        raise ValidationError({"since": [_("Give a moment in ISO 8601, e.g. 2016-09-19T00:00:00Z.")]})
    if moment.tzinfo is None:
        raise ValidationError({"since": [_("Give the time zone too, e.g. 2016-09-19T00:00:00Z or +03:00.")]})
    return moment


FIELDS = OpenApiParameter(
    "fields",
    OpenApiTypes.STR,
    description=gettext_lazy(
        "Comma-separated keys to keep in each record, e.g. id,title,occurred_on,category (all if absent). "
        "GeoJSON keeps each feature's point whatever the keys."
    ),
)


def parse_fields(raw: str | None, allowed: list[str]) -> list[str] | None:
    """The keys asked for with ``fields``, in the order of a record; None for all."""
    if raw is None:
        return None
    wanted = [key.strip() for key in raw.split(",") if key.strip()]
    unknown = sorted(set(wanted) - set(allowed))
    if not wanted or unknown:
        choose = _("Choose among: %(keys)s.") % {"keys": ", ".join(allowed)}
        problem = _("Unknown: %(keys)s.") % {"keys": ", ".join(unknown)} if unknown else _("Name at least one key.")
        raise ValidationError({"fields": [f"{problem} {choose}"]})
    return [key for key in allowed if key in wanted]


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Incidents you may see"),
        description=gettext_lazy(
            "JSON pages (keyset cursor) or the whole filtered list as GeoJSON, CSV (HXL row) or XLSX. "
            "`fields` keeps only the keys named (a map needs far fewer than the whole record)."
        ),
        parameters=[FIELDS],
        responses={200: IncidentReadSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(summary=gettext_lazy("One incident"), responses={200: IncidentReadSerializer, **ERRORS}),
    create=extend_schema(
        summary=gettext_lazy("Report an incident for one of your organizations"),
        request=IncidentWriteSerializer,
        responses={201: IncidentReadSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy("Edit an incident (send the version you read)"),
        request=IncidentWriteSerializer,
        responses={200: IncidentReadSerializer, **ERRORS},
    ),
    destroy=extend_schema(
        summary=gettext_lazy("Delete an incident (reviewers and site admins)"), responses={204: None, **ERRORS}
    ),
)
class IncidentViewSet(cache.CachedListMixin, ApiViewMixin, viewsets.GenericViewSet):
    filterset_class = IncidentFilter
    pagination_class = KeysetPagination
    serializer_class = IncidentReadSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    export_sheet_title = "incidents"
    queryset = Incident.objects.none()

    def get_queryset(self):
        return incidents_visible_to(self.audience)

    def get_serializer_class(self):
        if self.action in {"create", "partial_update"}:
            return IncidentWriteSerializer
        return IncidentReadSerializer

    def export_columns(self):
        columns = export_columns(self.audience)
        fields = getattr(self, "_fields", None)
        return [column for column in columns if column[0] in fields] if fields else columns

    def geometry_of(self, row):
        points = getattr(self, "_points", None)
        if points is not None:
            return points.get(row["id"])
        return point(row["longitude"], row["latitude"])

    def _rows(self, values, with_sources: bool):
        values = list(values)
        attributions = attributions_by_incident([v["id"] for v in values])
        for value in values:
            value["attribution"] = attributions.get(value["id"], "")
        sources = sources_by_incident([v["id"] for v in values]) if with_sources else None
        rows = [
            incident_row(v, self.audience, sources.get(v["id"], []) if sources is not None else None) for v in values
        ]
        fields = getattr(self, "_fields", None)
        if not fields:
            return rows
        # The point is kept aside so that GeoJSON features keep their geometry whichever keys were asked for.
        self._points = {row["id"]: point(row["longitude"], row["latitude"]) for row in rows}
        return [{"id": row["id"], **{key: row[key] for key in fields if key in row}} for row in rows]

    def list(self, request, *args, **kwargs):
        key = cache.cache_key(request, self.audience, request.accepted_renderer.format)
        cached = self.cached_list(request, key)
        if cached is not None:
            return cached
        self._fields = parse_fields(request.query_params.get("fields"), row_keys(self.audience))
        queryset = self.filter_queryset(self.get_queryset())
        if request.accepted_renderer.format == "geojson" and written_by_database():
            # The database writes each Feature: no dictionary per row (aidtrack/api/incident_features.py).
            return self.remember_list(Response(feature_texts(queryset, self.audience, self._fields)), key)
        queryset = queryset.values(*values_for(self._fields))
        if self.wants_json:
            page = self.paginate_queryset(queryset)
            response = self.get_paginated_response(self._rows(page, with_sources=True))
        else:
            response = Response(self._rows(queryset.iterator(chunk_size=5000), with_sources=False))
        return self.remember_list(response, key)

    def retrieve(self, request, pk=None):
        values = get_or_404(self.get_queryset().values(*VALUES), pk=as_id(pk))
        return Response(self._rows([values], with_sources=True)[0])

    def _instance(self, pk):
        return get_or_404(self.get_queryset(), pk=as_id(pk))

    def _read(self, pk, status_code=status.HTTP_200_OK):
        values = self.get_queryset().values(*VALUES).get(pk=pk)
        return Response(self._rows([values], with_sources=True)[0], status=status_code)

    def create(self, request):
        serializer = IncidentWriteSerializer(data=request.data, convoys=convoys_visible_to(self.audience))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        sources = [SourceInput(**source) for source in data.pop("sources", [])]
        incident = incident_create(by=request.user, sources=sources, **data)
        return self._read(incident.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        incident = self._instance(pk)
        serializer = IncidentWriteSerializer(
            incident, data=request.data, partial=True, convoys=convoys_visible_to(self.audience)
        )
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if "version" not in changes:
            raise ValidationError(
                {"version": [_("Send the version of the incident you edited (its 'version' field).")]}
            )
        version = changes.pop("version")
        incident = incident_update(incident=incident, by=request.user, expected_version=version, **changes)
        return self._read(incident.pk)

    def destroy(self, request, pk=None):
        incident_delete(incident=self._instance(pk), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary=gettext_lazy("Verify, dispute or reject an incident (reviewers who did not report it)"),
        request=ReviewSerializer,
        responses={200: IncidentReadSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        incident = self._instance(pk)
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        incident_review(
            incident=incident,
            by=request.user,
            outcome=data["outcome"],
            note=data["note"],
            expected_version=data["version"],
        )
        return self._read(incident.pk)

    @extend_schema(
        summary=gettext_lazy("Tombstones: incidents deleted or withdrawn from your view since a moment"),
        description=gettext_lazy(
            "A sync client fetches `?updated_since=T` for changes and this list for records to delete."
        ),
        parameters=[
            OpenApiParameter("since", OpenApiTypes.DATETIME, required=True, description=gettext_lazy("ISO 8601."))
        ],
        filters=False,
        responses={200: RemovedListSerializer, **ERRORS},
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None, renderer_classes=[JSONRenderer])
    def removed(self, request):
        since = parse_since(request.query_params.get("since"))
        return Response({"since": since, "results": incidents_removed_since(self.audience, since)})


def as_id(pk) -> int:
    """A database id from the URL; anything else (or out of range) finds nothing."""
    try:
        value = int(pk)
    except (TypeError, ValueError):
        return 0
    return value if 0 < value < 2**63 else 0
