"""Flask-Login wired to the server-side device sessions."""
from __future__ import annotations

from flask import Flask, flash, request, url_for
from flask import session as flask_session
from flask_babel import gettext as _
from flask_login import LoginManager

from .. import policy
from ..security import is_passive_request
from ..db import get_session
from ..htmx import htmx_request, to_sign_in
from ..models import User
from ..timeline import drafts
from ..timeline.forms import MESSAGE_MAX
from . import device_sessions


def load_user(token: str):
    return device_sessions.user_for_token(get_session(), token, active_use=not is_passive_request())


def unauthorized():
    if request.method == "POST" and (kept_for := keep_what_staff_were_sending()) is not None:
        flash(_("You were signed out after a while without activity. What you wrote is kept: sign in to send it."))
        return to_sign_in(url_for("auth.login_staff", next=kept_for))
    wanted = request.full_path.rstrip("?") if request.method == "GET" and not htmx_request() else None
    return to_sign_in(url_for("auth.login", next=wanted))


def keep_what_staff_were_sending() -> str | None:
    """A reply sent just after the staff member's session lapsed is kept as a draft on the server.

    Returns the page where it waits for them, or None if there is nothing to keep.
    """
    body = (request.form.get("body") or "").strip()
    token = flask_session.get("_user_id")
    if request.endpoint != "timeline.post_message" or not body or not token:
        return None
    db = get_session()
    staff = device_sessions.lapsed_staff(db, token)
    resident = db.get(User, request.view_args["resident_id"]) if staff else None
    if resident is None or not policy.may_write_in_timeline(staff, resident):
        return None
    drafts.keep(db, user=staff, resident_id=resident.id, body=body[:MESSAGE_MAX])
    return url_for("advisor.resident", resident_id=resident.id)


def init_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.session_protection = None  # the device session record does this job
