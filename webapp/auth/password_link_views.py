"""Opening a password link: a new staff member chooses their own password, once."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import policy
from ..db import get_session
from ..htmx import render
from . import password_links
from .device_cookie import request_origin
from .forms import ChangePasswordForm

bp = Blueprint("password_link", __name__)


class FirstPasswordForm(ChangePasswordForm):
    """The same checks as changing a password, without a current one to give."""

    current = None


def _open(token: str):
    """The link and its account, or the page that says why not."""
    found = password_links.open_link(get_session(), token) if len(token) <= 64 else None
    if found is None:  # expired, used, withdrawn or unknown: one answer for all
        return None, (render_template("auth/set_password_failed.html"), 404)
    link, user = found
    g.device_locale = user.locale  # nobody is signed in: the page speaks the new staff member's language
    if not policy.may_use_password_link(current_user, user):
        return None, (render("auth/set_password_signed_in.html", staff=user), 409)
    return found, None


@bp.get("/password/<token>")
def choose_password(token: str):
    found, refusal = _open(token)
    if refusal:
        return refusal
    return render(
        "auth/set_password.html", staff=found[1], resets=found[0].resets, form=FirstPasswordForm(formdata=None)
    )


@bp.post("/password/<token>")
def save_password(token: str):
    found, refusal = _open(token)
    if refusal:
        return refusal
    link, user = found
    form = FirstPasswordForm()
    if not form.validate():
        return render("auth/set_password.html", staff=user, resets=link.resets, form=form), 422
    if not password_links.set_password(get_session(), link=link, user=user, password=form.new.data, **request_origin()):
        return render_template("auth/set_password_failed.html"), 404  # a twin request used the link a moment ago
    flash(_("Your password is saved. Sign in with your username and your new password."))
    return redirect(url_for("auth.login_staff"), 303)
