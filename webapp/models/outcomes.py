"""Where residents end up: the coordinator's list of situations, each resident's history of them, the
follow-ups after a start in work or education, and how long residents waited for an answer."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from .base import timestamp


class SituationCategory(StrEnum):
    """What a situation is, for the app's own rules; fixed in code, while the list itself is data."""

    WORK = "work"  # follow-ups; no push for quiet weeks
    EDUCATION = "education"  # follow-ups
    ACTIVITY = "activity"  # a course, a work placement
    LEAVE = "leave"  # sick leave, parental leave
    NOTHING_YET = "nothing_yet"
    LEFT = "left"  # moved away, ended: no longer taking part


# A follow-up is due this many months after a start in work or education.
FOLLOW_UP_MONTHS = (1, 3, 6, 12)


class Situation(SQLModel, table=True):
    """One entry of the coordinator's list. The built-in ones have a key, and each reader reads them in
    their own language; one the coordinator adds has only its (Danish) name."""

    __tablename__ = "situations"

    id: int | None = Field(default=None, primary_key=True)
    key: str | None = Field(default=None, max_length=30, unique=True)
    name: str = Field(max_length=80, unique=True)  # Danish
    category: str = Field(max_length=20)  # a SituationCategory
    asks_hours: bool = Field(default=False)
    asks_employer: bool = Field(default=False)
    # In work or education as the partnership counts it ("lasting" and transitions): its choice, not code's.
    counts_as_outcome: bool = Field(default=False)
    position: int = Field(default=0)
    active: bool = Field(default=True)
    created_at: datetime = timestamp()
    # The coordinator's form that added it: sent twice, it adds one.
    idempotency_key: str | None = Field(default=None, max_length=64, unique=True)


class ResidentSituation(SQLModel, table=True):
    """One change in a resident's situation, as their advisor recorded it. Never changed afterwards: the
    newest one that has started (by start date, then id) is the resident's situation."""

    __tablename__ = "resident_situations"
    __table_args__ = (
        Index("ix_resident_situations_resident_starts", "resident_id", "starts_on", "id"),
        # The partnership's figures: changes that started in a period.
        Index("ix_resident_situations_starts_on", "starts_on"),
        UniqueConstraint("recorded_by", "idempotency_key", name="uq_resident_situations_idempotency"),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="users.id")
    situation_id: int = Field(foreign_key="situations.id", index=True)
    starts_on: date
    # The start of the stretch in this situation: the same situation recorded again (new hours, a new
    # employer) carries it on, so the follow-ups count from the first day.
    run_starts_on: date
    hours_per_week: int | None = Field(default=None)
    employer: str | None = Field(default=None, max_length=120)
    recorded_by: int = Field(foreign_key="users.id")
    recorded_at: datetime = timestamp()
    idempotency_key: str | None = Field(default=None, max_length=64)


class FollowUp(SQLModel, table=True):
    """The advisor checked in 1, 3, 6 or 12 months after a start: still there (with the hours), or not."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        UniqueConstraint("resident_id", "run_starts_on", "months", name="uq_follow_ups_resident_run_months"),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="users.id")
    run_starts_on: date
    months: int
    still_there: bool
    hours_per_week: int | None = Field(default=None)
    recorded_by: int = Field(foreign_key="users.id")
    recorded_at: datetime = timestamp()


class AnswerTime(SQLModel, table=True):
    """How long a resident waited: from their first unanswered message to the staff answer that ended the
    wait. Written with the answer (timeline/activity.py), for the partnership's median; no words, no author."""

    __tablename__ = "answer_times"
    __table_args__ = (Index("ix_answer_times_answered_at", "answered_at", "resident_id", "waited_seconds"),)

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="users.id", index=True)
    answered_at: datetime = timestamp()
    waited_seconds: int


class PartnershipCount(SQLModel, table=True):
    """The partnership's figures of one period, as counted at `counted_at` and already protected
    (outcomes/disclosure.py): counts of 5 or more and None, never a set of residents. Counted each night, so the
    page reads one row however many residents there are."""

    __tablename__ = "partnership_counts"

    period: str = Field(primary_key=True, max_length=7)  # "2026-09" or "2026-Q3"
    counted_at: datetime = timestamp()
    counts: dict = Field(sa_column=Column(JSON, nullable=False))
