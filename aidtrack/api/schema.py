"""Teach drf-spectacular about our token authentication, the ``format`` query parameter and where descriptions come
from."""

from django.utils.translation import gettext_lazy
from drf_spectacular.authentication import BasicScheme, SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as DefaultAutoSchema
from drf_spectacular.utils import OpenApiParameter


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "aidtrack.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": gettext_lazy("Send 'Token <key>'. Make a key with POST /api/v1/tokens/ while signed in."),
        }


class VerifiedSessionScheme(SessionScheme):
    """Our session authentication (a write needs the second factor where the account has one) is a session cookie."""

    target_class = "aidtrack.api.authentication.SessionAuthentication"


class PasswordScheme(BasicScheme):
    """HTTP Basic on the token endpoint, counted by the sign-in lockout."""

    target_class = "aidtrack.api.authentication.PasswordAuthentication"


class AutoSchema(DefaultAutoSchema):
    """Lists every read's ``format`` choice, which DRF accepts as a query parameter; describes an endpoint only with
    what ``extend_schema`` says."""

    def get_description(self):
        # A docstring is written for the code's readers, in English, and a view inherits its mixins' (the list cache's
        # explained how it caches): what an API reader sees is said in extend_schema, translated.
        return ""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        renderers = getattr(self.view, "renderer_classes", [])
        formats = [renderer.format for renderer in renderers]
        if self.method == "GET" and len(formats) > 1:
            parameters.append(
                OpenApiParameter(
                    "format",
                    str,
                    enum=formats,
                    description=gettext_lazy(
                        "Answer as JSON (default), GeoJSON, CSV with an HXL row, or XLSX; "
                        "or send an Accept header. Lists in other formats than JSON are whole, not paged."
                    ),
                )
            )
        return parameters
