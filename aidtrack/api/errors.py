"""One error shape for every API failure.

``{"status": 400, "code": "invalid", "detail": "...", "errors": {"field": ["message"]}}``. Services raise
Django's ValidationError (400), StaleEditError (409) and PermissionDenied (403); they arrive here unchanged.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from aidtrack.errors import StaleEditError

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


def _flatten(detail) -> dict[str, list[str]]:
    """DRF error details (nested dicts/lists) as {"field" or "field.sub": [messages]}."""
    out: dict[str, list[str]] = {}

    def walk(value, path):
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(sub, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for index, sub in enumerate(value):
                if isinstance(sub, dict | list):
                    walk(sub, f"{path}[{index}]")
                else:
                    out.setdefault(path or NON_FIELD, []).append(str(sub))
        else:
            out.setdefault(path or NON_FIELD, []).append(str(value))

    walk(detail, "")
    return out


def _django_messages(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {(NON_FIELD if key == "__all__" else key): messages for key, messages in error.message_dict.items()}
    return {NON_FIELD: list(error.messages)}


def error_response(status_code: int, code: str, detail: str, errors: dict | None = None, headers=None) -> Response:
    return Response(
        {"status": status_code, "code": code, "detail": detail, "errors": errors or {}},
        status=status_code,
        headers=headers,
    )


def exception_handler(exc, context):
    if isinstance(exc, StaleEditError):
        set_rollback()
        return error_response(status.HTTP_409_CONFLICT, "stale", exc.messages[0], {"version": exc.messages})
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        errors = _django_messages(exc)
        return error_response(
            status.HTTP_400_BAD_REQUEST, "invalid", _("The request was not accepted: see errors."), errors
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if not isinstance(exc, exceptions.APIException):
        return None
    set_rollback()
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        return error_response(
            exc.status_code, "invalid", _("The request was not accepted: see errors."), _flatten(exc.detail), headers
        )
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
    return error_response(exc.status_code, code, detail, {}, headers)
