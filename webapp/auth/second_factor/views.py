"""The second factor's pages: set one up at the first sign-in, then confirm each sign-in with it.

Until the second factor is confirmed, a staff member's sign-in is half done: the gate below lets them
reach only these pages, signing out, and static files. The passkey path needs JavaScript (the browser's
WebAuthn API); the app's code path works without it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from ...db import get_session
from ...htmx import render, to_sign_in
from ...pages.second_factor import app_setup_page, ask_page, recovery_codes_page
from .. import device_sessions
from ..device_cookie import device_kind, request_origin
from ..services import Refusal
from . import passkeys, signing_in, totp
from .forms import CodeForm

bp = Blueprint("second_factor", __name__, url_prefix="/second-factor")

# Where a half-signed-in staff member may go; everything else sends them here.
WHILE_HALF_SIGNED_IN = {"auth.logout", "auth.still_here", "static"}


def due() -> bool:
    """The signed-in person is staff, and this sign-in has not been confirmed with a second factor."""
    return signing_in.required(current_user) and not signing_in.confirmed(current_user)


@bp.before_app_request
def ask_second_factor():
    if (
        request.endpoint in WHILE_HALF_SIGNED_IN
        or request.blueprint in ("second_factor", "health")
        or not current_user.is_authenticated
        or not due()
    ):
        return None
    return to_sign_in(url_for("second_factor.ask"))


def relying_party() -> passkeys.RelyingParty:
    """PUBLIC_URL's host, or in development and tests the host the request came to."""
    base = current_app.config["PUBLIC_URL"] or request.host_url
    parts = urlsplit(base)
    return passkeys.RelyingParty(id=parts.hostname or "", origin=f"{parts.scheme}://{parts.netloc}")


def _complete():
    """The sign-in is confirmed: a new device session (a new token) replaces the half one."""
    user = current_user._get_current_object()
    wanted = session.get(signing_in.NEXT_KEY)
    half = user._device_session_id
    session.clear()
    try:
        device_sessions.start_device_session(
            get_session(), user=user, replaces=half, user_agent=request.headers.get("User-Agent", "")
        )
    except LookupError:  # signed out meanwhile, from another tab
        return None
    login_user(user)
    return wanted or url_for("auth.home")


def _not_due():
    return redirect(url_for("auth.home"), 303 if request.method == "POST" else 302)


@bp.get("/")
@login_required
def ask():
    if not due():
        return _not_due()
    template, context = ask_page(get_session(), current_user, form=CodeForm(formdata=None))
    return render(template, **context)


@bp.post("/")
@login_required
def verify():
    if not due():
        return _not_due()
    db = get_session()
    form = CodeForm()
    if form.validate():
        result = signing_in.check_code(db, user=current_user, code=form.code.data, **request_origin())
        if result.user is not None:
            return _finish()
        form.code.errors.append(_refusal(result))
    template, context = ask_page(db, current_user, form=form)
    return render(template, **context), 422


def _refusal(result) -> str:
    if result.refused == Refusal.INVALID:
        return _("That code is not right. Please try again.")
    return _("There have been many wrong tries. Please wait a little and try again.")


def _finish():
    target = _complete()
    if target is None:
        return to_sign_in(url_for("auth.login_staff"))
    return redirect(target, 303)


@bp.post("/app")
@login_required
def start_app():
    """Set up an authenticator app: a fresh secret, shown on the next page."""
    if not due() or signing_in.has_factor(get_session(), current_user):
        return _not_due()
    totp.start_setup(get_session(), user=current_user)
    return redirect(url_for("second_factor.app_setup"), 303)


@bp.get("/app")
@login_required
def app_setup():
    db = get_session()
    if not due() or signing_in.has_factor(db, current_user):
        return _not_due()
    found = app_setup_page(db, current_user, form=CodeForm(formdata=None))
    if found is None:
        return redirect(url_for("second_factor.ask"))
    return render(found[0], **found[1])


@bp.post("/app/confirm")
@login_required
def confirm_app():
    db = get_session()
    if not due() or signing_in.has_factor(db, current_user):
        return _not_due()
    form = CodeForm()
    if form.validate():
        codes = signing_in.confirm_app(db, user=current_user, code=form.code.data, device=device_kind())
        if codes is not None:
            return _show_recovery_codes(codes)
        form.code.errors.append(_("That code is not right. Check the time on your phone, and try the newest code."))
    found = app_setup_page(db, current_user, form=form)
    if found is None:
        return redirect(url_for("second_factor.ask"), 303)
    return render(found[0], **found[1]), 422


def _show_recovery_codes(codes: list[str]):
    target = _complete()
    if target is None:
        return to_sign_in(url_for("auth.login_staff"))
    template, context = recovery_codes_page(codes, target)
    return render_template(template, **context)


@bp.post("/passkey/options")
@login_required
def passkey_options():
    """The options of the passkey ceremony this page starts: registering one, or signing in with one."""
    db = get_session()
    if not due():
        return jsonify(error="not_due"), 409
    arguments = {"user": current_user, "device_session_id": current_user._device_session_id, "rp": relying_party()}
    if signing_in.has_factor(db, current_user):
        if not signing_in.has_passkey(db, current_user):
            return jsonify(error="no_passkey"), 409
        options = passkeys.authentication_options(db, **arguments)
    else:
        options = passkeys.registration_options(db, **arguments)
    return current_app.response_class(options, mimetype="application/json")


@bp.post("/passkey")
@login_required
def passkey():
    """The browser's answer (posted by passkey.js as a form): a new passkey, or a sign-in with one."""
    db = get_session()
    if not due():
        return _not_due()
    credential = request.form.get("credential", "")[:20000]
    arguments = {
        "user": current_user,
        "device_session_id": current_user._device_session_id,
        "credential": credential,
        "rp": relying_party(),
    }
    if not signing_in.has_factor(db, current_user):
        if passkeys.register(db, device=device_kind(), **arguments):
            codes = signing_in.passkey_set_up(db, user=current_user, device=device_kind())
            return _show_recovery_codes(codes or [])
        refusal = _("The passkey could not be saved. Please try again, or use an app on your phone instead.")
    else:
        result = signing_in.check_passkey(
            db, verify=lambda: passkeys.authenticate(db, **arguments), user=current_user, **request_origin()
        )
        if result.user is not None:
            return _finish()
        refusal = (
            _("The passkey was not accepted. Please try again, or use a code.")
            if result.refused == Refusal.INVALID
            else _refusal(result)
        )
    flash(refusal)
    return redirect(url_for("second_factor.ask"), 303)
