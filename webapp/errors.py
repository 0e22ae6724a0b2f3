"""Friendly error pages in the reader's language; faults are logged with the request id."""

from __future__ import annotations

from flask import Flask, current_app, g, render_template, request, session
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from . import oplog
from .i18n import CODES

MESSAGES = {
    400: (_l("Something went wrong with that request"), _l("Please go back and try again.")),
    403: (_l("This page is not for your role"), _l("Go back to your home page.")),
    404: (_l("We could not find that page"), _l("It may have moved, or the address is not quite right.")),
    405: (_l("That did not work"), _l("Please go back and try again.")),
    413: (_l("That was too much at once"), _l("Please send a shorter text.")),
    414: (_l("That address is too long"), _l("Please go back, or start again from your home page.")),
    500: (
        _l("Sorry, something went wrong on our side"),
        _l("Please try again in a moment. If it keeps happening, tell the staff in the community house."),
    ),
    503: (_l("Sammen is not available just now"), _l("This is not your fault. Please try again in a few minutes.")),
}


# A voice message over the limit is refused before its body is read, so before any form exists.
VOICE_TOO_LARGE = (
    _l("That recording is too large"),
    _l("A voice message can be at most 2 minutes. Please go back and record a shorter one."),
)


def render_error(status: int):
    title, hint = MESSAGES.get(status, MESSAGES[500])
    if status == 413 and request.endpoint == "timeline.post_voice":
        title, hint = VOICE_TOO_LARGE
    # Always the whole page: htmx swaps none of these statuses (base.html's responseHandling), except a 503
    # for a link followed while the database is away, which replaces the whole body (app.js).
    return render_template(
        "errors/error.html", status=status, title=title, hint=hint, request_id=g.get("request_id", "")
    ), status


def handle_http_error(error: HTTPException):
    status = error.code or 500
    if status >= 500:
        tell_server_error(status)
    return render_error(status)


def handle_foreign_host(_error: SecurityError):
    """A Host header other than PUBLIC_URL's: no page of the app, whose links would point there."""
    return str(_l("This address is not where Sammen is served.")), 400, {"Content-Type": "text/plain; charset=utf-8"}


def handle_csrf_error(_error: CSRFError):
    # Usually a session that ended while the form was open.
    return render_error(400)


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    # The endpoint, not the address: a pairing link's address is its secret.
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.endpoint)
    tell_server_error(InternalServerError.code)
    db = g.get("db_session")
    if db is not None:
        db.rollback()
    return render_error(InternalServerError.code)


# What a 503 asks a client to wait; the timeline's poll backs off by its own rule (static/js/app.js).
RETRY_AFTER_SECONDS = 30


def handle_database_away(error: SQLAlchemyError):
    """The database cannot be reached (or refused the connection): 503, in the reader's language. The page
    is drawn without asking the database again, as for a reader who is not signed in; the language is the
    one the account chose if it was read before the database went, else the browser's."""
    current_app.logger.warning(
        "Database unavailable on %s %s: %s", request.method, request.endpoint, type(error).__name__
    )
    tell_server_error(503)
    _stop_asking_the_database()
    body, status = render_error(503)
    return body, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _stop_asking_the_database() -> None:
    user = g.get("_login_user")
    try:
        chosen = user.locale if user is not None and user.is_authenticated else None
    except SQLAlchemyError:  # not read before the database went
        chosen = None
    if chosen in CODES and session.get("lang") not in CODES:  # a language chosen in this browser comes first
        g.forced_locale = chosen
    # Flask-Login's place for the request's user: set, so that no template calls the user loader again.
    g._login_user = current_app.login_manager.anonymous_user()
    db = g.get("db_session")
    if db is not None:
        try:
            db.rollback()
        except SQLAlchemyError:
            db.invalidate()


def tell_server_error(status: int) -> None:
    oplog.event("http.error", status=status, endpoint=request.endpoint)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(SecurityError, handle_foreign_host)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
    for error in (OperationalError, InterfaceError):
        app.register_error_handler(error, handle_database_away)
