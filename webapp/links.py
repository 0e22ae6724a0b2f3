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


# Put in the place of the id while the link is built: no id of ours reaches it, and no route has it.
ID_SLOT = 2_147_483_629


class IdLink:
    """`url_for(endpoint, <key>=id)` for each of many ids, built once: a caseload links 120 rows."""

    def __init__(self, endpoint: str, key: str, **values):
        url = url_for(endpoint, **{key: ID_SLOT}, **values)
        self.head, slot, self.tail = url.partition(str(ID_SLOT))
        if not slot or str(ID_SLOT) in self.tail:
            raise ValueError(f"{endpoint} does not put {key} in its path once")

    def __call__(self, id_: int) -> str:
        return f"{self.head}{int(id_)}{self.tail}"
