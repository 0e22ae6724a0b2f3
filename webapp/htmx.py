"""Full page or named block, and redirects that htmx follows."""
from __future__ import annotations

from flask import Response, current_app, g, redirect, render_template, request
from htmx_flask import make_response


# The headers htmx sends that change what a response holds; a cache must keep the answers apart.
HTMX_HEADERS = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request")


def htmx_request():
    """`request.htmx`, noting that this response depends on it (see `vary_on_htmx`)."""
    g.varies_on_htmx = True
    return request.htmx


def wants_fragment() -> bool:
    """A non-boosted htmx request swaps part of a page; everything else gets the whole page."""
    htmx = htmx_request()
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_block(template_name: str, block: str, **context) -> str:
    app = current_app
    template = app.jinja_env.get_or_select_template(template_name)
    app.update_template_context(context)
    return "".join(template.blocks[block](template.new_context(context)))


def render(template_name: str, block: str | None = None, **context) -> str:
    if block and wants_fragment():
        return render_block(template_name, block, **context)
    return render_template(template_name, **context)


def see_other(location: str) -> Response:
    """After a non-GET: 303 for plain and boosted requests; HX-Location for htmx swaps.

    A location with a #fragment (the item that changed) goes by HX-Location for boosted forms too:
    a redirect followed by XMLHttpRequest loses the fragment, and htmx scrolls to it only if it knows it.
    """
    if wants_fragment() or ("#" in location and htmx_request()):
        return make_response("", 204, location={"path": location, "target": "body"})
    return redirect(location, 303)


def to_sign_in(location: str) -> Response:
    """The sign-in wall: htmx must load the sign-in page whole, not swap it into a fragment."""
    if htmx_request():
        return make_response("", 401, redirect=location)
    return redirect(location)


def keep_address_on_refusal(response: Response) -> Response:
    """A refused form shows its page again: the address bar keeps that page's address, not the form's
    POST address, which a reload would turn into a 405."""
    if 400 <= response.status_code < 500 and request.method != "GET" and request.headers.get("HX-Request"):
        response.headers["HX-Push-Url"] = "false"
    return response


def vary_on_htmx(response: Response) -> Response:
    if g.get("varies_on_htmx"):
        response.vary.update(HTMX_HEADERS)
    return response
