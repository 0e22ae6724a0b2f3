"""The list of situations advisors choose from, and which of them the partnership counts."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..db import get_session
from ..htmx import render, see_other
from ..models import Role, Situation, SituationCategory
from ..outcomes.situations import catalog as whole_list
from ..outcomes.situations import label
from ..policy import role_required
from . import situation_catalog as catalog
from .forms import SITUATION_CATEGORIES, SituationForm
from .routing import bp


def NAME_TAKEN() -> str:  # noqa: N802 (read like a message)
    return _("There is already a situation with that name.")


def _page(form: SituationForm | None = None, status: int = 200):
    rows = [
        (situation, label(situation.key, situation.name))
        for situation in whole_list(get_session(), include_inactive=True)
    ]
    return render(
        "coordinator/situations.html", rows=rows, form=form or SituationForm.fresh(), categories=SITUATION_CATEGORIES
    ), status


@bp.get("/situations")
@role_required(Role.COORDINATOR)
def situations():
    return _page()


@bp.post("/situations")
@role_required(Role.COORDINATOR)
def add_situation():
    form = SituationForm()
    if not form.validate():
        if not form.name.errors and catalog.name_taken(get_session(), form.name.data):
            form.name.errors.append(NAME_TAKEN())  # said now, not after the other fields are put right
        return _page(form, 422)
    try:
        added = catalog.add_situation(
            get_session(),
            actor=current_user,
            name=form.name.data,
            category=SituationCategory(form.category.data),
            asks_hours=form.asks_hours.data,
            asks_employer=form.asks_employer.data,
            counts_as_outcome=form.counts_as_outcome.data,
            idempotency_key=form.idempotency_key.data,
        )
    except catalog.NameTaken:
        form.name.errors.append(NAME_TAKEN())
        return _page(form, 422)
    flash(_("%(name)s is added to the situations. Advisors can choose it now.", name=added.name))
    return see_other(url_for("coordinator.situations"))


def _situation(situation_id: int) -> Situation:
    return get_session().get(Situation, situation_id) or abort(404)


def _wanted() -> bool:
    """The state the button asks for, not a flip: a second tap, or one from an old page, asks for it again."""
    return request.form.get("to") == "yes"


@bp.post("/situations/<int:situation_id>/counts")
@role_required(Role.COORDINATOR)
def situation_counts(situation_id: int):
    situation, counts = _situation(situation_id), _wanted()
    catalog.set_counts(get_session(), actor=current_user, situation=situation, counts=counts)
    name = label(situation.key, situation.name)
    flash(
        _("%(name)s counts as in work or education for the partnership.", name=name)
        if counts
        else _("%(name)s no longer counts as in work or education for the partnership.", name=name)
    )
    return see_other(url_for("coordinator.situations"))


@bp.post("/situations/<int:situation_id>/active")
@role_required(Role.COORDINATOR)
def situation_active(situation_id: int):
    situation, active = _situation(situation_id), _wanted()
    catalog.set_active(get_session(), actor=current_user, situation=situation, active=active)
    name = label(situation.key, situation.name)
    flash(
        _("Advisors can choose %(name)s again.", name=name)
        if active
        else _("%(name)s is off the list. Advisors can no longer choose it; residents' history keeps it.", name=name)
    )
    return see_other(url_for("coordinator.situations"))
