"""Opening a pairing link from a QR code: the phone becomes the resident's.

Opening the link (GET, or a previewer's HEAD) changes nothing and does not name the resident: message
apps and link scanners open links. Only the tap on "Set up this phone" (POST) uses it.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db import get_session
from ..htmx import render
from . import device_sessions, pairing
from .device_cookie import client_ip, current_device, is_tablet, request_origin, set_device_cookie
from .forms import NewPinForm

bp = Blueprint("pairing", __name__)


def _bad_link(*, tapped: bool):
    """Expired, used, tampered with or unknown: one answer, so none of them can be told apart.
    Only a tap counts towards the limit: opening a link writes nothing."""
    if tapped:
        pairing.record_failure(get_session(), **request_origin())
    return render_template("auth/pair_failed.html"), 404


def _held_by_staff() -> bool:
    """This browser holds a staff member's sign-in, live or lapsed: a helper must not pair it as a resident."""
    if current_user.is_authenticated:
        return current_user.is_staff
    token = session.get("_user_id")
    return bool(token) and device_sessions.staff_token(get_session(), token)


def _usable_link(token: str, *, tapped: bool):
    """(link, resident) for this request, or the answer that refuses it; the link stays unused."""
    db = get_session()
    if pairing.too_many_failures(db, ip=client_ip()):
        return None, (render_template("auth/pair_failed.html", too_many=True), 429)
    found = pairing.open_link(db, token) if len(token) <= 64 else None
    if found is None:
        return None, _bad_link(tapped=tapped)
    link, resident = found
    g.device_locale = resident.locale
    if is_tablet():
        return None, (render("auth/pair_tablet.html"), 409)
    if _held_by_staff():
        return None, (render("auth/pair_staff.html"), 409)
    if current_user.is_authenticated and current_user.id != resident.id:
        return None, (render("auth/pair_signed_in.html"), 409)
    return found, None


@bp.get("/pair/<token>")
def pair(token: str):
    found, refusal = _usable_link(token, tapped=False)
    if refusal is not None:
        return refusal
    link, _resident = found
    return render("auth/pair.html", form=NewPinForm(formdata=None) if link.sets_pin else None)


@bp.post("/pair/<token>")
def pair_phone(token: str):
    found, refusal = _usable_link(token, tapped=True)
    if refusal is not None:
        return refusal
    link, resident = found
    form = NewPinForm() if link.sets_pin else None
    if form is not None and not form.validate():
        return render("auth/pair.html", form=form), 422
    db = get_session()
    previous = current_device()
    device_token = pairing.pair_phone(
        db,
        link=link,
        resident=resident,
        new_pin=form.new.data if form else None,
        held=previous[0] if previous else None,
        **request_origin(),
    )
    if device_token is None:  # a twin request used the link a moment earlier
        return _bad_link(tapped=True)
    if previous is not None and previous[0].resident_id != resident.id:
        # This browser was paired with someone else before: that pairing ends. The resident's own phone
        # was given its new key in place above.
        pairing.remove(db, devices=[previous[0]], actor=resident, subject=previous[1], **request_origin())
    flash(
        _("Your new PIN is saved. Sign in with it now.") if form else _("This phone is ready. Sign in with your PIN.")
    )
    return set_device_cookie(redirect(url_for("auth.login", lang=resident.locale), 303), device_token)
