"""Request budgets for the doors that take a password or send mail, per client address (DRF's rate throttles).

They count requests whatever their outcome; django-axes counts wrong passwords.
They work on a Django request as well as a DRF one, so the staff forms use them too.
"""

import hashlib

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from aidtrack.net import client_ip


class AddressThrottle(SimpleRateThrottle):
    """A budget per client address; the rate is read from the setting named by ``rate_setting``."""

    rate_setting = ""

    def get_rate(self):
        return getattr(settings, self.rate_setting)

    def ident(self, request, view) -> str:
        return client_ip(request) or "unknown"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.ident(request, view)}


class TokenEndpointThrottle(AddressThrottle):
    scope = "token_endpoint"
    rate_setting = "AIDTRACK_TOKEN_ENDPOINT_RATE"


class PasswordResetThrottle(AddressThrottle):
    scope = "password_reset"
    rate_setting = "AIDTRACK_PASSWORD_RESET_RATE"


class PasswordResetEmailThrottle(AddressThrottle):
    """Reset mails to one address: beyond the budget no more mail is sent (the page says the same as always)."""

    scope = "password_reset_email"
    rate_setting = "AIDTRACK_PASSWORD_RESET_EMAIL_RATE"

    def __init__(self, email: str):
        super().__init__()
        self.email = email

    def ident(self, request, view) -> str:
        return hashlib.sha256(self.email.strip().lower().encode()).hexdigest()
