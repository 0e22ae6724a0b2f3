from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import file_openings
from ..dates import clock, day_month
from ..db import get_session
from ..devices import phone_name
from ..htmx import render, see_other
from ..models import Role
from ..policy import role_required
from ..redirects import local_target
from ..roles import ROLE_LABELS
from ..signup import consent
from . import device_sessions, pairing, phones, services
from .device_cookie import (
    current_device,
    device_kind,
    forget_device_cookie,
    is_tablet,
    request_origin,
    this_phone_id,
)
from .forms import (
    ChangePasswordForm,
    ChangePinForm,
    LanguageForm,
    PinForm,
    ResidentSignInForm,
    StaffSignInForm,
)
from .second_factor import signing_in as second_factor

bp = Blueprint("auth", __name__)

HOMES = {
    Role.RESIDENT: "resident.home",
    Role.ADVISOR: "advisor.caseload",
    Role.COORDINATOR: "coordinator.overview",
    Role.VOLUNTEER: "signup.home",
    Role.PARTNER: "partner.overview",
}


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(HOMES[Role(current_user.role)]))


def refusal_message(result: services.SignIn, *, staff: bool) -> str:
    """Where a username is typed, one answer for every refusal: it must not tell which names have an
    account, nor which accounts are waiting after wrong tries. Only a paired phone or the account page,
    which already name the account, say that it is locked and until when."""
    if result.refused == services.Refusal.LOCKED:
        return _("Too many wrong tries. You can try again at %(time)s.", time=clock(result.locked_until))
    if result.refused == services.Refusal.STAFF_UNLOCK:
        return _("Too many wrong tries. Please ask the staff in the community house to open your account again.")
    if result.refused in (services.Refusal.ADDRESS, services.Refusal.BUSY):
        return _("Too many wrong tries from this place. Please wait a few minutes.")
    if staff:
        return _(
            "The username or password is not right, or there have been many wrong tries. "
            "Please wait a little and try again."
        )
    return _(
        "The username or PIN is not right, or there have been many wrong tries. "
        "Please wait a little and try again, or ask the staff in the community house."
    )


def _start_session(user, trusted=None):
    wanted = local_target(request.args.get("next"))
    session.clear()  # nothing from before sign-in carries over
    half = second_factor.required(user)  # staff: signed in only once the second factor is confirmed too
    device_sessions.start_device_session(
        get_session(), user=user, user_agent=request.headers.get("User-Agent", ""), trusted=trusted, half_signed_in=half
    )
    session.permanent = user.is_resident and not user.on_shared_device  # others end with the browser
    login_user(user)
    if half:
        if wanted:
            session[second_factor.NEXT_KEY] = wanted
        return redirect(url_for("second_factor.ask"), 303)
    return redirect(wanted or url_for(HOMES[Role(user.role)]), 303)


