"""The shared timeline: one table of entries, each with a kind."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Index, Text, UniqueConstraint, text
from sqlmodel import Column, Field, Relationship, SQLModel

from .accounts import User
from .base import timestamp


class EntryKind(StrEnum):
    MESSAGE = "message"
    ADVISOR_CHANGED = "advisor_changed"
    CHECKIN = "checkin"
    BARRIER_ADDED = "barrier_added"
    BARRIER_STATUS = "barrier_status"
    BARRIER_SEEN = "barrier_seen"
    GOAL_ADDED = "goal_added"
    GOAL_CHANGED = "goal_changed"
    GOAL_STATUS = "goal_status"
    GOAL_COMMENT = "goal_comment"
    STEP_ADDED = "step_added"
    STEP_DONE = "step_done"
    APPOINTMENT_ADDED = "appointment_added"
    APPOINTMENT_MOVED = "appointment_moved"
    APPOINTMENT_CANCELLED = "appointment_cancelled"
    APPOINTMENT_ANSWERED = "appointment_answered"
    APPOINTMENT_OUTCOME = "appointment_outcome"
    APPOINTMENT_RESTORED = "appointment_restored"
    BARRIER_REMOVED = "barrier_removed"
    CONTACT_MADE = "contact_made"
    PHRASE = "phrase"
    VOICE = "voice"
    PHONE_SET_UP = "phone_set_up"
    SITUATION = "situation"
    FOLLOW_UP = "follow_up"


# What one side says to the other: words, a phrase from the phrase book, a voice message.
MESSAGE_KINDS = (EntryKind.MESSAGE, EntryKind.PHRASE, EntryKind.VOICE)
# Entries by staff that answer what the resident wrote.
ANSWER_KINDS = (*MESSAGE_KINDS, EntryKind.GOAL_COMMENT)


# The records an entry can be part of the history of.
RECORD_COLUMNS = ("checkin_id", "barrier_id", "goal_id", "appointment_id")


class Entry(SQLModel, table=True):
    """One item in a resident's timeline. `kind` says how to read `body` and `data`;
    `data` keeps what the entry said at the time, so later changes never rewrite history."""

    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("author_id", "idempotency_key", name="uq_entries_author_idempotency"),
        Index("ix_entries_resident_id_id", "resident_id", "id"),
        Index("ix_entries_resident_id_created_at", "resident_id", "created_at"),
        # The resident's own entries not yet seen, or seen since the last poll.
        Index("ix_entries_resident_author_seen", "resident_id", "author_id", "seen_at"),
        # Voice messages heard since the last poll; only those have heard_at, so the index stays small.
        Index(
            "ix_entries_resident_heard",
            "resident_id",
            "heard_at",
            sqlite_where=text("heard_at IS NOT NULL"),
            postgresql_where=text("heard_at IS NOT NULL"),
        ),
        *(
            Index(
                f"ix_entries_{column}",
                column,
                sqlite_where=text(f"{column} IS NOT NULL"),
                postgresql_where=text(f"{column} IS NOT NULL"),
            )
            for column in RECORD_COLUMNS
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="users.id")
    author_id: int = Field(foreign_key="users.id")
    kind: str = Field(max_length=30)
    body: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    data: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = timestamp()
    seen_at: datetime | None = timestamp(nullable=True)
    # A voice message played by the other side.
    heard_at: datetime | None = timestamp(nullable=True)
    idempotency_key: str | None = Field(default=None, max_length=64)
    # The record this entry is part of the history of, if any.
    # Nearly every entry has none of these: their indexes (below) hold only the rows that have one.
    checkin_id: int | None = Field(default=None, foreign_key="checkins.id")
    barrier_id: int | None = Field(default=None, foreign_key="barriers.id")
    goal_id: int | None = Field(default=None, foreign_key="goals.id")
    appointment_id: int | None = Field(default=None, foreign_key="appointments.id")

    author: User = Relationship(sa_relationship_kwargs={"lazy": "raise", "foreign_keys": "[Entry.author_id]"})

    @property
    def by_resident(self) -> bool:
        return self.author_id == self.resident_id


class ResidentActivity(SQLModel, table=True):
    """What the caseload needs from a resident's timeline, kept up to date in the transaction of
    every new entry (`timeline/activity.py`), so the caseload costs the same at any history length."""

    __tablename__ = "resident_activity"

    resident_id: int = Field(primary_key=True, foreign_key="users.id")
    last_entry_at: datetime | None = timestamp(nullable=True)
    # The newest answer from staff (a message or a comment on a goal).
    last_answer_at: datetime | None = timestamp(nullable=True)
    # The resident's messages after that answer.
    waiting_count: int = Field(default=0)
    waiting_since: datetime | None = timestamp(nullable=True)
    waiting_until: datetime | None = timestamp(nullable=True)
    # The resident's newest urgent phrase ("I can't come today"); it waits for an answer newer than it.
    urgent_phrase: str | None = Field(default=None, max_length=40)
    urgent_at: datetime | None = timestamp(nullable=True)
    # The resident's newest "I started working", "I started an education" or "I lost my job": the advisor is
    # asked to record their situation until they record one newer than it.
    told_phrase: str | None = Field(default=None, max_length=40)
    told_at: datetime | None = timestamp(nullable=True)
    # How much of the timeline there is, for the resident's "My data": entries, messages (words and phrases), voice.
    entry_count: int = Field(default=0)
    message_count: int = Field(default=0)
    voice_count: int = Field(default=0)
