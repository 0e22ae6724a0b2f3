"""What residents record: check-ins, barriers, goals with steps, and appointments.

Each change to one of these also adds an entry to the resident's timeline, pointing back to
the record; those entries are the record's history.

A record with states has them as a `StrEnum` (stored as the same plain strings), and one table of
`Transitions` (states.py) beside it says which action may start from which state and where it leads.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import Index, Text, UniqueConstraint, text
from sqlmodel import Column, Field, SQLModel

from .base import timestamp, utcnow
from .states import Guard, Move, Transitions


class CheckIn(SQLModel, table=True):
    """How the resident is today. One per resident and day (Copenhagen time)."""

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("resident_id", "day", name="uq_checkins_resident_day"),
        # The partnership's moods: the check-ins of a period, read from the index alone.
        Index("ix_checkins_day_resident_mood", "day", "resident_id", "mood"),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="users.id")
    day: date
    mood: int  # 1 very bad … 5 very good
    words: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    wants_contact: bool = Field(default=False)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class BarrierStatus(StrEnum):
    PRESENT = "present"  # still there
    BETTER = "better"  # getting better
    SOLVED = "solved"
    REMOVED = "removed"  # added by mistake: gone from every list and count, and changed no more


# A barrier is open while it is still there or getting better.
OPEN_BARRIER_STATUSES = (BarrierStatus.PRESENT, BarrierStatus.BETTER)
OPEN_BARRIER = "status IN ({})".format(", ".join(f"'{status}'" for status in OPEN_BARRIER_STATUSES))
# A barrier added by mistake can be removed this long afterwards; later it is marked solved.
REMOVABLE_FOR = timedelta(days=1)


class Barrier(SQLModel, table=True):
    __tablename__ = "barriers"
    __table_args__ = (
        UniqueConstraint("resident_id", "idempotency_key", name="uq_barriers_idempotency"),
        # One open barrier per kind: a tile tapped twice, or from two phones, adds it once.
        # "Something else" is the exception: its words say what it is.
        Index(
            "uq_barriers_open_key",
            "resident_id",
            "key",
            unique=True,
            sqlite_where=text(f"{OPEN_BARRIER} AND key <> 'other'"),
            postgresql_where=text(f"{OPEN_BARRIER} AND key <> 'other'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="users.id", index=True)
    key: str = Field(max_length=30)  # a catalogue key, shown in each reader's language
    words: str | None = Field(default=None, max_length=500)
    status: str = Field(default=BarrierStatus.PRESENT, max_length=20)  # a BarrierStatus
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()
    acknowledged_at: datetime | None = timestamp(nullable=True)
    acknowledged_by: int | None = Field(default=None, foreign_key="users.id")
    idempotency_key: str | None = Field(default=None, max_length=64)


_SHOWN_BARRIER = (BarrierStatus.PRESENT, BarrierStatus.BETTER, BarrierStatus.SOLVED)
BARRIER_MOVES = Transitions(
    Barrier,
    {
        # The status form: each sets the status it is named after, from any other shown one (a solved one comes back).
        BarrierStatus.PRESENT: Move((BarrierStatus.BETTER, BarrierStatus.SOLVED), BarrierStatus.PRESENT),
        BarrierStatus.BETTER: Move((BarrierStatus.PRESENT, BarrierStatus.SOLVED), BarrierStatus.BETTER),
        BarrierStatus.SOLVED: Move((BarrierStatus.PRESENT, BarrierStatus.BETTER), BarrierStatus.SOLVED),
        "remove": Move(
            OPEN_BARRIER_STATUSES,
            BarrierStatus.REMOVED,
            guards=(
                Guard(
                    lambda: Barrier.created_at >= utcnow() - REMOVABLE_FOR,
                    lambda barrier: barrier.created_at >= utcnow() - REMOVABLE_FOR,
                ),
            ),
        ),
        "acknowledge": Move(
            _SHOWN_BARRIER,
            guards=(Guard(lambda: Barrier.acknowledged_at.is_(None), lambda barrier: barrier.acknowledged_at is None),),
        ),
    },
)


class ContactRequest(SQLModel, table=True):
    """ "I want someone to contact me": open until the advisor says how they made contact.

    At most one is open per resident; asking again while one is open adds nothing.
    """

    __tablename__ = "contact_requests"
    __table_args__ = (
        Index(
            "uq_contact_requests_open",
            "resident_id",
            unique=True,
            sqlite_where=text("handled_at IS NULL"),
            postgresql_where=text("handled_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="users.id", index=True)
    checkin_id: int | None = Field(default=None, foreign_key="checkins.id")
    asked_at: datetime = timestamp()
    handled_at: datetime | None = timestamp(nullable=True)
    handled_by: int | None = Field(default=None, foreign_key="users.id")
    how: str | None = Field(default=None, max_length=20)  # phone, sms, in_person


class GoalStatus(StrEnum):
    ACTIVE = "active"  # working on it
    PAUSED = "paused"
    REACHED = "reached"


class Goal(SQLModel, table=True):
    __tablename__ = "goals"
    __table_args__ = (UniqueConstraint("resident_id", "idempotency_key", name="uq_goals_idempotency"),)

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="users.id", index=True)
    kind: str = Field(max_length=20)
    words: str | None = Field(default=None, max_length=500)
    hours_per_week: int | None = Field(default=None)
    target_month: date | None = Field(default=None)  # the first day of the month
    status: str = Field(default=GoalStatus.ACTIVE, max_length=20)  # a GoalStatus
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()
    idempotency_key: str | None = Field(default=None, max_length=64)


# Each status may follow each: reached or paused, and back to working on it. A goal is never removed.
GOAL_MOVES = Transitions(
    Goal,
    {
        GoalStatus.ACTIVE: Move((GoalStatus.PAUSED, GoalStatus.REACHED), GoalStatus.ACTIVE),
        GoalStatus.PAUSED: Move((GoalStatus.ACTIVE, GoalStatus.REACHED), GoalStatus.PAUSED),
        GoalStatus.REACHED: Move((GoalStatus.ACTIVE, GoalStatus.PAUSED), GoalStatus.REACHED),
    },
)


# A step is done or not (`done_at`), in a goal of any status: a step done after the goal was reached still
# happened, so it has no states of its own to guard.
class GoalStep(SQLModel, table=True):
    __tablename__ = "goal_steps"
    __table_args__ = (UniqueConstraint("goal_id", "idempotency_key", name="uq_goal_steps_idempotency"),)

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goals.id", index=True)
    text: str = Field(max_length=200)
    created_by: int = Field(foreign_key="users.id")
    created_at: datetime = timestamp()
    done_at: datetime | None = timestamp(nullable=True)
    done_by: int | None = Field(default=None, foreign_key="users.id")
    idempotency_key: str | None = Field(default=None, max_length=64)


class AppointmentStatus(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"


class AppointmentOutcome(StrEnum):
    """Set once, by the advisor, after the appointment began: with it the appointment is over."""

    ATTENDED = "attended"
    MISSED = "missed"


# A cancellation can be undone this long afterwards, by whoever may cancel.
UNDO_WINDOW = timedelta(minutes=10)


class Appointment(SQLModel, table=True):
    """A meeting. `version` goes up with every change, so a change made from an old copy is refused."""

    __tablename__ = "appointments"
    __table_args__ = (
        UniqueConstraint("created_by", "idempotency_key", name="uq_appointments_idempotency"),
        Index("ix_appointments_resident_status_starts", "resident_id", "status", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="users.id", index=True)
    created_by: int = Field(foreign_key="users.id")
    starts_at: datetime = timestamp()
    place: str = Field(max_length=200)
    with_whom: str = Field(max_length=20)
    interpreter: str | None = Field(default=None, max_length=10)  # language code, when one is needed
    needs_childcare: bool = Field(default=False)
    needs_companion: bool = Field(default=False)
    needs_transport: bool = Field(default=False)
    status: str = Field(default=AppointmentStatus.PLANNED, max_length=20)  # an AppointmentStatus
    response: str | None = Field(default=None, max_length=20)
    response_reason: str | None = Field(default=None, max_length=20)
    response_words: str | None = Field(default=None, max_length=500)
    response_version: int | None = Field(default=None)
    outcome: str | None = Field(default=None, max_length=20)  # an AppointmentOutcome; None: not over yet
    version: int = Field(default=1)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()
    idempotency_key: str | None = Field(default=None, max_length=64)


_NOT_OVER = Guard(lambda: Appointment.outcome.is_(None), lambda appointment: appointment.outcome is None)
_BEGUN = Guard(lambda: Appointment.starts_at <= utcnow(), lambda appointment: appointment.starts_at <= utcnow())
_JUST_CANCELLED = Guard(
    lambda: Appointment.updated_at >= utcnow() - UNDO_WINDOW,
    lambda appointment: appointment.updated_at >= utcnow() - UNDO_WINDOW,
)
_PLANNED = (AppointmentStatus.PLANNED,)
APPOINTMENT_MOVES = Transitions(
    Appointment,
    {
        "move": Move(_PLANNED, guards=(_NOT_OVER,)),
        "cancel": Move(_PLANNED, AppointmentStatus.CANCELLED, guards=(_NOT_OVER,)),
        "restore": Move((AppointmentStatus.CANCELLED,), AppointmentStatus.PLANNED, guards=(_JUST_CANCELLED,)),
        "answer": Move(_PLANNED, guards=(_NOT_OVER,)),
        "outcome": Move(_PLANNED, guards=(_NOT_OVER, _BEGUN)),
    },
)


def allowed(record, action: str) -> bool:
    """May `action` start from the state this record is in (the templates' question)."""
    return _MOVES_OF[type(record)].allowed(action, record)


_MOVES_OF: dict[type, Transitions] = {Barrier: BARRIER_MOVES, Goal: GOAL_MOVES, Appointment: APPOINTMENT_MOVES}
