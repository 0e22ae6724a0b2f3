"""Tables. Every timestamp is stored in UTC with its time zone."""
from __future__ import annotations

from datetime import datetime, timezone
from enum import StrEnum
from typing import Any

from flask_login import UserMixin
from pydantic import PrivateAttr
from sqlalchemy import JSON, DateTime, Index, Text, TypeDecorator, UniqueConstraint
from sqlmodel import Column, Field, Relationship, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """SQLite forgets the zone; give it back so comparisons never mix naive and aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


def timestamp(*, nullable: bool = False, index: bool = False) -> Any:
    if nullable:
        return Field(default=None, sa_column=Column(UTCDateTime(), nullable=True, index=index))
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=index))


class Role(StrEnum):
    RESIDENT = "resident"
    ADVISOR = "advisor"
    VOLUNTEER = "volunteer"
    COORDINATOR = "coordinator"


STAFF_ROLES = (Role.ADVISOR, Role.VOLUNTEER, Role.COORDINATOR)


class EntryKind(StrEnum):
    MESSAGE = "message"
    ADVISOR_CHANGED = "advisor_changed"


class User(UserMixin, SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=40, unique=True)
    display_name: str = Field(max_length=80)
    role: str = Field(max_length=20)
    locale: str = Field(default="da", max_length=10)
    secret_hash: str = Field(max_length=200)
    active: bool = Field(default=True)
    advisor_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    failed_logins: int = Field(default=0)
    lock_count: int = Field(default=0)
    locked_until: datetime | None = timestamp(nullable=True)
    unlock_by_staff: bool = Field(default=False)
    created_at: datetime = timestamp()

    # Flask-Login keeps the device token, not the user id, in the cookie.
    _device_token: str | None = PrivateAttr(default=None)
    _device_session_id: int | None = PrivateAttr(default=None)

    def get_id(self) -> str | None:
        return self._device_token

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_resident(self) -> bool:
        return self.role == Role.RESIDENT

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


class DeviceSession(SQLModel, table=True):
    """One signed-in browser. The cookie carries a random token; only its hash is stored."""

    __tablename__ = "device_sessions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_agent: str = Field(default="", max_length=200)
    created_at: datetime = timestamp()
    last_seen_at: datetime = timestamp()
    expires_at: datetime = timestamp()
    idle_seconds: int | None = Field(default=None)
    revoked_at: datetime | None = timestamp(nullable=True)


class Entry(SQLModel, table=True):
    """One item in a resident's timeline. `kind` says how to read `body` and `data`."""

    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("author_id", "idempotency_key", name="uq_entries_author_idempotency"),
        Index("ix_entries_resident_id_id", "resident_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="users.id")
    author_id: int = Field(foreign_key="users.id")
    kind: str = Field(max_length=30)
    body: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    data: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime = timestamp()
    seen_at: datetime | None = timestamp(nullable=True)
    idempotency_key: str | None = Field(default=None, max_length=64)

    author: User = Relationship(
        sa_relationship_kwargs={"lazy": "raise", "foreign_keys": "[Entry.author_id]"}
    )

    @property
    def by_resident(self) -> bool:
        return self.author_id == self.resident_id


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_action_ip_at", "action", "ip", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = timestamp()
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    action: str = Field(max_length=40)
    subject_id: int | None = Field(default=None, foreign_key="users.id")
    ip: str = Field(default="", max_length=45)
    detail: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
