"""/api/v1/imports/: upload a table of incidents, besieged areas or convoy requests (dry run first, then commit)
and read any import run's result and progress later.

The upload goes through the same function as the staff import page and the
``import_*`` commands, so the report is the same whichever way a file arrives.
A large file is run in the background: the answer is then 202 Accepted with
the run to follow at ``/api/v1/imports/runs/<id>/``.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import parsers, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from aidtrack.api.errors import error_response
from aidtrack.imports.kinds import table_kind
from aidtrack.imports.models import ImportRun, ImportStatus
from aidtrack.imports.runs import live_progress
from aidtrack.imports.uploads import import_upload, too_large_message
from aidtrack.orgs.models import Organization
from aidtrack.orgs.permissions import can_write_for


class TableImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=gettext_lazy("CSV, HXL CSV or XLSX (see README, 'Bulk data exchange')."))
    organization = serializers.IntegerField(
        help_text=gettext_lazy("Id of the recording organization (you must report for it).")
    )
    dry_run = serializers.BooleanField(
        default=True, help_text=gettext_lazy("true (default): report only; false: write all rows.")
    )
    mapping = serializers.JSONField(
        required=False, default=dict, help_text=gettext_lazy('Field -> column, e.g. {"occurred_on": "Date of event"}.')
    )
    mapping_name = serializers.CharField(
        required=False, default="", help_text=gettext_lazy("Use this saved column mapping.")
    )
    save_mapping = serializers.CharField(
        required=False, default="", help_text=gettext_lazy("Save the columns used under this name.")
    )

    plan = serializers.JSONField(
        required=False,
        default=dict,
        help_text=gettext_lazy(
            "The column plan (see README, 'the column plan'): columns, ignored, constants, recodings, rules, "
            "date_order, refused_rows."
        ),
    )

    def validate_mapping(self, value):
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise serializers.ValidationError(_('Give an object of field names to column names, e.g. {"title": "T"}.'))
        empty = sorted(field for field, column in value.items() if not column.strip())
        if empty:
            raise serializers.ValidationError(
                _("No column is given for %(fields)s: write the column's header, or leave the field out.")
                % {"fields": ", ".join(empty)}
            )
        return value

    def validate_plan(self, value):
        from aidtrack.imports.plan import ImportPlan
        from aidtrack.imports.report import ImportFailed

        kind = self.context.get("kind")
        try:
            ImportPlan.from_data(value, fields=kind.fields if kind else ())
        except ImportFailed as error:
            raise serializers.ValidationError(str(error)) from error
        return value


class IncidentImportSerializer(TableImportSerializer):
    pass


def run_payload(run: ImportRun | None, report=None) -> dict:
    """A run's status, progress, counts, problems and its first rows, the same for every kind of table."""
    if run is not None:
        run = live_progress(run)
    body = {
        "run": run.pk if run else None,
        "kind": run.kind if run else None,
        "status": run.status if run else "failed",
        "finished": run is None or run.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING),
        "stage": run.stage if run else "",
        "rows_done": run.rows_done if run else 0,
        "rows_total": run.rows_total if run else None,
        "counts": dict(report.counts) if report is not None else (run.counts if run else {}),
        "problems": [p.as_dict() for p in report.problems] if report is not None else (run.problems if run else []),
        "summary": run.summary if run else "",
        "rows": run.preview if run else [],
    }
    return body


class TableImportView(APIView):
    """Upload a table. A dry run reports what would be created, updated or skipped and every problem by row and
    column, with the first rows one by one; send the same file with dry_run=false to write all rows, or none if
    any row is wrong. A large file answers 202 with the run to follow."""

    kind = "incidents"
    permission_classes = [IsAuthenticated]
    parser_classes = [parsers.MultiPartParser, parsers.FormParser]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary=gettext_lazy("Upload a table: a dry run first, then write all rows or none"),
        description=gettext_lazy(
            "A dry run reports what would be created, updated or skipped and every problem by row and column, with "
            "the first rows one by one; send the same file with dry_run=false to write all rows, or none if any row "
            "is wrong. A large file answers 202 with the run to follow."
        ),
        request=TableImportSerializer,
        responses={200: dict, 202: dict, 400: dict, 403: dict, 413: dict},
    )
    def post(self, request):
        kind = table_kind(self.kind)
        declared = request.META.get("CONTENT_LENGTH", "")
        message = too_large_message(int(declared), kind.name) if declared.isdigit() else None
        if message:
            return error_response(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "too_large", message)
        incoming = TableImportSerializer(data=request.data, context={"kind": kind})
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
                f"You may not import {kind.noun} for {organization.short_name}.",
            )
        outcome = import_upload(
            data["file"],
            kind=kind.name,
            organization=organization,
            by=request.user,
            dry_run=data["dry_run"],
            mapping=data["mapping"],
            plan=data["plan"],
            mapping_name=data["mapping_name"],
            save_mapping=data["save_mapping"],
        )
        if outcome.queued:
            location = reverse("api:import-run", args=[outcome.run.pk], request=request)
            return Response(run_payload(outcome.run), status=status.HTTP_202_ACCEPTED, headers={"Location": location})
        body = run_payload(outcome.run, outcome.report)
        if not outcome.ok:
            # The error shape of the whole API, plus the run and every problem by row and column.
            refusal = error_response(400, "import_refused", outcome.failure, {"file": [outcome.failure]}).data
            return Response({**body, **refusal}, status=status.HTTP_400_BAD_REQUEST)
        return Response(body)


class IncidentImportView(TableImportView):
    """Upload a table of incidents (see TableImportView)."""

    kind = "incidents"


class ImportRunView(APIView):
    """The result of an import run you started (a site admin sees every run): status, counts, problems."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        summary=gettext_lazy("An import run you started"),
        description=gettext_lazy(
            "The result of an import run you started (a site admin sees every run): status, counts, problems."
        ),
        responses={200: dict, 404: dict},
    )
    def get(self, request, pk: int):
        runs = (
            ImportRun.objects.all() if request.user.is_superuser else ImportRun.objects.filter(started_by=request.user)
        )
        return Response(run_payload(get_object_or_404(runs, pk=pk)))
