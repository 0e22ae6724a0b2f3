"""Links that leave the page they are made on: into a QR code, an SMS, or a terminal.

They are built from PUBLIC_URL when it is set, never from the Host header of the request that made
them: a request with `Host: evil.example` must not print a card whose QR code points there.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, url_for


def public_url_for(endpoint: str, **values) -> str:
    base = current_app.config.get("PUBLIC_URL")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def trusted_hosts(public_url: str) -> list[str] | None:
    """The one host the app answers to when PUBLIC_URL is set (Flask refuses others with a 400)."""
    host = urlsplit(public_url).hostname if public_url else None
    return [host] if host else None
