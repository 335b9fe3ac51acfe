"""What every API view shares: the reader's audience, JSON errors whatever the format, export formats."""

from rest_framework import renderers, serializers
from rest_framework.exceptions import NotFound

from aidtrack.api.renderers import LIST_RENDERERS
from aidtrack.orgs.audience import audience_of


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
        raise NotFound("No such record, or you may not see it.")
    return row


def doc_serializer(name: str, fields: dict, doc: str = ""):
    """A serializer class that documents a response built elsewhere (rows), for the OpenAPI schema."""
    return type(name, (serializers.Serializer,), {"__doc__": doc or name, **fields})
