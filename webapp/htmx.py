"""Full page or named block, redirects that htmx follows, and the Vary that keeps the two apart.

Three ways to answer, by what the request is:
- `render(page, block=)`: the page's template, whole, or only its named block for an htmx swap;
- `render_block(partial, block)`: a partial that is one block, for answers only htmx asks for (the poll, a sent form);
- refused forms (409, 422) answer with the whole page, which htmx swaps into the body.
Boosted navigation and history restores always get the whole page.
"""

from __future__ import annotations

import json
from functools import cached_property

from flask import Flask, Request, Response, redirect, render_template, request
from jinja2_fragments.flask import render_block
from werkzeug.datastructures import Headers

__all__ = ["init_app", "keep_address_on_refusal", "render", "render_block", "see_other", "to_sign_in", "wants_fragment"]

# The headers htmx sends that change what a response holds; a cache must keep the answers apart.
HTMX_HEADERS = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request")


class HtmxDetails:
    """`request.htmx`: true for a request htmx sent, with the headers it sends that the app reads."""

    def __init__(self, headers: Headers):
        self._headers = headers

    def _flag(self, name: str) -> bool:
        return self._headers.get(name, "") == "true"

    def __bool__(self) -> bool:
        return self._flag("HX-Request")

    @property
    def boosted(self) -> bool:
        return self._flag("HX-Boosted")

    @property
    def history_restore_request(self) -> bool:
        return self._flag("HX-History-Restore-Request")


class HtmxRequest(Request):
    @cached_property
    def htmx(self) -> HtmxDetails:
        return HtmxDetails(self.headers)


def wants_fragment() -> bool:
    """A non-boosted htmx request swaps part of a page; everything else gets the whole page."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(template_name: str, block: str | None = None, **context) -> str:
    if block and wants_fragment():
        return render_block(template_name, block, **context)
    return render_template(template_name, **context)


def see_other(location: str) -> Response:
    """After a non-GET: 303 for plain and boosted requests; HX-Location for htmx swaps.

    A location with a #fragment (the item that changed) goes by HX-Location for boosted forms too:
    a redirect followed by XMLHttpRequest loses the fragment, and htmx scrolls to it only if it knows it.
    """
    if wants_fragment() or ("#" in location and request.htmx):
        return Response(status=204, headers={"HX-Location": json.dumps({"path": location, "target": "body"})})
    return redirect(location, 303)


def to_sign_in(location: str) -> Response:
    """The sign-in wall: htmx must load the sign-in page whole, not swap it into a fragment."""
    if request.htmx:
        return Response(status=401, headers={"HX-Redirect": location})
    return redirect(location)


def keep_address_on_refusal(response: Response) -> Response:
    """A refused form shows its page again: the address bar keeps that page's address, not the form's
    POST address, which a reload would turn into a 405."""
    if 400 <= response.status_code < 500 and request.method != "GET" and request.htmx:
        response.headers["HX-Push-Url"] = "false"
    return response


def vary_on_htmx(response: Response) -> Response:
    """Any answer but a static file may depend on the htmx headers (a block or the page, a redirect or
    HX-Redirect, an error page), so all of them say so; static files never read them."""
    if request.endpoint != "static":
        response.vary.update(HTMX_HEADERS)
    return response


def init_app(app: Flask) -> None:
    # Our own ~30 lines rather than htmx-flask, unchanged since 2022: the app reads three request headers
    # and sets three response headers.
    app.request_class = HtmxRequest
    app.after_request(vary_on_htmx)
    app.after_request(keep_address_on_refusal)
