"""/api/v1/statistics/...: summary figures, counted only from the records the reader may see."""

import datetime

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from aidtrack.api.base import ApiViewMixin, doc_serializer
from aidtrack.api.filters import ConflictEventFilter, ConvoyFilter, IncidentFilter
from aidtrack.api.incidents import ERRORS
from aidtrack.areas.selectors import people_by_status_on
from aidtrack.convoys.models import ConvoyRequest
from aidtrack.convoys.selectors import convoy_visibility_q
from aidtrack.incidents.models import Category, Incident
from aidtrack.incidents.selectors import incidents_visible_to
from aidtrack.violence.selectors import conflict_events

CATEGORY_LABELS = dict(Category.choices)


def _figures(name, fields):
    return doc_serializer(name, fields)(many=True)


PeopleSerializer = doc_serializer(
    "PeopleByStatus",
    {
        "date": serializers.DateField(help_text=gettext_lazy("The day.")),
        "people": serializers.DictField(
            child=serializers.IntegerField(), help_text=gettext_lazy("status -> people living there.")
        ),
    },
)
ConvoyMonthSerializer = _figures(
    "ConvoysByMonth",
    {
        "month": serializers.DateField(allow_null=True, help_text=gettext_lazy("Plan month (first day).")),
        "status": serializers.CharField(help_text=gettext_lazy("Convoy status.")),
        "convoys": serializers.IntegerField(help_text=gettext_lazy("Number of requests.")),
    },
)
IncidentMonthSerializer = _figures(
    "IncidentsByMonth",
    {
        "month": serializers.DateField(help_text=gettext_lazy("Month (first day).")),
        "category": serializers.CharField(help_text=gettext_lazy("Access category.")),
        "category_label": serializers.CharField(help_text=gettext_lazy("Its name.")),
        "incidents": serializers.IntegerField(help_text=gettext_lazy("Number of incidents.")),
    },
)
IncidentGovernorateSerializer = _figures(
    "IncidentsByGovernorate",
    {
        "admin1_pcode": serializers.CharField(allow_null=True, help_text=gettext_lazy("Governorate P-code.")),
        "admin1_name": serializers.CharField(allow_null=True, help_text=gettext_lazy("Governorate name.")),
        "category": serializers.CharField(help_text=gettext_lazy("Access category.")),
        "category_label": serializers.CharField(help_text=gettext_lazy("Its name.")),
        "incidents": serializers.IntegerField(help_text=gettext_lazy("Number of incidents.")),
    },
)
ConflictMonthSerializer = _figures(
    "ConflictEventsByMonth",
    {
        "month": serializers.DateField(help_text=gettext_lazy("Month (first day).")),
        "event_type": serializers.CharField(help_text=gettext_lazy("ACLED event type.")),
        "events": serializers.IntegerField(help_text=gettext_lazy("Number of conflict events.")),
        "fatalities": serializers.IntegerField(help_text=gettext_lazy("Reported fatalities in them.")),
    },
)
ConflictGovernorateSerializer = _figures(
    "ConflictEventsByGovernorate",
    {
        "admin1_pcode": serializers.CharField(
            allow_null=True, help_text=gettext_lazy("Governorate P-code (null: outside).")
        ),
        "admin1_name": serializers.CharField(allow_null=True, help_text=gettext_lazy("Governorate name.")),
        "event_type": serializers.CharField(help_text=gettext_lazy("ACLED event type.")),
        "events": serializers.IntegerField(help_text=gettext_lazy("Number of conflict events.")),
        "fatalities": serializers.IntegerField(help_text=gettext_lazy("Reported fatalities in them.")),
    },
)
REPORT_PARAMETERS = [
    OpenApiParameter("month", OpenApiTypes.STR, description=gettext_lazy("A month, YYYY-MM.")),
    OpenApiParameter("from", OpenApiTypes.DATE, description=gettext_lazy("Or any period: its first day…")),
    OpenApiParameter("to", OpenApiTypes.DATE, description=gettext_lazy("…and its last day.")),
    OpenApiParameter("gov", OpenApiTypes.STR, description=gettext_lazy("Only this governorate (P-code, e.g. SY02).")),
]
ReportSerializer = doc_serializer(
    "ReportTables",
    {
        "from": serializers.DateField(help_text=gettext_lazy("First day of the period.")),
        "to": serializers.DateField(help_text=gettext_lazy("Last day of the period.")),
        "governorate": serializers.CharField(
            allow_null=True, help_text=gettext_lazy("Governorate P-code, or null for all.")
        ),
        "tables": serializers.DictField(
            help_text=gettext_lazy(
                "Each table of the report (e.g. totals, categories; funnel, stages) as a list of rows."
            )
        ),
    },
)


