from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import format_time
from flask_login import current_user, login_required, login_user, logout_user

from ..db import get_session
from ..htmx import render, see_other
from ..models import Role
from . import services
from .forms import ChangePasswordForm, ChangePinForm, ResidentSignInForm, StaffSignInForm

bp = Blueprint("auth", __name__)

HOMES = {
    Role.RESIDENT: "resident.home",
    Role.ADVISOR: "advisor.caseload",
    Role.COORDINATOR: "coordinator.overview",
    Role.VOLUNTEER: "signup.home",
}


def client_ip() -> str:
    return request.remote_addr or ""


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never follow ?next= to another host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(HOMES[Role(current_user.role)]))


def refusal_message(result: services.SignIn, *, staff: bool) -> str:
    if result.refused == "locked":
        return _("Too many wrong tries. You can try again at %(time)s.", time=format_time(result.locked_until, "short"))
    if result.refused == "staff_unlock":
        return _("Too many wrong tries. Please ask the staff in the community house to open your account again.")
    if result.refused == "address":
        return _("Too many wrong tries from this place. Please wait a few minutes.")
    if staff:
        return _("The username or password is not right. Please try again.")
    return _("The username or PIN is not right. Please try again.")


def _sign_in_page(form, *, staff: bool):
    template = "auth/login_staff.html" if staff else "auth/login.html"
    if not form.is_submitted():
        return render(template, form=form)
    if not form.validate():
        return render(template, form=form), 422
    db = get_session()
    result = services.sign_in(db, username=form.username.data, secret=form.secret, ip=client_ip())
    if result.user is None:
        return render(template, form=form, refusal=refusal_message(result, staff=staff)), 422
    return _start_session(result.user)


def _start_session(user):
    wanted = safe_next(request.args.get("next"))
    session.clear()  # nothing from before sign-in carries over
    services.start_device_session(get_session(), user=user, user_agent=request.headers.get("User-Agent", ""))
    session.permanent = user.is_resident  # staff cookies end with the browser
    login_user(user)
    return redirect(wanted or url_for(HOMES[Role(user.role)]), 303)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    return _sign_in_page(ResidentSignInForm(), staff=False)


@bp.route("/login/staff", methods=["GET", "POST"])
def login_staff():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    return _sign_in_page(StaffSignInForm(), staff=True)


@bp.post("/logout")
def logout():
    lang = current_user.locale if current_user.is_authenticated else session.get("lang")
    if current_user.is_authenticated:
        services.end_device_session(get_session(), user=current_user, session_id=current_user._device_session_id)
        logout_user()
    session.clear()
    response = redirect(url_for("auth.login", lang=lang), 303)
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@bp.get("/account")
@login_required
def account():
    devices = services.live_devices(get_session(), user=current_user)
    return render("auth/account.html", devices=devices, current_device=current_user._device_session_id)


@bp.post("/account/devices/<int:device_id>/sign-out")
@login_required
def sign_out_device(device_id: int):
    if device_id == current_user._device_session_id:
        return logout()
    if not services.end_device_session(get_session(), user=current_user, session_id=device_id):
        abort(404)
    flash(_("That device is signed out."))
    return see_other(url_for("auth.account"))


@bp.route("/account/secret", methods=["GET", "POST"])
@login_required
def change_secret():
    form_class = ChangePinForm if current_user.is_resident else ChangePasswordForm
    form = form_class(current_user)
    if form.validate_on_submit():
        services.change_secret(get_session(), user=current_user, new_secret=form.new.data)
        flash(_("Your PIN is changed.") if current_user.is_resident else _("Your password is changed."))
        return see_other(url_for("auth.account"))
    status = 422 if form.is_submitted() else 200
    return render("auth/change_secret.html", form=form), status
