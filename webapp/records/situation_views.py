"""The resident's situation, recorded by their advisor, on the records blueprint."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..db import get_session
from ..htmx import render
from ..outcomes import situations
from ..pages.timeline import advisor_resident_page
from .forms import SituationForm
from .routing import acting, bp, done_at


@bp.post("/situation")
@login_required
def record_situation(resident_id: int):
    """A new situation from the day it starts. Not audit-logged, like the other records staff write: the
    resident's timeline says who recorded it, and the history keeps it."""
    resident = acting(resident_id, "record_situation")
    db = get_session()
    form = SituationForm().offer(situations.catalog(db))
    if not form.validate():
        template, context = advisor_resident_page(
            get_session(), current_user, resident, failed=("situation", None, form)
        )
        return render(template, **context), 422
    chosen = form.chosen
    situations.record(
        db,
        resident=resident,
        advisor=current_user,
        situation=chosen,
        starts_on=form.day,
        hours=form.hours_asked,
        employer=form.employer_asked,
        idempotency_key=form.idempotency_key.data,
    )
    return done_at(
        url_for("advisor.resident", resident_id=resident.id),
        "situation",
        _("Saved: %(what)s", what=situations.label(chosen.key, chosen.name)),
    )
