"""Flask-Login wired to the server-side device sessions."""
from __future__ import annotations

from flask import Flask, current_app, request, url_for
from flask_login import LoginManager

from ..db import get_session
from ..htmx import to_sign_in
from . import services


def is_passive_request() -> bool:
    """Background polls must not count as activity for the idle timeout."""
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "passive", False))


def passive(view):
    view.passive = True
    return view


def load_user(token: str):
    return services.user_for_token(get_session(), token, active_use=not is_passive_request())


def unauthorized():
    wanted = request.full_path.rstrip("?") if request.method == "GET" and not request.htmx else None
    return to_sign_in(url_for("auth.login", next=wanted))


def init_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.session_protection = None  # the device session record does this job
