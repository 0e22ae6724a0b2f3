"""Appointment routes on the records blueprint."""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..dates import day_and_time
from ..db import get_session
from ..htmx import render
from ..models import AppointmentStatus, User
from ..pages.records import appointments_page
from . import appointments, catalog
from .forms import AnswerForm, AppointmentForm, MoveForm, OutcomeForm, VersionForm
from .routing import acting, bp, done_at


def _appointment(resident: User, appointment_id: int):
    return appointments.find(get_session(), resident=resident, appointment_id=appointment_id) or abort(404)


def _to_appointments(resident: User, appointment_id: int, notice: str):
    """Back to where the form was, at the appointment that changed, saying what changed."""
    return done_at(
        url_for("records.appointment_list", resident_id=resident.id), f"appointment-{appointment_id}", notice
    )


@bp.post("/appointments")
@login_required
def add_appointment(resident_id: int):
    resident = acting(resident_id, "add_appointment")
    form = AppointmentForm()
    if not form.validate():
        template, context = appointments_page(get_session(), current_user, resident, ("appointment", None, form))
        return render(template, **context), 422
    appointment = appointments.add(
        get_session(),
        resident=resident,
        author=current_user,
        starts_at=form.starts_at.moment,
        place=form.place.data,
        with_whom=form.with_whom.data,
        interpreter=form.interpreter.data,
        needs=form.needs,
        idempotency_key=form.idempotency_key.data,
    )
    return _to_appointments(
        resident, appointment.id, _("Saved: the appointment on %(when)s", when=day_and_time(appointment.starts_at))
    )


def _change(resident_id: int, appointment_id: int, action: str, form_name: str, form_class, change, about=False):
    """Validate, then change from the version the user saw; if someone changed it since, say so and show it."""
    resident = acting(resident_id, action)
    appointment = _appointment(resident, appointment_id)
    policy.check_own_record(current_user, action, resident, appointment.created_by)
    form = form_class(appointment=appointment) if about else form_class()
    if not form.validate():
        template, context = appointments_page(get_session(), current_user, resident, (form_name, appointment.id, form))
        return render(template, **context), 422
    try:
        notice = change(get_session(), resident, appointment, form)
    except appointments.TooLate:
        return _to_appointments(
            resident, appointment.id, _("It is too late to undo this. Please make a new appointment.")
        )
    except appointments.Conflict as conflict:
        return _refused(resident, (form_name, appointment.id, form), conflict)
    return _to_appointments(resident, appointment.id, notice)


def _refused(resident: User, failed: tuple, conflict: appointments.Conflict):
    """409: the appointment as it is now, and why nothing changed. Either it changed since the form was shown
    (what was typed stays, now against the current version), or it is cancelled or over (said at the appointment)."""
    current = conflict.current
    why = _why_not(current) if isinstance(conflict, appointments.Refused) else None
    if why is None:
        failed[2].version.data = str(current.version)
    else:
        flash(why, f"at:appointment-{current.id}")
    template, context = appointments_page(
        get_session(), current_user, resident, failed, conflict=current.id if why is None else None
    )
    return render(template, **context), 409


def _why_not(current) -> str | None:
    """Why the appointment as it is now takes no change but the undo; None if it is neither cancelled nor over."""
    if current.status == AppointmentStatus.CANCELLED:
        return _("This appointment is cancelled, so it can no longer be changed.")
    if current.outcome is not None:
        return _("This appointment is over, so it can no longer be changed.")
    return None


@bp.post("/appointments/<int:appointment_id>/answer")
@login_required
def answer_appointment(resident_id: int, appointment_id: int):
    def change(db, resident, appointment, form):
        appointments.answer(
            db,
            resident=resident,
            appointment=appointment,
            version=form.version_number,
            response=form.response.data,
            reason=form.reason.data or None,
            words=form.words.data,
        )
        return _("Sent: %(answer)s", answer=catalog.label(catalog.RESPONSES, form.response.data))

    return _change(resident_id, appointment_id, "answer_appointment", "answer", AnswerForm, change)


@bp.post("/appointments/<int:appointment_id>/move")
@login_required
def move_appointment(resident_id: int, appointment_id: int):
    def change(db, resident, appointment, form):
        appointments.move(
            db,
            resident=resident,
            appointment=appointment,
            version=form.version_number,
            actor=current_user,
            starts_at=form.starts_at.moment,
            place=form.place.data,
        )
        return _("Saved: the appointment is now on %(when)s", when=day_and_time(form.starts_at.moment))

    return _change(resident_id, appointment_id, "move_appointment", "move", MoveForm, change)


@bp.post("/appointments/<int:appointment_id>/cancel")
@login_required
def cancel_appointment(resident_id: int, appointment_id: int):
    def change(db, resident, appointment, form):
        appointments.cancel(
            db, resident=resident, appointment=appointment, version=form.version_number, actor=current_user
        )
        return _("The appointment is cancelled. You can undo this for 10 minutes.")

    return _change(resident_id, appointment_id, "cancel_appointment", "cancel", VersionForm, change)


@bp.post("/appointments/<int:appointment_id>/restore")
@login_required
def restore_appointment(resident_id: int, appointment_id: int):
    """Undo a cancellation made in the last 10 minutes."""

    def change(db, resident, appointment, form):
        appointments.restore(
            db, resident=resident, appointment=appointment, version=form.version_number, actor=current_user
        )
        return _("The appointment is back.")

    return _change(resident_id, appointment_id, "restore_appointment", "restore", VersionForm, change)


@bp.post("/appointments/<int:appointment_id>/outcome")
@login_required
def appointment_outcome(resident_id: int, appointment_id: int):
    def change(db, resident, appointment, form):
        appointments.set_outcome(
            db,
            resident=resident,
            appointment=appointment,
            version=form.version_number,
            actor=current_user,
            outcome=form.outcome.data,
        )
        return _("Saved: %(what)s", what=catalog.label(catalog.OUTCOMES, form.outcome.data))

    return _change(resident_id, appointment_id, "appointment_outcome", "outcome", OutcomeForm, change, about=True)
