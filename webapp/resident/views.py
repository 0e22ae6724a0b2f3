from __future__ import annotations

from flask import Blueprint, flash, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..auth import leaving
from ..auth.device_cookie import device_kind, this_phone_id
from ..db import get_session
from ..htmx import render, see_other, to_sign_in
from ..i18n import CODES
from ..models import Role
from ..pages import my_data as pages
from ..pages.timeline import resident_home
from ..policy import role_required
from ..signup import consent
from . import services
from .forms import ContactForm

bp = Blueprint("resident", __name__, url_prefix="/me")

# What a resident who has not agreed to the current consent may still open: its screen, stopping (and a copy
# of their data first, which the stop screen offers: a right that needs no consent), leaving.
WHILE_CONSENT_ASKED = {
    "resident.consent_again",
    "resident.agree_again",
    "resident.stop",
    "resident.confirm_stop",
    "resident.my_data",
    "export.mine",
    "auth.logout",
    "auth.still_here",
    "static",
}


@bp.before_app_request
def ask_consent_again():
    """A resident who agreed to an older version sees nothing else until they answer; their data stays."""
    if (
        request.endpoint in WHILE_CONSENT_ASKED
        or request.blueprint == "health"
        or not current_user.is_authenticated
        or not current_user.is_resident
        or consent.is_current(current_user)
    ):
        return None
    return to_sign_in(url_for("resident.consent_again"))


@bp.get("/")
@role_required(Role.RESIDENT)
def home():
    """The resident's home: today's check-in first, then what is coming up, then the timeline."""
    template, context = resident_home(
        get_session(),
        current_user,
        replaced=request.args.get("replaced") == "1",
        thanks=request.args.get("thanks") == "1",
    )
    return render(template, **context)


@bp.get("/data")
@role_required(Role.RESIDENT)
def my_data():
    template, context = pages.my_data_page(get_session(), current_user, this_phone_id=this_phone_id(current_user))
    return render(template, **context)


@bp.post("/data/contact")
@role_required(Role.RESIDENT)
def save_contact():
    form = ContactForm()
    db = get_session()
    if not form.validate():
        template, context = pages.my_data_page(
            db, current_user, contact_form=form, this_phone_id=this_phone_id(current_user)
        )
        return render(template, **context), 422
    if services.save_contact(
        db, resident=current_user, phone=form.phone.data, contact=form.contact.data, device=device_kind()
    ):
        flash(_("Your contact details are saved."))
    return see_other(url_for("resident.my_data") + "#contact")


@bp.get("/consent")
@role_required(Role.RESIDENT)
def consent_again():
    if consent.is_current(current_user):
        return redirect(url_for("resident.home"))
    template, context = pages.consent_again_page(current_user)
    return render(template, shown_in=str(get_locale()), **context)


@bp.post("/consent")
@role_required(Role.RESIDENT)
def agree_again():
    shown_in = request.form.get("shown_in")
    if request.form.get("version") != consent.VERSION or shown_in not in CODES:
        # The words changed while the page was open, or the form was not the app's: show them again.
        return see_other(url_for("resident.consent_again"))
    services.agree_again(get_session(), resident=current_user, locale=shown_in)
    flash(_("Thank you. You can use Sammen as before."))
    return see_other(url_for("resident.home"))


@bp.get("/stop")
@role_required(Role.RESIDENT)
def stop():
    template, context = pages.stop_page(get_session(), current_user)
    return render(template, **context)


@bp.post("/stop")
@role_required(Role.RESIDENT)
def confirm_stop():
    db = get_session()
    if request.form.get("confirm") != "stop":
        template, context = pages.stop_page(db, current_user, refused=True)
        return render(template, **context), 422
    leaving.stop(db, resident=current_user, device=device_kind())
    logout_user()
    session.clear()
    # Signed out everywhere; this phone's page then says the account is closed, and until when it can be undone.
    response = see_other(url_for("auth.login"))
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response
