"""gunicorn's settings for Sammen: `gunicorn -c python:webapp.gunicorn_conf "webapp:create_app()"`.

gunicorn answers some requests itself, before the app sees them: a request line or headers too long
to read, a request it cannot parse. Those answers carry the same protections as the app's own pages
(no framing, no sniffing, no caching, no script), and the request line gunicorn reads is long enough
that the app, not gunicorn, refuses an over-long address, with its own page in the reader's language.
"""
from __future__ import annotations

import html

from gunicorn import util

# The longest request line gunicorn reads (its own maximum); the app refuses addresses longer than
# security.MAX_URL_LENGTH with a page of its own first.
limit_request_line = 8190

PROTECTIONS = (
    "Content-Security-Policy: default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options: nosniff",
    "X-Frame-Options: DENY",
    "Referrer-Policy: same-origin",
    "Cache-Control: no-store",
)


def write_error(sock, status_int, reason, mesg):
    """gunicorn's own error answer, with the app's protections."""
    body = (f"<!doctype html><html lang=\"en\"><title>{html.escape(reason)}</title>"
            f"<h1>{html.escape(reason)}</h1><p>{html.escape(mesg)}</p></html>").encode()
    head = "\r\n".join((f"HTTP/1.1 {status_int} {reason}", "Connection: close",
                        "Content-Type: text/html; charset=utf-8", f"Content-Length: {len(body)}", *PROTECTIONS))
    util.write_nonblock(sock, head.encode("latin-1") + b"\r\n\r\n" + body)


util.write_error = write_error