@extend_schema(description=gettext_lazy("Figures that the home page and integrators' dashboards show."))
class StatisticsViewSet(ApiViewMixin, viewsets.GenericViewSet):
    """Figures that the home page and integrators' dashboards show."""

    pagination_class = None
    filterset_class = None
    export_sheet_title = "statistics"
    queryset = Incident.objects.none()

    def _incidents(self):
        queryset = incidents_visible_to(self.audience)
        return IncidentFilter(self.request.query_params, queryset=queryset, request=self.request).qs.order_by()

    def _check(self, filterset):
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.qs.order_by()

    @extend_schema(
        summary=gettext_lazy("People living in areas of each status on a date"),
        parameters=[OpenApiParameter("date", OpenApiTypes.DATE, description=gettext_lazy("The day (default today)."))],
        responses={200: PeopleSerializer, **ERRORS},
    )
    @action(detail=False, methods=["get"], url_path="people-by-status")
    def people_by_status(self, request):
        raw = request.query_params.get("date")
        try:
            day = datetime.date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError as error:
            raise ValidationError(
                {"date": [_("%(value)r is not a date: use YYYY-MM-DD, e.g. 2016-09-19.") % {"value": raw}]}
            ) from error
        return Response({"date": day, "people": people_by_status_on(day)})

    @extend_schema(
        summary=gettext_lazy("Convoy requests by status per plan month"),
        filters=True,
        responses={200: ConvoyMonthSerializer, **ERRORS},
    )
    @action(detail=False, methods=["get"], url_path="convoys-by-month", filterset_class=ConvoyFilter)
    def convoys_by_month(self, request):
        visible = ConvoyRequest.objects.filter(convoy_visibility_q(self.audience))
        queryset = self._check(ConvoyFilter(request.query_params, queryset=visible, request=request))
        rows = (
            ConvoyRequest.objects.filter(pk__in=queryset.values("pk"))
            .values("plan_month", "status")
            .annotate(convoys=Count("pk"))
            .order_by("plan_month", "status")
        )
        return Response([{"month": r["plan_month"], "status": r["status"], "convoys": r["convoys"]} for r in rows])

    @extend_schema(
        summary=gettext_lazy("Incidents by category per month"),
        filters=True,
        responses={200: IncidentMonthSerializer, **ERRORS},
    )
    @action(detail=False, methods=["get"], url_path="incidents-by-month", filterset_class=IncidentFilter)
    def incidents_by_month(self, request):
        queryset = self._check(
            IncidentFilter(request.query_params, queryset=incidents_visible_to(self.audience), request=request)
        )
        rows = (
            queryset.annotate(month=TruncMonth("occurred_on"))
            .values("month", "category")
            .annotate(incidents=Count("pk"))
            .order_by("month", "category")
        )
        return Response(
            [
                {
                    "month": r["month"],
                    "category": r["category"],
                    "category_label": CATEGORY_LABELS.get(r["category"], ""),
                    "incidents": r["incidents"],
                }
                for r in rows
            ]
        )

    @extend_schema(
        summary=gettext_lazy("Incidents by category per governorate"),
        filters=True,
        responses={200: IncidentGovernorateSerializer, **ERRORS},
    )
    @action(detail=False, methods=["get"], url_path="incidents-by-governorate", filterset_class=IncidentFilter)
    def incidents_by_governorate(self, request):
        queryset = self._check(
            IncidentFilter(request.query_params, queryset=incidents_visible_to(self.audience), request=request)
        )
        rows = (
            queryset.values("admin1__pcode", "admin1__name_en", "category")
            .annotate(incidents=Count("pk"))
            .order_by("admin1__pcode", "category")
        )
        return Response(
            [
                {
                    "admin1_pcode": r["admin1__pcode"],
                    "admin1_name": r["admin1__name_en"],
                    "category": r["category"],
                    "category_label": CATEGORY_LABELS.get(r["category"], ""),
                    "incidents": r["incidents"],
                }
                for r in rows
            ]
        )

    def _report_tables(self, request, build, default=None):
        """A report's tables from the selector its page and CSV downloads read."""
        from aidtrack.reports.access import GovernorateError, governorate_from
        from aidtrack.reports.periods import PeriodError, period_from

        try:
            period = period_from(request.query_params, default=default)
        except PeriodError as error:
            raise ValidationError({"month": [str(error)]}) from error
        try:
            governorate = governorate_from(request.query_params.get("gov", ""))
        except GovernorateError as error:
            raise ValidationError({"gov": [str(error)]}) from error
        report = build(audience=self.audience, period=period, governorate=governorate)
        return Response(
            {
                "from": period.start,
                "to": period.end,
                "governorate": governorate.pcode if governorate else None,
                "tables": {name: table.rows for name, table in report.tables().items()},
            }
        )

    @extend_schema(
        summary=gettext_lazy(
            "The monthly access report's figures (the same as /reports/access/ and its CSV downloads)"
        ),
        parameters=REPORT_PARAMETERS,
        responses={200: ReportSerializer, **ERRORS},
    )
    @action(detail=False, methods=["get"], url_path="access-report")
    def access_report(self, request):
        from aidtrack.reports.access import access_report

        return self._report_tables(request, access_report)

    @extend_schema(
        summary=gettext_lazy(
            "The access profile by governorate after ACAPS's nine indicators (the same as "
            "/reports/access-profile/); computed from recorded incidents, not an ACAPS assessment"
        ),
        parameters=REPORT_PARAMETERS,
        responses={200: ReportSerializer, **ERRORS},
    )
    @action(detail=False, methods=["get"], url_path="access-profile")
    def access_profile(self, request):
        from aidtrack.reports.profile import access_profile

        return self._report_tables(request, access_profile)

    @extend_schema(
        summary=gettext_lazy(
            "The convoy funnel, days per stage, approval rate by month and removals ledger "
            "(the same as /reports/convoys/); default period: this year"
        ),
        parameters=REPORT_PARAMETERS,
        responses={200: ReportSerializer, **ERRORS},
    )
    @action(detail=False, methods=["get"], url_path="convoy-funnel")
    def convoy_funnel(self, request):
        from aidtrack.reports.convoys import convoy_funnel
        from aidtrack.reports.periods import Period

        today = timezone.localdate()
        year = Period(today.replace(month=1, day=1), today.replace(month=12, day=31))
        return self._report_tables(request, convoy_funnel, default=year)

    def _conflict_events(self, request):
        return self._check(ConflictEventFilter(request.query_params, queryset=conflict_events(), request=request))

    @extend_schema(
        summary=gettext_lazy("Conflict events (violence layer) and their fatalities by event type per month"),
        filters=True,
        responses={200: ConflictMonthSerializer, **ERRORS},
    )
    @action(detail=False, methods=["get"], url_path="conflict-events-by-month", filterset_class=ConflictEventFilter)
    def conflict_events_by_month(self, request):
        rows = (
            self._conflict_events(request)
            .annotate(month=TruncMonth("event_date"))
            .values("month", "event_type")
            .annotate(events=Count("pk"), fatalities=Sum("fatalities"))
            .order_by("month", "event_type")
        )
        return Response([{key: r[key] for key in ("month", "event_type", "events", "fatalities")} for r in rows])

    @extend_schema(
        summary=gettext_lazy("Conflict events (violence layer) and their fatalities by event type per governorate"),
        filters=True,
        responses={200: ConflictGovernorateSerializer, **ERRORS},
    )
    @action(
        detail=False, methods=["get"], url_path="conflict-events-by-governorate", filterset_class=ConflictEventFilter
    )
    def conflict_events_by_governorate(self, request):
        rows = (
            self._conflict_events(request)
            .values("admin1__pcode", "admin1__name_en", "event_type")
            .annotate(events=Count("pk"), fatalities=Sum("fatalities"))
            .order_by("admin1__pcode", "event_type")
        )
        return Response(
            [
                {
                    "admin1_pcode": r["admin1__pcode"],
                    "admin1_name": r["admin1__name_en"],
                    "event_type": r["event_type"],
                    "events": r["events"],
                    "fatalities": r["fatalities"],
                }
                for r in rows
            ]
        )
