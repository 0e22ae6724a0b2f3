"""Appointments. Every change raises `version`; a change made from an older copy is refused."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session, select

from ..db import create_once, writing
from ..models import Appointment, EntryKind, User, utcnow
from ..timeline.services import add_entry

# An appointment stays "upcoming" a little after it starts, so "I'm on my way" still makes sense.
GRACE = timedelta(hours=2)


class Conflict(Exception):
    """Someone changed the appointment since this copy was shown; `current` is how it looks now."""

    def __init__(self, current: Appointment):
        super().__init__("appointment changed")
        self.current = current


def snapshot(appointment: Appointment) -> dict:
    return {
        "starts_at": appointment.starts_at.isoformat(),
        "place": appointment.place,
        "with_whom": appointment.with_whom,
        "interpreter": appointment.interpreter,
        "needs": [need for need in ("needs_childcare", "needs_companion", "needs_transport") if getattr(appointment, need)],
    }


def upcoming(session: Session, *, resident: User, limit: int | None = None) -> list[Appointment]:
    query = (
        select(Appointment)
        .where(Appointment.resident_id == resident.id, Appointment.status == "planned",
               Appointment.starts_at >= utcnow() - GRACE)
        .order_by(Appointment.starts_at)
    )
    return list(session.exec(query.limit(limit) if limit else query).all())


def earlier(session: Session, *, resident: User, limit: int = 20) -> list[Appointment]:
    return list(session.exec(
        select(Appointment)
        .where(Appointment.resident_id == resident.id,
               (Appointment.status != "planned") | (Appointment.starts_at < utcnow() - GRACE))
        .order_by(Appointment.starts_at.desc())
        .limit(limit)
    ).all())


def find(session: Session, *, resident: User, appointment_id: int) -> Appointment | None:
    appointment = session.get(Appointment, appointment_id)
    return appointment if appointment is not None and appointment.resident_id == resident.id else None


def add(session: Session, *, resident: User, author: User, starts_at: datetime, place: str, with_whom: str,
        interpreter: str | None, needs: set[str], idempotency_key: str) -> Appointment:
    def create() -> Appointment:
        appointment = Appointment(
            resident_id=resident.id, created_by=author.id, starts_at=starts_at, place=place, with_whom=with_whom,
            interpreter=interpreter or None, needs_childcare="needs_childcare" in needs,
            needs_companion="needs_companion" in needs, needs_transport="needs_transport" in needs,
            idempotency_key=idempotency_key,
        )
        session.add(appointment)
        session.flush()
        add_entry(session, resident=resident, author=author, kind=EntryKind.APPOINTMENT_ADDED,
                  appointment_id=appointment.id, data=snapshot(appointment))
        return appointment

    return create_once(session, existing=lambda: _by_key(session, author, idempotency_key), create=create)


def _by_key(session: Session, author: User, key: str) -> Appointment | None:
    return session.exec(
        select(Appointment).where(Appointment.created_by == author.id, Appointment.idempotency_key == key)
    ).first()


def _change(session: Session, *, resident: User, appointment: Appointment, version: int, actor: User,
            kind: EntryKind, apply: Callable[[Appointment], dict]) -> Appointment:
    with writing(session):
        current = session.exec(select(Appointment).where(Appointment.id == appointment.id).with_for_update()).one()
        if current.version != version:
            raise Conflict(current)
        extra = apply(current)
        current.version += 1
        current.updated_at = utcnow()
        add_entry(session, resident=resident, author=actor, kind=kind, appointment_id=current.id,
                  data={**snapshot(current), **extra})
    return current


def move(session: Session, *, resident: User, appointment: Appointment, version: int, actor: User,
         starts_at: datetime, place: str) -> Appointment:
    def apply(current: Appointment) -> dict:
        previous = current.starts_at.isoformat()
        current.starts_at, current.place = starts_at, place
        current.response = current.response_reason = current.response_words = None
        return {"previous_starts_at": previous}

    return _change(session, resident=resident, appointment=appointment, version=version, actor=actor,
                   kind=EntryKind.APPOINTMENT_MOVED, apply=apply)


def cancel(session: Session, *, resident: User, appointment: Appointment, version: int, actor: User) -> Appointment:
    def apply(current: Appointment) -> dict:
        current.status = "cancelled"
        return {}

    return _change(session, resident=resident, appointment=appointment, version=version, actor=actor,
                   kind=EntryKind.APPOINTMENT_CANCELLED, apply=apply)


def answer(session: Session, *, resident: User, appointment: Appointment, version: int, response: str,
           reason: str | None, words: str | None) -> Appointment:
    def apply(current: Appointment) -> dict:
        current.response, current.response_reason, current.response_words = response, reason, words or None
        current.response_version = current.version + 1  # the version this answer is about, once saved
        return {"response": response, "reason": reason, "words": words or None}

    return _change(session, resident=resident, appointment=appointment, version=version, actor=resident,
                   kind=EntryKind.APPOINTMENT_ANSWERED, apply=apply)


def set_outcome(session: Session, *, resident: User, appointment: Appointment, version: int, actor: User,
                outcome: str) -> Appointment:
    def apply(current: Appointment) -> dict:
        current.outcome = outcome
        return {"outcome": outcome}

    return _change(session, resident=resident, appointment=appointment, version=version, actor=actor,
                   kind=EntryKind.APPOINTMENT_OUTCOME, apply=apply)
