"""Keyset pagination: pages follow the id, so records added while a client pages never shift or repeat rows."""

import base64
import binascii

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


class KeysetPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    page_size = 100
    max_page_size = 1000
    #: "-id" lists newest first; "id" oldest first.
    ordering = "-id"

    def _decode(self, raw: str) -> int:
        try:
            return int(base64.urlsafe_b64decode(raw.encode() + b"==").decode())
        except (ValueError, binascii.Error, UnicodeDecodeError) as error:
            raise ValidationError(
                {"cursor": [_("Invalid cursor: use the 'next' link of the previous page.")]}
            ) from error

    def _encode(self, pk: int) -> str:
        return base64.urlsafe_b64encode(str(pk).encode()).decode().rstrip("=")

    def _page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {"page_size": [_("Give a whole number from 1 to %(most)s.") % {"most": self.max_page_size}]}
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self._page_size(request)
        descending = self.ordering.startswith("-")
        raw = request.query_params.get(self.cursor_query_param)
        if raw:
            after = self._decode(raw)
            queryset = queryset.filter(pk__lt=after) if descending else queryset.filter(pk__gt=after)
        rows = list(queryset.order_by(self.ordering)[: size + 1])
        self.has_next = len(rows) > size
        rows = rows[:size]
        last = rows[-1] if rows else None
        self.last_pk = (last["id"] if isinstance(last, dict) else last.pk) if last is not None else None
        return rows

    def get_next_link(self):
        if not self.has_next:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self._encode(self.last_pk))

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": _("The next page, or null on the last page."),
                },
                "results": {**schema, "description": _("The records of this page.")},
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": _(
                    "Opaque position from a 'next' link (JSON only; other formats return the whole list)."
                ),
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": _("Records per page, 1 to %(most)s (default %(default)s).")
                % {"most": self.max_page_size, "default": self.page_size},
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


def first_page_url(url: str) -> str:
    return remove_query_param(url, "cursor")
