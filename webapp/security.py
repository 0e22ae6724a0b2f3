"""Request ids, the requests refused before any view runs (too long, a NUL), and the response headers every
page is sent with. What kind of request it is lives in request_kinds.py; the session cookie in session_cookie.py."""

from __future__ import annotations

import secrets

from flask import Flask, Response, abort, current_app, g, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        # A recording is heard back from the browser's own memory before it is sent.
        "media-src 'self' blob:",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


def assign_request_id() -> None:
    """Sent back in X-Request-Id, shown on error pages, and on every log line of the request (oplog.py)."""
    g.request_id = secrets.token_hex(6)


# Longer than any address the app makes; gunicorn reads up to 8190 (gunicorn_conf.py), so the app's
# own page, with its headers and in the reader's language, answers what lies between.
MAX_URL_LENGTH = 4096


def refuse_long_addresses() -> None:
    if len(request.full_path) > MAX_URL_LENGTH:
        abort(414)


def refuse_nul_characters() -> None:
    """A NUL is never part of anything a person types, and PostgreSQL refuses it in text: a 400 here."""
    values = [request.path, *request.args.values()]
    if request.method in ("POST", "PUT", "PATCH"):
        values += request.form.values()
    if any("\x00" in value for value in values):
        abort(400)


# Static files that are never shown as a document of their own: the page's headers govern them, and
# on a phone with little data every header is paid for again with each file. An SVG can be opened as a
# document (and run script), so it keeps the page's protections.
SUBRESOURCE_TYPES = {"text/css", "text/javascript", "application/javascript"}


def set_headers(response: Response) -> Response:
    # The poll's "nothing new" sends only the request id and Cache-Control of these (timeline/poll.py).
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    if "request_id" not in g:  # refused before the app's first step, e.g. for its Host
        assign_request_id()
    if not (request.endpoint == "static" and response.status_code < 400):
        # A file served from the cache's point of view needs no id: nothing is logged of it but the access line.
        headers["X-Request-Id"] = g.request_id
    if not (request.endpoint == "static" and response.mimetype in SUBRESOURCE_TYPES):
        view = current_app.view_functions.get(request.endpoint or "")
        headers["Content-Security-Policy"] = getattr(view, "content_security_policy", CSP)
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "DENY"
    if request.is_secure:
        # Behind a TLS proxy this needs TRUSTED_PROXIES, so the app knows the original request was HTTPS.
        headers["Strict-Transport-Security"] = "max-age=31536000"
    if request.endpoint != "static":
        # Pages may carry personal data: never keep them in a shared device's cache.
        headers["Cache-Control"] = "no-store"
    return response


def own_policy(policy: str):
    """Marks a view whose response is a document of its own, sent with this Content-Security-Policy instead of
    the pages' (a chart's SVG, whose <style> the pages' policy would block)."""

    def mark(view):
        view.content_security_policy = policy
        return view

    return mark


def init_app(app: Flask) -> None:
    app.before_request(assign_request_id)
    app.before_request(refuse_long_addresses)
    app.before_request(refuse_nul_characters)
    app.after_request(set_headers)
