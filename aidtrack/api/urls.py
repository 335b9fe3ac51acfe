"""URL routes of the REST API, version 1, and its documentation."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from aidtrack.api.agreements import AgreementViewSet
from aidtrack.api.areas import AreaViewSet
from aidtrack.api.conflict_events import ConflictEventViewSet
from aidtrack.api.convoys import ConvoyViewSet
from aidtrack.api.docs import RedocView, SwaggerView
from aidtrack.api.imports import ImportRunView, IncidentImportView, TableImportView
from aidtrack.api.incidents import IncidentViewSet
from aidtrack.api.reference import AdminAreaViewSet, OrganizationViewSet, PartyViewSet
from aidtrack.api.statistics import StatisticsViewSet
from aidtrack.api.tokens import TokenViewSet
from aidtrack.imports.kinds import table_kinds

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_format_suffixes = False
router.register("admin-areas", AdminAreaViewSet, basename="admin-area")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("parties", PartyViewSet, basename="party")
router.register("areas", AreaViewSet, basename="area")
router.register("convoys", ConvoyViewSet, basename="convoy")
router.register("incidents", IncidentViewSet, basename="incident")
router.register("conflict-events", ConflictEventViewSet, basename="conflict-event")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("statistics", StatisticsViewSet, basename="statistics")
router.register("tokens", TokenViewSet, basename="token")

urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(api_version="1.0.0"), name="schema"),
    path("v1/docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("v1/redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
    path("v1/imports/incidents/", IncidentImportView.as_view(), name="incident-import"),
    *[
        path(f"v1/imports/{kind}/", TableImportView.as_view(kind=kind), name=f"{kind}-import")
        for kind in table_kinds()
        if kind != "incidents"
    ],
    path("v1/imports/<int:pk>/", ImportRunView.as_view(), name="import-run"),
    path("v1/", include(router.urls)),
]
