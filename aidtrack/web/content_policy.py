"""The Content-Security-Policy of every page (django-csp), built from the settings.

Only our own server may supply scripts, styles, fonts, frames and data: no inline script, no ``eval``, no
style attributes or ``<style>`` blocks (scripts set styles through the CSSOM, which the policy allows), no
plugins, and no page of ours may be framed. Images may also be ``data:`` URIs (Leaflet's and the admin's
icons) and, when the public map has a background tile server (``AIDTRACK_MAP_TILE_URL``), that server's tiles.
A view that cannot live with this says so where it widens it (see ``aidtrack.api.docs``).
"""

from urllib.parse import urlsplit

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured


def tile_source(tile_url: str) -> str | None:
    """The CSP source of a Leaflet tile URL template: its scheme and host, ``{s}`` subdomains as a wildcard.

    ``https://{s}.tile.example.org/{z}/{x}/{y}.png`` gives ``https://*.tile.example.org``.
    """
    if not tile_url:
        return None
    parts = urlsplit(tile_url.replace("{s}.", "placeholder-subdomain."))
    if parts.scheme not in {"http", "https"} or not parts.hostname or "{" in parts.netloc:
        raise ImproperlyConfigured(
            f"AIDTRACK_MAP_TILE_URL={tile_url!r} is not a tile URL: give one like "
            "https://tiles.example.org/{z}/{x}/{y}.png (a {s} subdomain is allowed)."
        )
    host = parts.netloc.replace("placeholder-subdomain.", "*.")
    return f"{parts.scheme}://{host}"


def content_security_policy(*, tile_url: str = "", report_uri: str = "") -> dict:
    """django-csp's CONTENT_SECURITY_POLICY setting."""
    images = [SELF, "data:"]
    if source := tile_source(tile_url):
        images.append(source)
    directives = {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": images,
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
    if report_uri:
        directives["report-uri"] = [report_uri]
    return {"DIRECTIVES": directives}
