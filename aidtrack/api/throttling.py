from aidtrack.accounts.throttles import AddressThrottle


class AnonymousThrottle(AddressThrottle):
    """Anonymous clients share a per-address budget (AIDTRACK_API_ANON_RATE, e.g. 120/minute), counted once across
    every server and worker (the shared cache), the address read by ``aidtrack.net.client_ip``."""

    scope = "anon"
    rate_setting = "AIDTRACK_API_ANON_RATE"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)
