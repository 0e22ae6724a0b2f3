"""The helper's home and the sign-up on the community-house tablet, one step per screen."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from .. import policy
from ..auth import pairing
from ..auth.device_cookie import device_kind, request_origin
from ..db import get_session
from ..htmx import render, see_other
from ..i18n import CODES
from ..pages import signup as pages
from ..params import bounded_int
from ..policy import HELPERS, role_required
from . import consent as agreement
from . import services
from .forms import AboutForm, LanguageForm, PinForm

bp = Blueprint("signup", __name__, url_prefix="/volunteer")

DRAFT_KEY = "signup_draft"  # the cookie holds only a random key; what was typed stays on the server


@bp.get("/")
@role_required(*HELPERS)
def home():
    return render("signup/home.html", recent=services.signed_up_by(get_session(), helper=current_user))


def _draft():
    return services.find_draft(get_session(), helper=current_user, token=session.get(DRAFT_KEY))


def with_draft(view):
    """Steps 2–4 get the draft of this sign-up, shown in the language chosen for the screen; or go back to step 1."""

    @wraps(view)
    def wrapped(**kwargs):
        draft = _draft()
        if draft is None:
            session.pop(DRAFT_KEY, None)
            flash(_("That sign-up was left for more than an hour, so nothing of it was kept. Please start again."))
            return redirect(url_for("signup.language"), 303)
        g.forced_locale = draft.data.get("view") or draft.data["locale"]
        return view(draft, **kwargs)

    return wrapped


def _switch_view(draft, **typed):
    """The helper's one tap between Danish and the resident's language keeps what was typed."""
    wanted = request.form.get("view")
    if wanted not in CODES:
        return None
    services.save_draft(get_session(), draft=draft, view=wanted, **typed)
    return redirect(request.path, 303)


@bp.get("/new")
@role_required(*HELPERS)
def language():
    draft = _draft()
    form = LanguageForm(formdata=None, data={"locale": draft.data["locale"]} if draft else None)
    return render("signup/language.html", form=form, step=1)


@bp.post("/new")
@role_required(*HELPERS)
def save_language():
    draft = _draft()
    form = LanguageForm()
    if not form.validate():
        return render("signup/language.html", form=form, step=1), 422
    db = get_session()
    if draft is None:
        session[DRAFT_KEY] = services.start_draft(db, helper=current_user, locale=form.locale.data)
    else:
        services.save_draft(db, draft=draft, locale=form.locale.data, view=None)
    return redirect(url_for("signup.about"), 303)


def _about_form(draft, formdata=None):
    data = draft.data
    return AboutForm(
        formdata=formdata,
        areas=services.active_areas(get_session()),
        data={
            "name": data.get("name"),
            "phone": data.get("phone_typed"),
            "area_id": data.get("area_id"),
            "contact": data.get("contact"),
        },
    )


@bp.get("/new/about")
@role_required(*HELPERS)
@with_draft
def about(draft):
    return render("signup/about.html", form=_about_form(draft), draft=draft, step=2)


@bp.post("/new/about")
@role_required(*HELPERS)
@with_draft
def save_about(draft):
    form = _about_form(draft, formdata=request.form)
    typed = {
        "name": form.name.data,
        "phone_typed": form.phone.data,
        "contact": form.contact.data,
        "area_id": _int(request.form.get("area_id")),
    }
    if (switched := _switch_view(draft, **typed)) is not None:
        return switched
    if not form.validate():
        return render("signup/about.html", form=form, draft=draft, step=2), 422
    services.save_draft(
        get_session(),
        draft=draft,
        name=form.name.data,
        phone=form.phone.data,
        phone_typed=request.form.get("phone", ""),
        contact=form.contact.data,
        area_id=form.area_id.data if "area_id" in form else None,
    )
    return redirect(url_for("signup.consent"), 303)


def _int(text: str | None) -> int | None:
    return bounded_int(text)


def _consent_page(draft, *, refused: bool, other_language: bool = False, changed: bool = False):
    return render(
        "signup/consent.html",
        draft=draft,
        step=3,
        refused=refused,
        other_language=other_language,
        changed=changed,
        version=agreement.VERSION,
        paragraphs=pages.consent_paragraphs(),
        **pages.helper_note(current_user.locale),
    ), 422 if refused or other_language or changed else 200


def _agree_first():
    """Back to the consent, saying why: the agreement in the draft is not to this version in the account's language
    (the language changed after it, or the words did). What was typed stays in the draft."""
    flash(_("Before you choose a PIN, please read this text and tap “I agree”."))
    return redirect(url_for("signup.consent"), 303)


@bp.get("/new/consent")
@role_required(*HELPERS)
@with_draft
def consent(draft):
    if not draft.data.get("name"):
        return redirect(url_for("signup.about"), 303)
    return _consent_page(draft, refused=False)


@bp.post("/new/consent")
@role_required(*HELPERS)
@with_draft
def agree(draft):
    if not draft.data.get("name"):
        return redirect(url_for("signup.about"), 303)
    if (switched := _switch_view(draft)) is not None:
        return switched
    if request.form.get("agree") != "yes":
        return _consent_page(draft, refused=True)
    # What the screen showed when it was tapped (the form says; a form without it, what it would show now).
    shown_locale = request.form.get("shown_locale") or g.forced_locale
    shown_version = request.form.get("shown_version") or agreement.VERSION
    if shown_locale != draft.data["locale"] or g.forced_locale != draft.data["locale"]:
        return _consent_page(draft, refused=False, other_language=True)
    if shown_version != agreement.VERSION:
        return _consent_page(draft, refused=False, changed=True)
    services.save_draft(get_session(), draft=draft, consent=agreement.shown(shown_locale, shown_version))
    return redirect(url_for("signup.pin"), 303)


@bp.get("/new/pin")
@role_required(*HELPERS)
@with_draft
def pin(draft):
    if not agreement.agreed_in_draft(draft.data):
        return _agree_first()
    g.forced_locale = draft.data["locale"]  # this screen is the resident's own
    return render("signup/pin.html", form=PinForm(formdata=None), step=4)


@bp.post("/new/pin")
@role_required(*HELPERS)
@with_draft
def create_account(draft):
    if not agreement.agreed_in_draft(draft.data):
        return _agree_first()
    g.forced_locale = draft.data["locale"]
    form = PinForm()
    if not form.validate():
        return render("signup/pin.html", form=form, step=4), 422
    db = get_session()
    try:
        resident, token = services.create_resident(
            db, helper=current_user, draft=draft, pin=form.new.data, **request_origin()
        )
    except services.TooManySignups:
        return render("signup/pin.html", form=form, step=4, limit_reached=True), 429
    except services.ConsentNotGiven:  # the language changed in another tab since this request began
        return _agree_first()
    except services.DraftGone:  # the first tap made the account and showed the card
        session.pop(DRAFT_KEY, None)
        flash(_("This sign-up is already finished. Find the resident below to show their card again."))
        return redirect(url_for("signup.home"), 303)
    session.pop(DRAFT_KEY, None)
    template, context = pages.card_page(get_session(), current_user, resident, token=token, just_made=True)
    return render(template, **context)


@bp.post("/new/cancel")
@role_required(*HELPERS)
def cancel():
    services.discard_draft(get_session(), draft=_draft())
    session.pop(DRAFT_KEY, None)
    flash(_("The sign-up is stopped. Nothing was saved."))
    return see_other(url_for("signup.home"))


@bp.get("/residents/<int:resident_id>/card")
@role_required(*HELPERS)
def card(resident_id: int):
    resident = policy.helped_resident(get_session(), current_user, resident_id)
    template, context = pages.card_page(get_session(), current_user, resident)
    return render(template, **context)


@bp.post("/residents/<int:resident_id>/qr")
@role_required(*HELPERS)
def new_qr(resident_id: int):
    """A fresh one-time QR code: after a lost phone, a new phone, or (with a new PIN) a forgotten PIN.

    A code that sets a new PIN hands over the account, so only the resident's own advisor makes one
    (the coordinator while nobody has taken them); a plain one still needs the resident's own PIN.
    """
    db = get_session()
    resident = policy.helped_resident(db, current_user, resident_id)
    sets_pin = request.form.get("new_pin") == "yes"
    if sets_pin and not policy.may_make_pin_link(current_user, resident):
        abort(403)
    token = pairing.make_link(
        db,
        resident=resident,
        actor=current_user,
        sets_pin=sets_pin,
        device=device_kind(),
        not_after=policy.helper_window_ends(current_user, resident),
    )
    template, context = pages.card_page(get_session(), current_user, resident, token=token, sets_pin=sets_pin)
    return render(template, **context)


@bp.post("/residents/<int:resident_id>/phones/remove")
@role_required(*HELPERS)
def remove_phones(resident_id: int):
    """Staff only: a volunteer may make a new QR code but not take a resident's phones away."""
    db = get_session()
    resident = policy.helped_resident(db, current_user, resident_id, check=policy.may_remove_devices)
    removed = pairing.remove(
        db, devices=pairing.phones_of(db, resident=resident), actor=current_user, subject=resident, **request_origin()
    )
    flash(ngettext("%(num)d phone is removed.", "%(num)d phones are removed.", removed))
    return see_other(url_for("signup.card", resident_id=resident.id))
