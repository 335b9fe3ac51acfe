"""Exceptions that services raise, shared by every caller (admin, forms, API, importers).

Services raise django's ``ValidationError`` for input that breaks a domain rule
and ``PermissionDenied`` for a caller who may not act; these add what those
two cannot say.
"""

from django.core.exceptions import ValidationError


class StaleEditError(ValidationError):
    """An edit was based on a version of the record that has since changed."""

    def __init__(self, record, expected_version: int):
        self.record = record
        self.expected_version = expected_version
        super().__init__(
            f"{record._meta.verbose_name.capitalize()} {record} was changed by someone else "
            f"(your copy is version {expected_version}, the saved one is version {record.version}). "
            "Reload it, check their changes, and apply yours again.",
            code="stale",
        )


def check_version(record, expected_version: int | None) -> None:
    """Refuse an edit made on an out-of-date copy; ``None`` means the caller holds a lock."""
    if expected_version is not None and expected_version != record.version:
        raise StaleEditError(record, expected_version)