@bp.get("/login")
def login():
    """Residents: the PIN works only on a paired phone or a community-house tablet."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    found = current_device()
    if found is None:
        return render("auth/ask_for_qr.html")
    trusted, resident = found
    if trusted.kind == pairing.TABLET:
        g.device_locale = trusted.locale
        return render("auth/login.html", form=ResidentSignInForm(formdata=None))
    g.device_locale = resident.locale
    return render("auth/login_phone.html", form=PinForm(formdata=None), resident=resident)


@bp.post("/login")
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"), 303)
    found = current_device()
    if found is None:  # not checked at all: a PIN alone is too weak for the open internet
        return render("auth/ask_for_qr.html"), 403
    trusted, resident = found
    if trusted.kind == pairing.TABLET:
        g.device_locale = trusted.locale
        return _username_sign_in(
            ResidentSignInForm(), "auth/login.html", staff=False, trusted=trusted, from_tablet=True
        )
    g.device_locale = resident.locale
    return _phone_sign_in(trusted, resident)


def _phone_sign_in(trusted, resident):
    form = PinForm()
    if not resident.active:  # closed: the page says so, and the PIN is not checked
        return render("auth/login_phone.html", form=form, resident=resident), 422
    if not form.validate():
        return render("auth/login_phone.html", form=form, resident=resident), 422
    result = services.sign_in_resident(get_session(), resident=resident, pin=form.secret, **request_origin())
    if result.user is None:
        refusal = (
            refusal_message(result, staff=False)
            if result.refused != services.Refusal.INVALID
            else _("That PIN is not right. Please try again.")
        )
        return render("auth/login_phone.html", form=form, resident=resident, refusal=refusal), 422
    return _start_session(result.user, trusted)


def _username_sign_in(form, template: str, *, staff: bool, trusted=None, from_tablet: bool = False):
    """Username and secret: staff anywhere, residents on a community-house tablet."""
    if not form.validate():
        return render(template, form=form), 422
    result = services.sign_in(
        get_session(),
        username=form.username.data,
        secret=form.secret,
        staff=staff,
        trusted_device=from_tablet,
        **request_origin(),
    )
    if result.user is None:
        return render(template, form=form, refusal=refusal_message(result, staff=staff)), 422
    return _start_session(result.user, trusted)


@bp.get("/login/staff")
def login_staff():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    return render("auth/login_staff.html", form=StaffSignInForm(formdata=None))


@bp.post("/login/staff")
def sign_in_staff():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"), 303)
    # Staff sign in on the community-house tablet too; its shared address's count does not hold them back.
    return _username_sign_in(StaffSignInForm(), "auth/login_staff.html", staff=True, from_tablet=is_tablet())


def _paired_phone():
    found = current_device()
    return found if found is not None and found[0].kind == pairing.PHONE else None


@bp.get("/login/not-you")
def not_you():
    """Someone else holds a paired phone: say whose it is, and let them forget it here."""
    if (found := _paired_phone()) is None:
        return redirect(url_for("auth.login"))
    return render("auth/not_you.html", resident=found[1])


@bp.post("/login/not-you")
def forget_phone():
    if (found := _paired_phone()) is None:
        return redirect(url_for("auth.login"), 303)
    trusted, resident = found
    pairing.remove(get_session(), devices=[trusted], actor=None, subject=resident, **request_origin())
    flash(_("This phone is no longer set up for %(name)s.", name=resident.display_name))
    return forget_device_cookie(redirect(url_for("auth.login"), 303))


@bp.post("/logout")
def logout():
    lang = session.get("lang") or (current_user.locale if current_user.is_authenticated else None)
    found = current_device()
    if found is not None and found[0].kind == pairing.TABLET:
        lang = found[0].locale  # the next person starts in the tablet's own language
    if current_user.is_authenticated:
        device_sessions.end_device_session(
            get_session(), user=current_user, session_id=current_user._device_session_id, on_that_device=True
        )
        logout_user()
    session.clear()
    response = redirect(url_for("auth.login", lang=lang), 303)
    # A paired phone or a tablet keeps its device cookie; the session cookie goes by session.clear().
    cleared = '"cache", "storage"' if found is not None else '"cache", "cookies", "storage"'
    response.headers["Clear-Site-Data"] = cleared
    return response


@bp.get("/account")
@login_required
def account():
    db = get_session()
    devices = device_sessions.live_devices(db, user=current_user)
    phones_shown = (
        phones.phones_listed(db, resident=current_user, this_phone_id=this_phone_id(current_user))
        if current_user.is_resident
        else []
    )
    looks = file_openings.looks_at(db, resident=current_user) if current_user.is_resident else []
    setups = pairing.setups_of(db, resident=current_user) if current_user.is_resident else []
    consents = consent.consents_of(db, resident=current_user) if current_user.is_resident else []
    return render(
        "auth/account.html",
        devices=devices,
        current_device=current_user._device_session_id,
        phones=phones_shown,
        setups=setups,
        consents=consents,
        language_form=LanguageForm(formdata=None, locale=current_user.locale),
        looks=looks,
        role_labels=ROLE_LABELS,
    )


@bp.post("/account/language")
@login_required
def save_language():
    """The account's language: what the screens show after signing in, and what the advisor is told."""
    form = LanguageForm()
    if not form.validate():
        abort(400)  # only the four choices can be sent from the page
    services.set_locale(get_session(), user=current_user, locale=form.locale.data)
    session.pop("lang", None)
    with force_locale(form.locale.data):
        flash(_("Your language is saved."))
    return see_other(url_for("auth.account"))


