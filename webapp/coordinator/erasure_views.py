"""The coordinator deletes a resident: in 30 days (the account closes now) or now, and cancels a deletion."""

from __future__ import annotations

from flask import flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import leaving
from ..dates import long_date
from ..db import get_session
from ..htmx import render, see_other
from ..models import Role
from ..policy import resident_to_erase, role_required
from .forms import EraseForm
from .routing import bp


def _erase_page(resident, form: EraseForm, status: int = 200):
    return render("coordinator/erase.html", resident=resident, form=form), status


@bp.get("/residents/<int:resident_id>/erase")
@role_required(Role.COORDINATOR)
def erase_form(resident_id: int):
    resident = resident_to_erase(get_session(), current_user, resident_id)
    return _erase_page(resident, EraseForm(formdata=None, resident=resident))


@bp.post("/residents/<int:resident_id>/erase")
@role_required(Role.COORDINATOR)
def erase(resident_id: int):
    db = get_session()
    resident = resident_to_erase(db, current_user, resident_id)
    form = EraseForm(resident=resident)
    if not form.validate():
        return _erase_page(resident, form, 422)
    if form.when.data == "now":
        leaving.erase_now(db, actor=current_user, resident=resident)
        flash(_("The resident and everything about them is deleted."))
    elif (erase_on := leaving.erase_later(db, actor=current_user, resident=resident)) is not None:
        flash(_("The account is closed. Everything is deleted on %(date)s.", date=long_date(erase_on)))
    else:
        flash(_("A deletion was already planned for this resident."))
    return see_other(url_for("coordinator.overview") + "#residents-title")


@bp.post("/residents/<int:resident_id>/erase/cancel")
@role_required(Role.COORDINATOR)
def cancel_erasure(resident_id: int):
    db = get_session()
    resident = resident_to_erase(db, current_user, resident_id)
    if leaving.cancel_erasure(db, actor=current_user, resident=resident):
        flash(_("The deletion is cancelled. %(name)s can sign in again.", name=resident.display_name))
    else:
        flash(_("There was no deletion to cancel."))
    return see_other(url_for("coordinator.overview") + "#residents-title")
