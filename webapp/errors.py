"""Friendly error pages in the reader's language; faults are logged with the request id."""
from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from .htmx import wants_fragment

MESSAGES = {
    400: (_l("Something went wrong with that request"), _l("Please go back and try again.")),
    403: (_l("This page is not for your role"), _l("Go back to your home page.")),
    404: (_l("We could not find that page"), _l("It may have moved, or the address is not quite right.")),
    405: (_l("That did not work"), _l("Please go back and try again.")),
    413: (_l("That was too much at once"), _l("Please send a shorter text.")),
    414: (_l("That address is too long"), _l("Please go back, or start again from your home page.")),
    500: (_l("Sorry, something went wrong on our side"), _l("Please try again in a moment. If it keeps happening, tell the staff in the community house.")),
}


# A voice message over the limit is refused before its body is read, so before any form exists.
VOICE_TOO_LARGE = (_l("That recording is too large"),
                   _l("A voice message can be at most 2 minutes. Please go back and record a shorter one."))


def render_error(status: int):
    title, hint = MESSAGES.get(status, MESSAGES[500])
    if status == 413 and request.endpoint == "timeline.post_voice":
        title, hint = VOICE_TOO_LARGE
    template = "errors/_error.html" if wants_fragment() else "errors/error.html"
    return render_template(template, status=status, title=title, hint=hint, request_id=g.get("request_id", "")), status


def handle_http_error(error: HTTPException):
    return render_error(error.code or 500)


def handle_foreign_host(_error: SecurityError):
    """A Host header other than PUBLIC_URL's: no page of the app, whose links would point there."""
    return str(_l("This address is not where Sammen is served.")), 400, {"Content-Type": "text/plain; charset=utf-8"}


def handle_csrf_error(_error: CSRFError):
    # Usually a session that ended while the form was open.
    return render_error(400)


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    session = g.get("db_session")
    if session is not None:
        session.rollback()
    return render_error(InternalServerError.code)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(SecurityError, handle_foreign_host)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
