"""/api/v1/convoys/: convoy requests with destinations, cargo, events and removals; create and transition."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from aidtrack.api.base import ApiViewMixin, doc_serializer, get_or_404, point
from aidtrack.api.convoy_rows import convoy_row, export_columns
from aidtrack.api.filters import ConvoyFilter
from aidtrack.api.incidents import ERRORS, as_id, parse_since
from aidtrack.api.pagination import KeysetPagination
from aidtrack.api.serializers import ConvoyCreateSerializer, RemovedListSerializer, TransitionSerializer
from aidtrack.convoys.models import ConvoyRequest
from aidtrack.convoys.selectors import convoys_removed_since, convoys_visible_to
from aidtrack.convoys.services import (
    CargoInput,
    DestinationInput,
    allowed_transitions,
    convoy_create,
    convoy_transition,
    convoy_update,
)

ConvoyReadSerializer = doc_serializer(
    "Convoy",
    {
        "id": serializers.IntegerField(help_text=gettext_lazy("Identifier.")),
        "reference": serializers.CharField(help_text=gettext_lazy("e.g. CV-2016-09-014.")),
        "title": serializers.CharField(help_text=gettext_lazy("Short title.")),
        "lead_organization": serializers.DictField(
            help_text=gettext_lazy("Lead organization: id, name, acronym, name_ar, acronym_ar."),
        ),
        "partner_organizations": serializers.ListField(
            child=serializers.DictField(), help_text=gettext_lazy("Partners.")
        ),
        "modality": serializers.CharField(help_text=gettext_lazy("cross_line, cross_border or air.")),
        "status": serializers.CharField(help_text=gettext_lazy("Lifecycle status.")),
        "origin_name": serializers.CharField(help_text=gettext_lazy("Where it leaves from.")),
        "origin_pcode": serializers.CharField(allow_null=True, help_text=gettext_lazy("Origin admin area P-code.")),
        "origin_latitude": serializers.FloatField(allow_null=True, help_text=gettext_lazy("Origin latitude.")),
        "origin_longitude": serializers.FloatField(allow_null=True, help_text=gettext_lazy("Origin longitude.")),
        "plan_month": serializers.DateField(
            allow_null=True, help_text=gettext_lazy("Inter-agency plan month (first day).")
        ),
        "trucks": serializers.IntegerField(allow_null=True, help_text=gettext_lazy("Number of trucks.")),
        "requested_date": serializers.DateField(allow_null=True, help_text=gettext_lazy("Date submitted.")),
        "planned_date": serializers.DateField(allow_null=True, help_text=gettext_lazy("Planned dispatch date.")),
        "destinations": serializers.ListField(
            child=serializers.DictField(),
            help_text=gettext_lazy("Places served with planned and reached beneficiaries."),
        ),
        "planned_beneficiaries": serializers.IntegerField(help_text=gettext_lazy("Sum over destinations.")),
        "reached_beneficiaries": serializers.IntegerField(help_text=gettext_lazy("Sum reached over destinations.")),
        "cargo_lines": serializers.ListField(
            child=serializers.DictField(), help_text=gettext_lazy("Sector, item, quantity, unit.")
        ),
        "events": serializers.ListField(
            child=serializers.DictField(),
            help_text=gettext_lazy(
                "Transitions with time; note and who recorded it for the lead and partner organizations."
            ),
        ),
        "removals": serializers.ListField(
            child=serializers.DictField(), help_text=gettext_lazy("Cargo removed at checkpoints.")
        ),
        "visibility": serializers.CharField(help_text=gettext_lazy("public, partners or restricted.")),
        "updated_at": serializers.DateTimeField(help_text=gettext_lazy("Last change.")),
        "full_view": serializers.BooleanField(
            required=False, help_text=gettext_lazy("Whether you see the full record.")
        ),
        "notes": serializers.CharField(
            required=False, allow_null=True, help_text=gettext_lazy("Internal notes (members).")
        ),
        "created_by": serializers.CharField(
            required=False, allow_null=True, help_text=gettext_lazy("Creator (members).")
        ),
        "version": serializers.IntegerField(
            required=False, allow_null=True, help_text=gettext_lazy("Version (members).")
        ),
    },
)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Convoy requests you may see"), responses={200: ConvoyReadSerializer(many=True), **ERRORS}
    ),
    retrieve=extend_schema(summary=gettext_lazy("One convoy request"), responses={200: ConvoyReadSerializer, **ERRORS}),
    create=extend_schema(
        summary=gettext_lazy("Create a draft convoy request for your organization"),
        request=ConvoyCreateSerializer,
        responses={201: ConvoyReadSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary=gettext_lazy(
            "Edit a convoy request (send the version you read; destinations and cargo only while a draft)"
        ),
        request=ConvoyCreateSerializer,
        responses={200: ConvoyReadSerializer, **ERRORS},
    ),
)
class ConvoyViewSet(ApiViewMixin, viewsets.GenericViewSet):
    filterset_class = ConvoyFilter
    pagination_class = KeysetPagination
    serializer_class = ConvoyReadSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    export_sheet_title = "convoys"
    queryset = ConvoyRequest.objects.none()

    def get_queryset(self):
        return convoys_visible_to(self.audience)

    def export_columns(self):
        return export_columns(self.audience)

    def geometry_of(self, row):
        for destination in row["destinations"]:
            if destination["latitude"] is not None:
                return point(destination["longitude"], destination["latitude"])
        return point(row["origin_longitude"], row["origin_latitude"])

    def list(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        if self.wants_json:
            page = self.paginate_queryset(queryset)
            return self.get_paginated_response([convoy_row(c, self.audience) for c in page])
        return Response([convoy_row(c, self.audience) for c in queryset])

    def _read(self, pk, status_code=status.HTTP_200_OK):
        convoy = get_or_404(self.get_queryset(), pk=as_id(pk))
        row = convoy_row(convoy, self.audience)
        if row.get("full_view"):
            row["allowed_transitions"] = allowed_transitions(convoy)
        return Response(row, status=status_code)

    def retrieve(self, request, pk=None):
        return self._read(pk)

    def create(self, request):
        serializer = ConvoyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        destinations = [DestinationInput(**d) for d in data.pop("destinations", [])]
        cargo = [CargoInput(**line) for line in data.pop("cargo_lines", [])]
        partners = data.pop("partner_organizations", [])
        convoy = convoy_create(
            by=request.user, destinations=destinations, cargo_lines=cargo, partner_organizations=partners, **data
        )
        return self._read(convoy.pk, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        convoy = get_or_404(self.get_queryset(), pk=as_id(pk))
        serializer = ConvoyCreateSerializer(convoy, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "version" not in data:
            raise ValidationError({"version": [_("Send the version of the convoy request you edited.")]})
        version = data.pop("version")
        for name, input_class in (("destinations", DestinationInput), ("cargo_lines", CargoInput)):
            if name in data:
                data[name] = [input_class(**row) for row in data[name]]
        convoy_update(convoy=convoy, by=request.user, expected_version=version, **data)
        return self._read(convoy.pk)

    @extend_schema(
        summary=gettext_lazy("Move a convoy to its next status (the same lifecycle rules as everywhere)"),
        request=TransitionSerializer,
        responses={200: ConvoyReadSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        convoy = get_or_404(self.get_queryset(), pk=as_id(pk))
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        convoy_transition(
            convoy=convoy,
            to_status=data["to_status"],
            by=request.user,
            note=data["note"],
            occurred_at=data["occurred_at"],
            reached_beneficiaries=data.get("reached_beneficiaries") or None,
            expected_version=data["version"],
        )
        return self._read(convoy.pk)

    @extend_schema(
        summary=gettext_lazy("Tombstones: convoys deleted or withdrawn from your view since a moment"),
        parameters=[
            OpenApiParameter("since", OpenApiTypes.DATETIME, required=True, description=gettext_lazy("ISO 8601."))
        ],
        filters=False,
        responses={200: RemovedListSerializer, **ERRORS},
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None, renderer_classes=[JSONRenderer])
    def removed(self, request):
        since = parse_since(request.query_params.get("since"))
        return Response({"since": since, "results": convoys_removed_since(self.audience, since)})
