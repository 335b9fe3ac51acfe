"""Request budgets for the doors that take a password or send mail, per client address (DRF's rate throttles).

They count requests whatever their outcome; django-axes counts wrong passwords.
They work on a Django request as well as a DRF one, so the staff forms use them too.

Each budget is one counter per client and window in the shared cache
(``CACHE_URL``), raised by an atomic increment (Redis ``INCR``), so a client
is counted once whichever server or worker answers it. The previous window's
count still weighs in proportion to the part of it that lies within the last
period (a sliding window estimate), so a budget cannot be spent twice around
the turn of a window. DRF's own throttle keeps a list of times instead, which
two servers reading and writing it at once would lose requests from.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
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

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = time.time()
        window = int(now // self.duration)
        self.window_ends = (window + 1) * self.duration
        key = f"{self.key}:{window}"
        # A counter is read during its window and the next (and a second more, for clocks that differ a little).
        lifetime = 2 * self.duration + 1
        cache.add(key, 0, timeout=lifetime)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=lifetime)
            count = 1
        previous = cache.get(f"{self.key}:{window - 1}") or 0
        weight = 1 - (now - window * self.duration) / self.duration
        return previous * weight + count <= self.num_requests

    def wait(self) -> float | None:
        return max(0.0, self.window_ends - time.time())


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
