"""What residents record: check-ins, barriers, goals with steps, and appointments.

Each change to one of these also adds an entry to the resident's timeline, pointing back to
the record; those entries are the record's history.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, Text, UniqueConstraint, text
from sqlmodel import Column, Field, SQLModel

from .base import timestamp


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


# A barrier is open while it is still there or getting better; "removed" is one added by mistake.
OPEN_BARRIER = "status IN ('present', 'better')"


class Barrier(SQLModel, table=True):
    __tablename__ = "barriers"
    __table_args__ = (
        UniqueConstraint("resident_id", "idempotency_key", name="uq_barriers_idempotency"),
        # One open barrier per kind: a tile tapped twice, or from two phones, adds it once.
        # "Something else" is the exception: its words say what it is.
        Index("uq_barriers_open_key", "resident_id", "key", unique=True,
              sqlite_where=text(f"{OPEN_BARRIER} AND key <> 'other'"),
              postgresql_where=text(f"{OPEN_BARRIER} AND key <> 'other'")),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="users.id", index=True)
    key: str = Field(max_length=30)  # a catalogue key, shown in each reader's language
    words: str | None = Field(default=None, max_length=500)
    status: str = Field(default="present", max_length=20)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()
    acknowledged_at: datetime | None = timestamp(nullable=True)
    acknowledged_by: int | None = Field(default=None, foreign_key="users.id")
    idempotency_key: str | None = Field(default=None, max_length=64)


class ContactRequest(SQLModel, table=True):
    """"I want someone to contact me": open until the advisor says how they made contact.

    At most one is open per resident; asking again while one is open adds nothing.
    """

    __tablename__ = "contact_requests"
    __table_args__ = (
        Index("uq_contact_requests_open", "resident_id", unique=True,
              sqlite_where=text("handled_at IS NULL"), postgresql_where=text("handled_at IS NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="users.id", index=True)
    checkin_id: int | None = Field(default=None, foreign_key="checkins.id")
    asked_at: datetime = timestamp()
    handled_at: datetime | None = timestamp(nullable=True)
    handled_by: int | None = Field(default=None, foreign_key="users.id")
    how: str | None = Field(default=None, max_length=20)  # phone, sms, in_person


class Goal(SQLModel, table=True):
    __tablename__ = "goals"
    __table_args__ = (UniqueConstraint("resident_id", "idempotency_key", name="uq_goals_idempotency"),)

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="users.id", index=True)
    kind: str = Field(max_length=20)
    words: str | None = Field(default=None, max_length=500)
    hours_per_week: int | None = Field(default=None)
    target_month: date | None = Field(default=None)  # the first day of the month
    status: str = Field(default="active", max_length=20)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()
    idempotency_key: str | None = Field(default=None, max_length=64)


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
    status: str = Field(default="planned", max_length=20)
    response: str | None = Field(default=None, max_length=20)
    response_reason: str | None = Field(default=None, max_length=20)
    response_words: str | None = Field(default=None, max_length=500)
    response_version: int | None = Field(default=None)
    outcome: str | None = Field(default=None, max_length=20)
    version: int = Field(default=1)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()
    idempotency_key: str | None = Field(default=None, max_length=64)
