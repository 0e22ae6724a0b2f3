"""Check-ins, barriers, goals and appointments of one resident: the policy decides who does what."""
from __future__ import annotations

from flask import abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..db import get_session
from ..htmx import see_other
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
    return pages.overview_page(viewable(resident_id, "overview"))


@bp.get("/barriers")
@login_required
def barrier_list(resident_id: int):
    return pages.barriers_page(viewable(resident_id, "barriers"))


@bp.get("/goals")
@login_required
def goal_list(resident_id: int):
    return pages.goals_page(viewable(resident_id, "goals"))


@bp.get("/appointments")
@login_required
def appointment_list(resident_id: int):
    return pages.appointments_page(viewable(resident_id, "appointments"))


# --- Check-ins ------------------------------------------------------------------


@bp.post("/checkins")
@login_required
def check_in(resident_id: int):
    resident = acting(resident_id, "check_in")
    form = CheckInForm()
    if not form.validate():
        return resident_home(checkin_form=form, status=422)
    _checkin, replaced = checkins.check_in(get_session(), resident=resident, mood=form.mood.data,
                                           idempotency_key=form.idempotency_key.data)
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
        return resident_home(words_form=form, status=422)
    checkins.add_words(db, resident=resident, checkin=todays, words=form.words.data,
                       wants_contact=form.wants_contact.data and todays.mood == 1)
    return see_other(url_for("resident.home", thanks=1) + "#checkin")


# --- Barriers ---------------------------------------------------------------------


@bp.post("/barriers")
@login_required
def add_barrier(resident_id: int):
    resident = acting(resident_id, "add_barrier")
    form = BarrierForm()
    if not form.validate():
        return pages.barriers_page(resident, 422, ("barrier", None, form))
    added = barriers.add(get_session(), resident=resident, key=form.key.data, words=form.words.data,
                         idempotency_key=form.idempotency_key.data)
    name = catalog.label(catalog.BARRIERS, added.barrier.key)
    return done_at(url_for("records.barrier_list", resident_id=resident.id), f"barrier-{added.barrier.id}",
                   _("Saved: %(barrier)s", barrier=name) if added.new
                   else _("%(barrier)s is already on your list.", barrier=name))


def _barrier(resident: User, barrier_id: int):
    return barriers.find(get_session(), resident=resident, barrier_id=barrier_id) or abort(404)


@bp.post("/barriers/<int:barrier_id>/status")
@login_required
def barrier_status(resident_id: int, barrier_id: int):
    resident = acting(resident_id, "barrier_status")
    barrier = _barrier(resident, barrier_id)
    form = BarrierStatusForm()
    if not form.validate():
        return pages.barriers_page(resident, 422, ("barrier_status", barrier.id, form))
    barriers.set_status(get_session(), resident=resident, barrier=barrier, status=form.status.data, actor=current_user)
    return done_at(url_for("records.barrier_list", resident_id=resident.id), f"barrier-{barrier.id}",
                   _("Saved: %(what)s — %(status)s", what=catalog.label(catalog.BARRIERS, barrier.key),
                     status=catalog.label(catalog.BARRIER_STATUSES, form.status.data)))


@bp.post("/barriers/<int:barrier_id>/remove")
@login_required
def remove_barrier(resident_id: int, barrier_id: int):
    resident = acting(resident_id, "remove_barrier")
    barrier = _barrier(resident, barrier_id)
    if barriers.remove(get_session(), resident=resident, barrier=barrier):
        flash(_("Removed: %(barrier)s", barrier=catalog.label(catalog.BARRIERS, barrier.key)))
        return back(url_for("records.barrier_list", resident_id=resident.id))
    return done_at(url_for("records.barrier_list", resident_id=resident.id), f"barrier-{barrier.id}",
                   _("This can no longer be removed. If it is no longer a problem, tap “Solved”."))


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
    barriers.acknowledge(get_session(), resident=resident, barrier=barrier, advisor=current_user)
    return done_at(url_for("records.barrier_list", resident_id=resident.id), f"barrier-{barrier.id}",
                   _("Marked as seen: %(barrier)s", barrier=catalog.label(catalog.BARRIERS, barrier.key)))
