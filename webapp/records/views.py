"""Check-ins, barriers, goals and appointments of one resident: the policy decides who does what."""
from __future__ import annotations

from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import access_log, policy
from ..db import get_session
from ..htmx import render, see_other
from ..models import User
from ..redirects import local_target
from . import appointments, barriers, catalog, checkins, contact, goals
from .forms import (
    AnswerForm,
    AppointmentForm,
    BarrierForm,
    BarrierStatusForm,
    CheckInForm,
    CheckInWordsForm,
    CommentForm,
    ContactMadeForm,
    GoalChangeForm,
    GoalForm,
    GoalStatusForm,
    MoveForm,
    OutcomeForm,
    StepDoneForm,
    StepForm,
    VersionForm,
)

bp = Blueprint("records", __name__, url_prefix="/residents/<int:resident_id>")

# The forms a page shows once per item; a refused one is shown again as it was sent, with its errors.
FORMS = {
    "barrier": BarrierForm, "barrier_status": BarrierStatusForm, "goal": GoalForm, "goal_change": GoalChangeForm,
    "goal_status": GoalStatusForm, "comment": CommentForm, "step": StepForm, "appointment": AppointmentForm,
    "move": MoveForm, "answer": AnswerForm, "outcome": OutcomeForm, "cancel": VersionForm, "restore": VersionForm,
    "step_done": StepDoneForm,
}


def form_slots(failed: tuple[str, int | None, object] | None):
    def form_for(name: str, item_id: int | None = None, **data):
        if failed and failed[0] == name and failed[1] == item_id:
            return failed[2]
        form_class = FORMS[name]
        return form_class.fresh(**data) if hasattr(form_class, "fresh") else form_class(formdata=None, **data)

    return form_for


def record_tools(resident: User, failed=None) -> dict:
    """What templates showing a resident's records need: their forms, and what this reader may do."""
    def may(action: str, record=None) -> bool:
        """What this reader may do; with a record, also what a resident may do with what they made."""
        return policy.may(current_user, action, resident, made_by=getattr(record, "created_by", None))

    return {"form_for": form_slots(failed), "may": may, "may_undo": appointments.may_undo,
            "may_remove": barriers.may_remove}


def page(template: str, resident: User, status: int = 200, failed=None, **context):
    return render(template, resident=resident, **record_tools(resident, failed), **context), status


def back(default: str, fragment: str | None = None):
    """Back to the page the form was on (only a page of the app), at `fragment` if given."""
    return see_other((local_target(request.form.get("return_to")) or default) + (f"#{fragment}" if fragment else ""))


def _viewable(resident_id: int, page_name: str) -> User:
    """The resident whose page this is; a staff member opening it is recorded for the resident to see."""
    resident = policy.resident_for(get_session(), current_user, resident_id)
    if current_user.id != resident.id:
        access_log.note_opening(get_session(), staff=current_user, resident=resident, what=page_name)
    return resident


def _acting(resident_id: int, action: str) -> User:
    return policy.resident_for_action(get_session(), current_user, resident_id, action)


# --- Pages --------------------------------------------------------------------


def overview_context(resident: User) -> dict:
    db = get_session()
    return {
        "open_barriers": [b for b in barriers.of(db, resident=resident) if b.status != "solved"],
        "goal_list": goals.of(db, resident=resident, include_reached=False),
        "next_appointments": appointments.upcoming(db, resident=resident, limit=5),
    }


@bp.get("/overview")
@login_required
def overview(resident_id: int):
    resident = _viewable(resident_id, "overview")
    return page("records/overview.html", resident, **overview_context(resident))


def barriers_page(resident: User, status: int = 200, failed=None):
    return page("records/barriers.html", resident, status, failed, barrier_list=barriers.of(get_session(), resident=resident))


@bp.get("/barriers")
@login_required
def barrier_list(resident_id: int):
    return barriers_page(_viewable(resident_id, "barriers"))


def goals_page(resident: User, status: int = 200, failed=None):
    return page("records/goals.html", resident, status, failed, goal_list=goals.of(get_session(), resident=resident))


@bp.get("/goals")
@login_required
def goal_list(resident_id: int):
    return goals_page(_viewable(resident_id, "goals"))


