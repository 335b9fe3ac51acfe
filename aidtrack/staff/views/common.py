"""Helpers shared by the staff views."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.utils.text import capfirst
from django.utils.translation import gettext as _

PAGE_SIZE = 50
# The largest id a database column holds (a signed 64-bit integer); a larger number names no record.
LARGEST_ID = 2**63 - 1


def id_param(value: str | None) -> int | None:
    """A record id typed in a query or form, or None when the text is not one (letters, "²", 30 digits)."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if number <= LARGEST_ID else None


def add_service_error(form: Form, error: ValidationError | PermissionDenied) -> None:
    """Show a service's refusal on the form, next to the field it names when the form has that field."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error))
        return
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for message in (m for e in errors for m in e.messages):
                if field in form.fields:
                    form.add_error(field, message)
                else:
                    form.add_error(None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def sent_before(form: Form, lookup: Callable[[object], object]) -> object | None:
    """What ``lookup`` finds under the device id (``client_key``) a posted form carries, or None.

    A report sent again because its first answer was lost is answered before its form is checked, as the first
    sending was. A malformed or foreign id finds nothing here: the form and the service then say what is wrong.
    """
    key = form["client_key"].value() if "client_key" in form.fields else None
    if not key:
        return None
    try:
        return lookup(form.fields["client_key"].clean(key))
    except ValidationError:
        return None


def paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def stale_message(error) -> str:
    """The refusal of a stale edit, worded for a form that keeps the user's input."""
    record = error.record
    return _(
        "%(kind)s %(record)s was changed by someone else while you were editing (you started from version "
        "%(yours)s; the saved one is version %(saved)s). Your input is kept: check their changes above, then save "
        "again to apply yours."
    ) % {
        "kind": capfirst(record._meta.verbose_name),
        "record": record,
        "yours": error.expected_version,
        "saved": record.version,
    }
