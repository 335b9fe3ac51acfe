"""/api/v1/imports/: upload an incident table (dry run first, then commit) and read any import run's result later.

The upload goes through the same function as the staff import page and the
``import_incidents`` command, so the report is the same whichever way a file arrives.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import parsers, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from aidtrack.api.errors import error_response
from aidtrack.exchange.uploads import import_upload, too_large_message
from aidtrack.geo.models import ImportRun
from aidtrack.orgs.models import Organization
from aidtrack.orgs.permissions import can_write_for


class IncidentImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV, HXL CSV or XLSX of incidents (see README, 'Bulk data exchange').")
    organization = serializers.IntegerField(help_text="Id of the reporting organization (you must report for it).")
    dry_run = serializers.BooleanField(default=True, help_text="true (default): report only; false: write all rows.")
    mapping = serializers.JSONField(
        required=False, default=dict, help_text='Field -> column, e.g. {"occurred_on": "Date of event"}.'
    )
    mapping_name = serializers.CharField(required=False, default="", help_text="Use this saved column mapping.")
    save_mapping = serializers.CharField(required=False, default="", help_text="Save the columns used under this name.")

    def validate_mapping(self, value):
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise serializers.ValidationError('Give an object of field names to column names, e.g. {"title": "T"}.')
        return value


def run_payload(run: ImportRun | None, report=None, plans=None) -> dict:
    body = {
        "run": run.pk if run else None,
        "status": run.status if run else "failed",
        "rows_done": run.rows_done if run else 0,
        "counts": dict(report.counts) if report is not None else (run.counts if run else {}),
        "problems": [p.as_dict() for p in report.problems] if report is not None else (run.problems if run else []),
        "summary": run.summary if run else "",
    }
    if plans is not None:
        body["rows"] = [
            {"row": p.row, "action": p.action, "external_id": p.external_id, "incident": p.incident_id} for p in plans
        ]
    return body


class IncidentImportView(APIView):
    """Upload an incident table. A dry run reports what would be created, updated or skipped and every problem
    by row and column; send the same file with dry_run=false to write all rows, or none if any row is wrong."""

    permission_classes = [IsAuthenticated]
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]
    renderer_classes = [JSONRenderer]

    @extend_schema(request=IncidentImportSerializer, responses={200: dict, 400: dict, 403: dict, 413: dict})
    def post(self, request):
        declared = request.META.get("CONTENT_LENGTH", "")
        message = too_large_message(int(declared)) if declared.isdigit() else None
        if message:
            return error_response(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "too_large", message)
        incoming = IncidentImportSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        organization = Organization.objects.filter(pk=data["organization"]).first()
        if organization is None:
            return error_response(
                status.HTTP_400_BAD_REQUEST,
                "invalid",
                "No such organization.",
                {"organization": ["No such organization."]},
            )
        if not can_write_for(request.user, organization):
            return error_response(
                status.HTTP_403_FORBIDDEN,
                "permission_denied",
                f"You may not import incidents for {organization.short_name}.",
            )
        outcome = import_upload(
            data["file"],
            organization=organization,
            by=request.user,
            dry_run=data["dry_run"],
            mapping=data["mapping"],
            mapping_name=data["mapping_name"],
            save_mapping=data["save_mapping"],
        )
        body = run_payload(outcome.run, outcome.report, outcome.plans if outcome.ok else None)
        if not outcome.ok:
            # The error shape of the whole API, plus the run and every problem by row and column.
            refusal = error_response(400, "import_refused", outcome.failure, {"file": [outcome.failure]}).data
            return Response({**body, **refusal}, status=status.HTTP_400_BAD_REQUEST)
        return Response(body)


class ImportRunView(APIView):
    """The result of an import run you started (a site admin sees every run): status, counts, problems."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    @extend_schema(responses={200: dict, 404: dict})
    def get(self, request, pk: int):
        runs = (
            ImportRun.objects.all() if request.user.is_superuser else ImportRun.objects.filter(started_by=request.user)
        )
        return Response(run_payload(get_object_or_404(runs, pk=pk)))