def appointments_page(resident: User, status: int = 200, failed=None, conflict=None):
    db = get_session()
    return page("records/appointments.html", resident, status, failed, conflict=conflict,
                upcoming=appointments.upcoming(db, resident=resident), earlier=appointments.earlier(db, resident=resident),
                cancelled=appointments.cancelled(db, resident=resident))


@bp.get("/appointments")
@login_required
def appointment_list(resident_id: int):
    return appointments_page(_viewable(resident_id, "appointments"))


# --- Check-ins ------------------------------------------------------------------


@bp.post("/checkins")
@login_required
def check_in(resident_id: int):
    resident = _acting(resident_id, "check_in")
    form = CheckInForm()
    if not form.validate():
        from ..resident.views import render_home

        return render_home(checkin_form=form, status=422)
    _checkin, replaced = checkins.check_in(get_session(), resident=resident, mood=form.mood.data,
                                           idempotency_key=form.idempotency_key.data)
    return see_other(url_for("resident.home", replaced=1 if replaced else None) + "#checkin")


@bp.post("/checkins/today")
@login_required
def check_in_words(resident_id: int):
    resident = _acting(resident_id, "check_in")
    db = get_session()
    todays = checkins.todays(db, resident=resident)
    if todays is None:  # the day turned since the page was shown: ask again how they are
        return see_other(url_for("resident.home") + "#checkin")
    form = CheckInWordsForm()
    if not form.validate():
        from ..resident.views import render_home

        return render_home(words_form=form, status=422)
    checkins.add_words(db, resident=resident, checkin=todays, words=form.words.data,
                       wants_contact=form.wants_contact.data and todays.mood == 1)
    return see_other(url_for("resident.home", thanks=1) + "#checkin")


# --- Barriers ---------------------------------------------------------------------


@bp.post("/barriers")
@login_required
def add_barrier(resident_id: int):
    resident = _acting(resident_id, "add_barrier")
    form = BarrierForm()
    if not form.validate():
        return barriers_page(resident, 422, ("barrier", None, form))
    added = barriers.add(get_session(), resident=resident, key=form.key.data, words=form.words.data,
                         idempotency_key=form.idempotency_key.data)
    name = catalog.label(catalog.BARRIERS, added.barrier.key)
    anchor = f"barrier-{added.barrier.id}"
    flash(_("Saved: %(barrier)s", barrier=name) if added.new
          else _("%(barrier)s is already on your list.", barrier=name), f"at:{anchor}")
    return back(url_for("records.barrier_list", resident_id=resident.id), fragment=anchor)


def _barrier(resident: User, barrier_id: int):
    return barriers.find(get_session(), resident=resident, barrier_id=barrier_id) or abort(404)


@bp.post("/barriers/<int:barrier_id>/status")
@login_required
def barrier_status(resident_id: int, barrier_id: int):
    resident = _acting(resident_id, "barrier_status")
    barrier = _barrier(resident, barrier_id)
    form = BarrierStatusForm()
    if not form.validate():
        return barriers_page(resident, 422, ("barrier_status", barrier.id, form))
    barriers.set_status(get_session(), resident=resident, barrier=barrier, status=form.status.data, actor=current_user)
    return back(url_for("records.barrier_list", resident_id=resident.id))


@bp.post("/barriers/<int:barrier_id>/remove")
@login_required
def remove_barrier(resident_id: int, barrier_id: int):
    resident = _acting(resident_id, "remove_barrier")
    barrier = _barrier(resident, barrier_id)
    if barriers.remove(get_session(), resident=resident, barrier=barrier):
        flash(_("Removed: %(barrier)s", barrier=catalog.label(catalog.BARRIERS, barrier.key)))
        return back(url_for("records.barrier_list", resident_id=resident.id))
    flash(_("This can no longer be removed. If it is no longer a problem, tap “Solved”."), f"at:barrier-{barrier.id}")
    return back(url_for("records.barrier_list", resident_id=resident.id), fragment=f"barrier-{barrier.id}")


@bp.post("/contact-requests/<int:request_id>/handled")
@login_required
def contact_handled(resident_id: int, request_id: int):
    """The advisor's "I have contacted them": only this ends a request to be contacted."""
    resident = _acting(resident_id, "handle_contact")
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
    resident = _acting(resident_id, "acknowledge_barrier")
    barriers.acknowledge(get_session(), resident=resident, barrier=_barrier(resident, barrier_id), advisor=current_user)
    return back(url_for("records.barrier_list", resident_id=resident.id))
