"""/api/v1/agreements/: cessations of hostilities and their day-by-day compliance, from what you may see."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from aidtrack.agreements.models import Agreement
from aidtrack.agreements.selectors import agreement_compliance_for, agreements_with_terms
from aidtrack.api.base import ApiViewMixin, doc_serializer, get_or_404
from aidtrack.api.incidents import ERRORS, as_id
from aidtrack.api.pagination import KeysetPagination

Ascending = type("AscendingPagination", (KeysetPagination,), {"ordering": "id"})


class AgreementSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(read_only=True, help_text=gettext_lazy("Identifier."))
    area_ids = serializers.PrimaryKeyRelatedField(
        source="areas", many=True, read_only=True, help_text=gettext_lazy("Areas named.")
    )
    governorate_pcodes = serializers.SlugRelatedField(
        source="governorates",
        slug_field="pcode",
        many=True,
        read_only=True,
        help_text=gettext_lazy("Governorates covered."),
    )
    excluded_party_ids = serializers.PrimaryKeyRelatedField(
        source="excluded_parties", many=True, read_only=True, help_text=gettext_lazy("Parties it does not apply to.")
    )
    conditions = serializers.SerializerMethodField(help_text=gettext_lazy("Conditions with their thresholds."))

    class Meta:
        model = Agreement
        fields = [
            "id",
            "name",
            "name_ar",
            "starts_at",
            "ends_at",
            "announced_on",
            "brokers",
            "brokers_ar",
            "summary",
            "summary_ar",
            "source",
            "area_ids",
            "governorate_pcodes",
            "excluded_party_ids",
            "conditions",
        ]
        extra_kwargs = {
            "name": {"help_text": gettext_lazy("Name.")},
            "name_ar": {"help_text": gettext_lazy("Name in Arabic.")},
            "brokers_ar": {"help_text": gettext_lazy("Brokers in Arabic (blank: only the English is known).")},
            "summary": {"help_text": gettext_lazy("Summary.")},
            "source": {"help_text": gettext_lazy("Source.")},
            "announced_on": {"help_text": gettext_lazy("Day it was announced.")},
        }

    def get_conditions(self, agreement) -> list[dict]:
        return [
            {
                "id": c.pk,
                "kind": c.kind,
                "description": c.description,
                "description_ar": c.description_ar,
                "required_consecutive_days": c.required_consecutive_days,
                "max_incidents_per_day": c.max_incidents_per_day,
                "counted_categories": c.counted_categories,
                "max_days_without_access": c.max_days_without_access,
                "area_ids": [a.pk for a in c.areas.all()],
            }
            for c in agreement.conditions.all()
        ]


ComplianceSerializer = doc_serializer(
    "AgreementCompliance",
    {
        "agreement_id": serializers.IntegerField(help_text=gettext_lazy("The agreement.")),
        "until": serializers.DateField(help_text=gettext_lazy("Last day computed.")),
        "conditions": serializers.ListField(
            child=serializers.DictField(),
            help_text=gettext_lazy(
                "Per condition: current_run, longest_run, baseline_per_day (reduced violence: mean count a "
                "day in the 30 days before), first_fulfilled_on and days [{day, met, detail}]."
            ),
        ),
    },
)


# Downloads (CSV, XLSX, GeoPackage): one row per agreement, its conditions as their descriptions.
COLUMNS = [
    ("id", "#meta+id"),
    ("name", "#event+name"),
    ("starts_at", "#date+start"),
    ("ends_at", "#date+end"),
    ("announced_on", "#date+announced"),
    ("brokers", "#org+name+broker"),
    ("summary", "#description"),
    ("source", "#meta+source"),
    ("area_ids", "#loc+id"),
    ("governorate_pcodes", "#adm1+code"),
    ("excluded_party_ids", "#group+id+excluded"),
    ("conditions", "#indicator+condition"),
]


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("Agreements (cessations of hostilities)")),
    retrieve=extend_schema(summary=gettext_lazy("One agreement with its conditions")),
)
class AgreementViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AgreementSerializer
    pagination_class = Ascending
    export_sheet_title = "agreements"
    queryset = agreements_with_terms().order_by("id")

    def get_object(self):
        self.kwargs["pk"] = as_id(self.kwargs.get("pk"))
        return super().get_object()

    def paginate_queryset(self, queryset):
        return super().paginate_queryset(queryset) if self.wants_json else None

    def export_columns(self):
        return COLUMNS

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        if not self.wants_json:
            for row in response.data:
                row["conditions"] = [condition["description"] for condition in row["conditions"]]
        return response

    @extend_schema(
        summary=gettext_lazy("Day by day: did each condition hold? Counted from the records you may see"),
        parameters=[
            OpenApiParameter("until", OpenApiTypes.DATE, description=gettext_lazy("Last day (default today)."))
        ],
        responses={200: ComplianceSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer])
    def compliance(self, request, pk=None):
        agreement = get_or_404(self.get_queryset(), pk=as_id(pk))
        raw = request.query_params.get("until")
        try:
            until = datetime.date.fromisoformat(raw) if raw else None
        except ValueError as error:
            raise ValidationError(
                {"until": [_("%(value)r is not a date: use YYYY-MM-DD.") % {"value": raw}]}
            ) from error
        results = agreement_compliance_for(agreement, self.audience, until=until)
        conditions = [
            {
                "condition_id": r.condition.pk,
                "kind": r.condition.kind,
                "description": r.condition.description,
                "description_ar": r.condition.description_ar,
                "required_consecutive_days": r.condition.required_consecutive_days,
                "current_run": r.current_run,
                "longest_run": r.longest_run[0],
                "baseline_per_day": r.baseline,
                "first_fulfilled_on": r.first_fulfilled_on,
                "days": [{"day": d.day, "met": d.met, "detail": d.detail} for d in r.days],
            }
            for r in results
        ]
        last = max((d["days"][-1]["day"] for d in conditions if d["days"]), default=until)
        return Response({"agreement_id": agreement.pk, "until": last, "conditions": conditions})