@bp.post("/account/devices/<int:device_id>/sign-out")
@login_required
def sign_out_device(device_id: int):
    if device_id == current_user._device_session_id:
        return logout()
    if not device_sessions.end_device_session(get_session(), user=current_user, session_id=device_id):
        abort(404)
    flash(_("That device is signed out."))
    return see_other(url_for("auth.account"))


def _own_phone(phone_id: int) -> phones.Phone:
    """One of the resident's phones; whether it is the one in her hand, the server tells by its cookie."""
    phone = phones.phone_of(
        get_session(), resident=current_user, phone_id=phone_id, this_phone_id=this_phone_id(current_user)
    )
    if phone is None:
        abort(404)
    return phone


@bp.get("/account/phones/<int:phone_id>/remove")
@role_required(Role.RESIDENT)
def confirm_remove_phone(phone_id: int):
    """Removing the phone in her hand locks her out until a new QR code: it asks first. Another phone
    goes at the tap of its button, so there is nothing to ask here."""
    phone = _own_phone(phone_id)
    if not phone.this_phone:
        return redirect(url_for("auth.account", _anchor="phones"))
    return render("auth/remove_phone.html", phone=phone)


@bp.post("/account/phones/<int:phone_id>/remove")
@role_required(Role.RESIDENT)
def remove_phone(phone_id: int):
    db = get_session()
    phone = _own_phone(phone_id)
    if phone.this_phone and request.form.get("confirm") != "yes":
        return render("auth/remove_phone.html", phone=phone)
    pairing.remove(db, devices=[phone], actor=current_user, subject=current_user, **request_origin())
    if phone.this_phone:
        # Said in her language while she is still signed in; the QR page that follows stays in it too.
        said = _("This phone is removed. To use Sammen on it again, ask for a new QR code in the community house.")
        lang = current_user.locale
        logout_user()
        session.clear()
        flash(said)
        response = forget_device_cookie(see_other(url_for("auth.login", lang=lang)))
        response.headers["Clear-Site-Data"] = '"cache", "storage"'
        return response
    name = phone_name(phone.device, phone.browser)
    if phone.last_sign_in_at:
        said = _(
            "Removed: %(phone)s, last signed in %(date)s. It can no longer be used to sign in.",
            phone=name,
            date=day_month(phone.last_sign_in_at),
        )
    else:
        said = _(
            "Removed: %(phone)s, paired %(date)s. It can no longer be used to sign in.",
            phone=name,
            date=day_month(phone.paired_at),
        )
    flash(said, "at:phones")
    return see_other(url_for("auth.account", _anchor="phones"))


@bp.post("/account/still-here")
@login_required
def still_here():
    """The shared tablet's "I'm still here": loading the user already counted as use."""
    return "", 204


def _secret_form(**kwargs):
    return ChangePinForm(**kwargs) if current_user.is_resident else ChangePasswordForm(**kwargs)


@bp.get("/account/secret")
@login_required
def change_secret():
    return render("auth/change_secret.html", form=_secret_form(formdata=None))


@bp.post("/account/secret")
@login_required
def save_secret():
    form = _secret_form()
    if form.validate():
        db = get_session()
        checked = services.check_secret(
            db, user=current_user, secret=form.current.data, action="secret_check", **request_origin()
        )
        if checked.user is None:
            form.current.errors.append(
                form.wrong_current_message
                if checked.refused == services.Refusal.INVALID
                else refusal_message(checked, staff=current_user.is_staff)
            )
        else:
            services.change_secret(
                db,
                user=current_user,
                new_secret=form.new.data,
                keep_device_session=current_user._device_session_id,
                device=device_kind(),
            )
            flash(_("Your PIN is changed.") if current_user.is_resident else _("Your password is changed."))
            return see_other(url_for("auth.account"))
    return render("auth/change_secret.html", form=form), 422
