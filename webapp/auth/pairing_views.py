"""Opening a pairing link from a QR code: the phone becomes the resident's."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db import get_session
from ..htmx import render
from . import pairing
from .device_cookie import client_ip, current_device, is_tablet, request_origin, set_device_cookie
from .forms import NewPinForm

bp = Blueprint("pairing", __name__)


def _bad_link():
    """Expired, used, tampered with or unknown: one answer, so none of them can be told apart."""
    pairing.record_failure(get_session(), **request_origin())
    return render_template("auth/pair_failed.html"), 404


@bp.route("/pair/<token>", methods=["GET", "POST"])
def pair(token: str):
    db = get_session()
    if pairing.too_many_failures(db, ip=client_ip()):
        return render_template("auth/pair_failed.html", too_many=True), 429
    found = pairing.open_link(db, token) if len(token) <= 64 else None
    if found is None:
        return _bad_link()
    link, resident = found
    g.device_locale = resident.locale
    if is_tablet():
        return render("auth/pair_tablet.html", resident=resident), 409
    if current_user.is_authenticated and current_user.id != resident.id:
        return render("auth/pair_signed_in.html", resident=resident), 409
    form = NewPinForm() if link.sets_pin else None
    if request.method == "GET":
        return render("auth/pair.html", resident=resident, form=form)
    if form is not None and not form.validate():
        return render("auth/pair.html", resident=resident, form=form), 422
    previous = current_device()
    device_token = pairing.pair_phone(db, link=link, resident=resident, new_pin=form.new.data if form else None,
                                      **request_origin())
    if device_token is None:  # a twin request used the link a moment earlier
        return _bad_link()
    if previous is not None:  # this browser was paired with someone before: that pairing ends
        pairing.remove(db, devices=[previous[0]], actor=resident, subject=previous[1], **request_origin())
    flash(_("Your new PIN is saved. Sign in with it now.") if form else _("This phone is ready. Sign in with your PIN."))
    return set_device_cookie(redirect(url_for("auth.login", lang=resident.locale), 303), device_token)
