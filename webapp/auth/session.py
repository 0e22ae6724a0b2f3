"""Flask-Login wired to the server-side device sessions."""

from __future__ import annotations

from flask import Flask, current_app, flash, request, url_for
from flask import session as flask_session
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import LoginManager, current_user

from .. import policy
from ..db import get_session
from ..htmx import to_sign_in
from ..models import User
from ..request_kinds import is_passive_request
from ..timeline import drafts
from ..timeline.forms import MESSAGE_MAX
from . import device_sessions


def load_user(token: str):
    return device_sessions.user_for_token(get_session(), token, active_use=not is_passive_request())


# Where words from the message box arrive: sending, and the page's own "keep them" when it finds its
# sign-in gone (app.js). Both may come after the sign-in ended.
KEEPS_UNSENT = ("timeline.post_message", "timeline.keep_unsent")


def unauthorized():
    if request.method == "POST" and (kept := keep_unsent_words()) is not None:
        return to_sign_in(_sign_in_again(*kept))
    wanted = request.full_path.rstrip("?") if request.method == "GET" and not request.htmx else None
    return to_sign_in(url_for("auth.login", next=wanted))


def keep_unsent_words() -> tuple[device_sessions.Ended, User] | None:
    """Words from the message box that came after the sign-in ended are kept on the server for the person
    who was signed in, and are in the box again once they sign in. Returns whose and in which timeline.

    Whose words they are: the page's ticket says which sign-in it was shown in (a sign-out in another tab
    clears the cookies, not the page), or else this browser's session cookie; `writer_after_end` says
    whether that sign-in ended in a way that lets them be kept.
    """
    body = (request.form.get("body") or "").strip()
    resident_id = (request.view_args or {}).get("resident_id")
    if request.endpoint not in KEEPS_UNSENT or not body or resident_id is None:
        return None
    db = get_session()
    ended = _sign_in_of_page(db, resident_id)
    resident = db.get(User, resident_id) if ended else None
    if resident is None or not policy.may_write_in_timeline(ended.writer, resident):
        return None
    drafts.keep(db, user=ended.writer, resident_id=resident.id, body=body[:MESSAGE_MAX])
    return ended, resident


def _sign_in_of_page(db, resident_id: int) -> device_sessions.Ended | None:
    shown_in = drafts.sign_in_of(request.form.get(drafts.TICKET_FIELD), resident_id=resident_id)
    if shown_in is not None and current_user.is_authenticated and shown_in == current_user._device_session_id:
        return device_sessions.Ended(current_user._get_current_object(), signed_out=False)  # still signed in
    if shown_in is not None:
        return device_sessions.writer_after_end(
            db, device_session_id=shown_in, signed_out_within=current_app.config["UNSENT_KEPT_AFTER_SIGN_OUT"]
        )
    token = flask_session.get("_user_id")
    return device_sessions.writer_after_end(db, token=token) if token else None


def _sign_in_again(ended: device_sessions.Ended, resident: User) -> str:
    """Where the writer signs in again, with a word that what they wrote is kept."""
    if ended.writer.is_resident:
        with force_locale(ended.writer.locale):  # the phone's sign-in page speaks its owner's language
            flash(_kept_notice(ended))
        return url_for("auth.login", next=url_for("resident.home"))
    flash(_kept_notice(ended))
    return url_for("auth.login_staff", next=url_for("advisor.resident", resident_id=resident.id))


def _kept_notice(ended: device_sessions.Ended) -> str:
    if ended.signed_out:
        return _("You were signed out. What you wrote is kept: sign in again to send it.")
    return _("You were signed out after a while without activity. What you wrote is kept: sign in to send it.")


def kept_after_sign_out():
    """For a message sent after signing out in another tab, whose cookies (and CSRF token with them) are
    gone: the form's ticket still says whose words these are. Without JavaScript no poll keeps them first.
    The way to sign in again, or None."""
    if not current_user.is_authenticated and (kept := keep_unsent_words()) is not None:
        return to_sign_in(_sign_in_again(*kept))
    return None


def init_login(app: Flask, login_manager: LoginManager) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.session_protection = None  # the device session record does this job
