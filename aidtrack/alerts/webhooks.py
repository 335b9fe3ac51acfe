"""Webhook deliveries on the wire: signing, the receiver's check, and refusing private addresses.

Each POST carries ``X-Aidtrack-Timestamp`` (Unix seconds) and ``X-Aidtrack-Signature: v1=<hex>``, the
HMAC-SHA256 of ``"<timestamp>.<body>"`` with the endpoint's secret. A receiver recomputes it and refuses a
timestamp older than a few minutes, so a captured delivery cannot be replayed later.
"""

import hashlib
import hmac
import ipaddress
import json
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SIGNATURE_HEADER = "X-Aidtrack-Signature"
TIMESTAMP_HEADER = "X-Aidtrack-Timestamp"
# How old a delivery's timestamp may be when its receiver checks it.
TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


def verify(secret: str, headers, body: bytes, *, now: float | None = None, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """What a receiver does (and our tests do): the signature matches and the timestamp is recent."""
    try:
        timestamp = int(headers[TIMESTAMP_HEADER])
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), headers.get(SIGNATURE_HEADER, ""))


def _blocked(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def check_target(url: str) -> None:
    """Refuse a URL that is not http(s), or whose host resolves to a private, loopback, link-local or otherwise
    non-public address (a webhook must not reach into our own network), unless
    ``AIDTRACK_WEBHOOK_ALLOW_PRIVATE`` allows it (a test receiver, an intranet deployment)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_("Give an http:// or https:// address, e.g. https://example.org/hooks/aidtrack."))
    if settings.AIDTRACK_WEBHOOK_ALLOW_PRIVATE:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)}
    except (OSError, ValueError):
        raise ValidationError(
            _("The host %(host)s could not be found: check the address.") % {"host": parts.hostname}
        ) from None
    if any(_blocked(address) for address in addresses):
        raise ValidationError(
            _(
                "%(host)s is a private, loopback or otherwise non-public address: webhooks are only sent to public "
                "addresses."
            )
            % {"host": parts.hostname}
        )


@dataclass
class Response:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(*, url: str, secret: str, payload: dict, event_type: str, delivery_id: str) -> Response:
    """POST the payload once, signed; never follows redirects (they could lead to a private address)."""
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "aidtrack-webhooks/1",
        "X-Aidtrack-Event": event_type,
        "X-Aidtrack-Delivery": delivery_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(secret, timestamp, body),
    }
    started = time.monotonic()
    try:
        check_target(url)
        answer = requests.post(
            url,
            data=body,
            headers=headers,
            timeout=(settings.AIDTRACK_WEBHOOK_CONNECT_TIMEOUT, settings.AIDTRACK_WEBHOOK_READ_TIMEOUT),
            allow_redirects=False,
        )
        answer.close()
        error = (
            ""
            if 200 <= answer.status_code < 300
            else _("The receiver answered %(code)s.") % {"code": answer.status_code}
        )
        return Response(answer.status_code, error, int((time.monotonic() - started) * 1000))
    except ValidationError as refused:
        return Response(None, " ".join(refused.messages)[:300], 0)
    except requests.Timeout:
        return Response(None, _("No answer within the time allowed."), int((time.monotonic() - started) * 1000))
    except requests.RequestException as failure:
        return Response(None, str(failure)[:300], int((time.monotonic() - started) * 1000))
