"""What every API view shares: the reader's audience, JSON errors whatever the format, export formats."""

from django.utils.translation import gettext as _
from rest_framework import renderers, serializers, status
from rest_framework.exceptions import NotFound

from aidtrack.accounts.log import export_filters, record_export
from aidtrack.api.renderers import LIST_RENDERERS
from aidtrack.orgs.audience import audience_of

# Formats that make a file; GeoJSON counts when asked for with ?format= (the map reads it by the Accept header).
EXPORT_FORMATS = {"csv", "xlsx", "gpkg", "geojson"}


class ApiViewMixin:
    renderer_classes = LIST_RENDERERS
    export_sheet_title = "records"

    @property
    def audience(self):
        if not hasattr(self, "_audience"):
            self._audience = audience_of(self.request.user)
        return self._audience

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        # An error is always JSON, even when the client asked for CSV or a workbook.
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = "application/json"
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.is_download(request, response):
            rows = getattr(response, "data", None)
            record_export(
                request=request,
                user=request.user,
                path=request.path,
                format=request.accepted_renderer.format,
                filters=export_filters(request.query_params),
                rows=len(rows) if isinstance(rows, list) else None,
            )
        return response

    def is_download(self, request, response) -> bool:
        """A list saved as a file by a signed-in user: the download log records who took what (README)."""
        renderer = getattr(request, "accepted_renderer", None)
        if renderer is None or renderer.format not in EXPORT_FORMATS or getattr(self, "action", None) != "list":
            return False
        if response.status_code != status.HTTP_200_OK or not request.user.is_authenticated:
            return False
        return renderer.format != "geojson" or request.query_params.get("format") == "geojson"

    @property
    def wants_json(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return renderer is None or renderer.format == "json"

    def geometry_of(self, row):
        return None


def point(lon, lat):
    if lon is None or lat is None:
        return None
    return {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}


def get_or_404(queryset, **lookup):
    row = queryset.filter(**lookup).first()
    if row is None:
        raise NotFound(_("No such record, or you may not see it."))
    return row


def doc_serializer(name: str, fields: dict, doc: str = ""):
    """A serializer class that documents a response built elsewhere (rows), for the OpenAPI schema."""
    return type(name, (serializers.Serializer,), {"__doc__": doc or name, **fields})
