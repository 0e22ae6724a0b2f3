"""Where the app may send a browser next: only to its own pages.

A target from a form or the address (`next=`, `return_to`, the page a `?lang=` link was on) is
first cleaned the way a browser cleans a `Location` before following it — tabs and line breaks
removed, backslashes read as slashes, spaces and control characters trimmed — and then must be
a path that the app's own URL map answers. Anything else is no target at all.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

from flask import current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

_TABS_AND_NEWLINES = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def browser_form(target: str) -> str:
    """What a browser makes of a `Location` before it follows it (WHATWG URL parsing)."""
    return _TABS_AND_NEWLINES.sub("", target.strip(_C0_AND_SPACE)).replace("\\", "/")


def local_target(target: str | None) -> str | None:
    """The cleaned path and query if they name one of the app's pages, else None."""
    if not target:
        return None
    cleaned = browser_form(target)
    if not cleaned.startswith("/") or cleaned.startswith("//"):
        return None  # so it has neither a scheme nor a host
    parts = urlsplit(cleaned)
    path = unquote(parts.path)
    if _CONTROL.search(path) or path.startswith("//"):
        return None
    adapter = current_app.create_url_adapter(request)  # as Flask matches the request itself
    try:
        adapter.match(path, method="GET")
    except RequestRedirect:
        pass  # a page of ours, reached with or without its trailing slash
    except HTTPException:
        return None
    return urlunsplit(("", "", parts.path, parts.query, ""))
