"""Appointments. Every change raises `version`; a change made from an older copy is refused.

A change is one conditional UPDATE on the version the user saw (see `db`): of twenty taps
sent from the same page, one changes the appointment and adds a history entry. The same UPDATE
checks the state the change may start from (`APPOINTMENT_MOVES` in models/records.py): nothing
changes a cancelled appointment but the undo, and nothing changes one whose outcome is set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Integer, and_, bindparam, literal_column, union_all
from sqlmodel import Session, select

from ..db import change_if, create_once, reread, writing
from ..models import APPOINTMENT_MOVES, Appointment, AppointmentStatus, EntryKind, User, UTCDateTime, utcnow
from ..timeline import kinds
from ..timeline.services import add_entry

# An appointment stays "upcoming" a little after it starts, so "I'm on my way" still makes sense.
GRACE = timedelta(hours=2)
UPCOMING, EARLIER, CANCELLED = range(3)


class Conflict(Exception):
    """Someone changed the appointment since this copy was shown; `current` is how it looks now."""

    def __init__(self, current: Appointment):
        super().__init__("appointment changed")
        self.current = current


class Refused(Conflict):
    """The copy shown is current, but its state does not allow the change (cancelled, or over)."""


class TooLate(Refused):
    """The 10 minutes to undo a cancellation have passed."""


def upcoming(session: Session, *, resident: User, limit: int | None = None) -> list[Appointment]:
    query = (
        select(Appointment)
        .where(
            Appointment.resident_id == resident.id,
            Appointment.status == AppointmentStatus.PLANNED,
            Appointment.starts_at >= utcnow() - GRACE,
        )
        .order_by(Appointment.starts_at)
    )
    return list(session.exec(query.limit(limit) if limit else query).all())


@dataclass(frozen=True)
class Listed:
    upcoming: list[Appointment]  # soonest first
    earlier: list[Appointment]  # latest first
    cancelled: list[Appointment]  # most recently cancelled first


@cache
def _listed(limit: int):
    """Built once (building it costs about what running it does), run with the resident and the time."""
    of_resident = Appointment.resident_id == bindparam("resident_id")
    planned = and_(of_resident, Appointment.status == AppointmentStatus.PLANNED)
    since = bindparam("since", type_=UTCDateTime())
    parts = [
        (UPCOMING, select(Appointment.id).where(planned, Appointment.starts_at >= since)),
        (
            EARLIER,
            select(Appointment.id)
            .where(planned, Appointment.starts_at < since)
            .order_by(Appointment.starts_at.desc())
            .limit(limit),
        ),
        (
            CANCELLED,
            select(Appointment.id)
            .where(of_resident, Appointment.status == AppointmentStatus.CANCELLED)
            .order_by(Appointment.updated_at.desc())
            .limit(limit),
        ),
    ]
    ids = union_all(
        *(select(query.subquery().c.id, literal_column(str(part), Integer).label("part")) for part, query in parts)
    ).subquery("listed")
    return select(Appointment, ids.c.part).join(ids, ids.c.id == Appointment.id)


def listed(session: Session, *, resident: User, limit: int = 20) -> Listed:
    """`upcoming`, `earlier` and `cancelled` in one statement: each part's ids by its own index order and
    limit, then the appointments of all three."""
    rows = session.exec(_listed(limit), params={"resident_id": resident.id, "since": utcnow() - GRACE})
    found: dict[int, list[Appointment]] = {UPCOMING: [], EARLIER: [], CANCELLED: []}
    for appointment, part in rows:
        found[part].append(appointment)
    return Listed(
        upcoming=sorted(found[UPCOMING], key=lambda appointment: appointment.starts_at),
        earlier=sorted(found[EARLIER], key=lambda appointment: appointment.starts_at, reverse=True),
        cancelled=sorted(found[CANCELLED], key=lambda appointment: appointment.updated_at, reverse=True),
    )


def find(session: Session, *, resident: User, appointment_id: int) -> Appointment | None:
    appointment = session.get(Appointment, appointment_id)
    return appointment if appointment is not None and appointment.resident_id == resident.id else None


def add(
    session: Session,
    *,
    resident: User,
    author: User,
    starts_at: datetime,
    place: str,
    with_whom: str,
    interpreter: str | None,
    needs: set[str],
    idempotency_key: str,
) -> Appointment:
    def create() -> Appointment:
        appointment = Appointment(
            resident_id=resident.id,
            created_by=author.id,
            starts_at=starts_at,
            place=place,
            with_whom=with_whom,
            interpreter=interpreter or None,
            needs_childcare="needs_childcare" in needs,
            needs_companion="needs_companion" in needs,
            needs_transport="needs_transport" in needs,
            idempotency_key=idempotency_key,
        )
        session.add(appointment)
        session.flush()
        add_entry(
            session,
            resident=resident,
            author=author,
            kind=EntryKind.APPOINTMENT_ADDED,
            appointment_id=appointment.id,
            data=kinds.appointment(appointment),
        )
        return appointment

    return create_once(session, existing=lambda: _by_key(session, author, idempotency_key), create=create)


def _by_key(session: Session, author: User, key: str) -> Appointment | None:
    return session.exec(
        select(Appointment).where(Appointment.created_by == author.id, Appointment.idempotency_key == key)
    ).first()


def _change(
    session: Session,
    *,
    resident: User,
    appointment: Appointment,
    version: int,
    actor: User,
    action: str,
    kind: EntryKind,
    values: dict,
    extra: Callable[[Appointment], dict] = lambda _before: {},
) -> Appointment:
    """Apply `values` only if the appointment is still at `version` and its state allows `action`;
    otherwise raise Conflict (changed since) or Refused (not in this state) with how it is now."""
    target = APPOINTMENT_MOVES.target(action)
    with writing(session):
        # What the entry says about the appointment before the change: read now, as the reread after the
        # UPDATE refreshes this same object.
        said = extra(reread(session, Appointment, appointment.id))
        if not change_if(
            session,
            Appointment,
            appointment.id,
            Appointment.version == version,
            *APPOINTMENT_MOVES.where(action),
            version=version + 1,
            updated_at=utcnow(),
            **values,
            **({"status": target} if target else {}),
        ):
            current = reread(session, Appointment, appointment.id)
            if current.version != version:
                raise Conflict(current)
            raise Refused(current)
        current = reread(session, Appointment, appointment.id)
        add_entry(
            session,
            resident=resident,
            author=actor,
            kind=kind,
            appointment_id=current.id,
            data=kinds.appointment(current, **said),
        )
    return current


def move(
    session: Session,
    *,
    resident: User,
    appointment: Appointment,
    version: int,
    actor: User,
    starts_at: datetime,
    place: str,
) -> Appointment:
    return _change(
        session,
        resident=resident,
        appointment=appointment,
        version=version,
        actor=actor,
        action="move",
        kind=EntryKind.APPOINTMENT_MOVED,
        values={
            "starts_at": starts_at,
            "place": place,
            "response": None,
            "response_reason": None,
            "response_words": None,
        },
        extra=lambda before: {"previous_starts_at": before.starts_at.isoformat()},
    )


def cancel(session: Session, *, resident: User, appointment: Appointment, version: int, actor: User) -> Appointment:
    return _change(
        session,
        resident=resident,
        appointment=appointment,
        version=version,
        actor=actor,
        action="cancel",
        kind=EntryKind.APPOINTMENT_CANCELLED,
        values={},
    )


def restore(session: Session, *, resident: User, appointment: Appointment, version: int, actor: User) -> Appointment:
    """Undo a cancellation, within 10 minutes of it."""
    try:
        return _change(
            session,
            resident=resident,
            appointment=appointment,
            version=version,
            actor=actor,
            action="restore",
            kind=EntryKind.APPOINTMENT_RESTORED,
            values={},
        )
    except Refused as refused:
        if refused.current.status == AppointmentStatus.CANCELLED:
            raise TooLate(refused.current) from None
        raise


def answer(
    session: Session,
    *,
    resident: User,
    appointment: Appointment,
    version: int,
    response: str,
    reason: str | None,
    words: str | None,
) -> Appointment:
    return _change(
        session,
        resident=resident,
        appointment=appointment,
        version=version,
        actor=resident,
        action="answer",
        kind=EntryKind.APPOINTMENT_ANSWERED,
        # response_version: the version this answer is about, once saved
        values={
            "response": response,
            "response_reason": reason,
            "response_words": words or None,
            "response_version": version + 1,
        },
        extra=lambda _before: {"response": response, "reason": reason, "words": words or None},
    )


def set_outcome(
    session: Session, *, resident: User, appointment: Appointment, version: int, actor: User, outcome: str
) -> Appointment:
    return _change(
        session,
        resident=resident,
        appointment=appointment,
        version=version,
        actor=actor,
        action="outcome",
        kind=EntryKind.APPOINTMENT_OUTCOME,
        values={"outcome": outcome},
        extra=lambda _before: {"outcome": outcome},
    )
