from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous clients share a per-address budget (AIDTRACK_API_ANON_RATE, e.g. 120/minute)."""

    def get_rate(self):
        return settings.AIDTRACK_API_ANON_RATE
