"""Who is on the other end of a request: the client's address, as far as it can be trusted.

Behind ``AIDTRACK_TRUSTED_PROXIES`` reverse proxies (nginx, a load balancer),
each proxy appends the address it received the request from to
``X-Forwarded-For``, and the app sees the last proxy as ``REMOTE_ADDR``. The
client is then the entry that the outermost trusted proxy appended: the N-th
from the right. Anything to the left of it was written by the client and may
be forged, so it is never read. With no trusted proxy (the default) the header
is ignored altogether: a client could otherwise choose its own address and
escape every per-address limit.
"""

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's IP address; ``None`` when the request carries none that can be read."""
    meta = request.META
    remote = _valid(meta.get("REMOTE_ADDR") or "")
    proxies = settings.AIDTRACK_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [part for part in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if part.strip()]
    if not forwarded:
        return remote
    # Fewer entries than trusted proxies means a proxy was bypassed or misconfigured: the leftmost entry is then
    # the furthest one any proxy vouched for.
    return _valid(forwarded[-min(proxies, len(forwarded))]) or remote
