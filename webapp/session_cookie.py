"""Flask's signed session cookie, as this app sends it."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

from .request_kinds import is_passive_request


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is marked Secure whenever the page came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (has_request_context() and request.is_secure)

    def should_set_cookie(self, app: Flask, session) -> bool:
        # Flask sends a permanent session's cookie on every request to slide its expiry; a poll
        # that finds nothing new answers 204 with no Set-Cookie (the device session has its own clock).
        if has_request_context() and is_passive_request():
            return session.modified
        return super().should_set_cookie(app, session)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
