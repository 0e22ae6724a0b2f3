"""A resident's record pages (overview, barriers, goals, appointments), and the changes to check-ins, barriers
and contact requests. Goals change in goal_views.py, appointments in appointment_views.py, the situation in
situation_views.py. The policy decides who does what (routing.py's `acting` and `viewable`)."""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..db import get_session
from ..htmx import render, see_other
from ..models import User
from ..pages import records as pages
from ..pages.timeline import resident_home
from . import barriers, catalog, checkins, contact
from .forms import BarrierForm, BarrierStatusForm, CheckInForm, CheckInWordsForm, ContactMadeForm
from .routing import acting, back, bp, done_at, viewable

# --- Pages --------------------------------------------------------------------


@bp.get("/overview")
@login_required
def overview(resident_id: int):
    template, context = pages.overview_page(get_session(), current_user, viewable(resident_id, "overview"))
    return render(template, **context)


@bp.get("/barriers")
@login_required
def barrier_list(resident_id: int):
    template, context = pages.barriers_page(get_session(), current_user, viewable(resident_id, "barriers"))
    return render(template, **context)


@bp.get("/goals")
@login_required
def goal_list(resident_id: int):
    template, context = pages.goals_page(get_session(), current_user, viewable(resident_id, "goals"))
    return render(template, **context)


@bp.get("/appointments")
@login_required
def appointment_list(resident_id: int):
    template, context = pages.appointments_page(get_session(), current_user, viewable(resident_id, "appointments"))
    return render(template, **context)


# --- Check-ins ------------------------------------------------------------------


@bp.post("/checkins")
@login_required
def check_in(resident_id: int):
    resident = acting(resident_id, "check_in")
    form = CheckInForm()
    if not form.validate():
        template, context = resident_home(get_session(), current_user, checkin_form=form)
        return render(template, **context), 422
    _checkin, replaced = checkins.check_in(
        get_session(), resident=resident, mood=form.mood.data, idempotency_key=form.idempotency_key.data
    )
    return see_other(url_for("resident.home", replaced=1 if replaced else None) + "#checkin")


@bp.post("/checkins/today")
@login_required
def check_in_words(resident_id: int):
    resident = acting(resident_id, "check_in")
    db = get_session()
    todays = checkins.todays(db, resident=resident)
    if todays is None:  # the day turned since the page was shown: ask again how they are
        return see_other(url_for("resident.home") + "#checkin")
    form = CheckInWordsForm()
    if not form.validate():
        template, context = resident_home(get_session(), current_user, words_form=form)
        return render(template, **context), 422
    checkins.add_words(
        db, resident=resident, checkin=todays, words=form.words.data, wants_contact=form.wants_contact.data
    )
    return see_other(url_for("resident.home", thanks=1) + "#checkin")


# --- Barriers ---------------------------------------------------------------------


@bp.post("/barriers")
@login_required
def add_barrier(resident_id: int):
    resident = acting(resident_id, "add_barrier")
    form = BarrierForm()
    if not form.validate():
        template, context = pages.barriers_page(get_session(), current_user, resident, ("barrier", None, form))
        return render(template, **context), 422
    added = barriers.add(
        get_session(),
        resident=resident,
        key=form.key.data,
        words=form.words.data,
        idempotency_key=form.idempotency_key.data,
    )
    name = catalog.label(catalog.BARRIERS, added.barrier.key)
    return done_at(
        url_for("records.barrier_list", resident_id=resident.id),
        f"barrier-{added.barrier.id}",
        _("Saved: %(barrier)s", barrier=name) if added.new else _("%(barrier)s is already on your list.", barrier=name),
    )


def _barrier(resident: User, barrier_id: int):
    return barriers.find(get_session(), resident=resident, barrier_id=barrier_id) or abort(404)


@bp.post("/barriers/<int:barrier_id>/status")
@login_required
def barrier_status(resident_id: int, barrier_id: int):
    resident = acting(resident_id, "barrier_status")
    barrier = _barrier(resident, barrier_id)
    form = BarrierStatusForm()
    if not form.validate():
        template, context = pages.barriers_page(
            get_session(), current_user, resident, ("barrier_status", barrier.id, form)
        )
        return render(template, **context), 422
    name = catalog.label(catalog.BARRIERS, barrier.key)
    try:
        barriers.set_status(
            get_session(), resident=resident, barrier=barrier, status=form.status.data, actor=current_user
        )
    except barriers.Gone:
        return _gone(resident, name)
    except barriers.AlreadyOpen as already:
        return done_at(
            url_for("records.barrier_list", resident_id=resident.id),
            f"barrier-{already.twin.id}",
            _("%(barrier)s is already on the list.", barrier=name),
        )
    return done_at(
        url_for("records.barrier_list", resident_id=resident.id),
        f"barrier-{barrier.id}",
        _("Saved: %(what)s — %(status)s", what=name, status=catalog.label(catalog.BARRIER_STATUSES, form.status.data)),
    )


def _gone(resident: User, name: str):
    """A barrier the resident removed is on no list: the notice is shown at the top of the page."""
    flash(_("%(barrier)s was removed and can no longer be changed.", barrier=name))
    return back(url_for("records.barrier_list", resident_id=resident.id))


@bp.post("/barriers/<int:barrier_id>/remove")
@login_required
def remove_barrier(resident_id: int, barrier_id: int):
    resident = acting(resident_id, "remove_barrier")
    barrier = _barrier(resident, barrier_id)
    if barriers.remove(get_session(), resident=resident, barrier=barrier):
        flash(_("Removed: %(barrier)s", barrier=catalog.label(catalog.BARRIERS, barrier.key)))
        return back(url_for("records.barrier_list", resident_id=resident.id))
    return done_at(
        url_for("records.barrier_list", resident_id=resident.id),
        f"barrier-{barrier.id}",
        _("This can no longer be removed. If it is no longer a problem, tap “Solved”."),
    )


@bp.post("/contact-requests/<int:request_id>/handled")
@login_required
def contact_handled(resident_id: int, request_id: int):
    """The advisor's "I have contacted them": only this ends a request to be contacted."""
    resident = acting(resident_id, "handle_contact")
    found = contact.find(get_session(), resident=resident, request_id=request_id) or abort(404)
    form = ContactMadeForm()
    if not form.validate():
        abort(400)  # the page offers only the three ways, one of them chosen
    if contact.mark_handled(get_session(), resident=resident, request=found, advisor=current_user, how=form.how.data):
        flash(_("Noted: you have contacted %(name)s.", name=resident.display_name))
    return back(url_for("advisor.resident", resident_id=resident.id))


@bp.post("/barriers/<int:barrier_id>/acknowledge")
@login_required
def acknowledge_barrier(resident_id: int, barrier_id: int):
    resident = acting(resident_id, "acknowledge_barrier")
    barrier = _barrier(resident, barrier_id)
    name = catalog.label(catalog.BARRIERS, barrier.key)
    try:
        barriers.acknowledge(get_session(), resident=resident, barrier=barrier, advisor=current_user)
    except barriers.Gone:
        return _gone(resident, name)
    return done_at(
        url_for("records.barrier_list", resident_id=resident.id),
        f"barrier-{barrier.id}",
        _("Marked as seen: %(barrier)s", barrier=name),
    )
