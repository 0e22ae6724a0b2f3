"""Accounts, signed-in devices and the audit log."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from pydantic import PrivateAttr
from sqlalchemy import JSON, Index
from sqlmodel import Column, Field, SQLModel

from .base import timestamp


class Role(StrEnum):
    RESIDENT = "resident"
    ADVISOR = "advisor"
    VOLUNTEER = "volunteer"
    COORDINATOR = "coordinator"


STAFF_ROLES = (Role.ADVISOR, Role.VOLUNTEER, Role.COORDINATOR)


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
    housing_area_id: int | None = Field(default=None, foreign_key="housing_areas.id", index=True)
    # How an advisor reaches a resident: E.164 number and "call", "sms" or "house".
    phone: str | None = Field(default=None, max_length=20)
    contact_preference: str | None = Field(default=None, max_length=10)
    signed_up_by_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    consent_version: str | None = Field(default=None, max_length=20)
    consented_at: datetime | None = timestamp(nullable=True)
    failed_logins: int = Field(default=0)
    lock_count: int = Field(default=0)
    locked_until: datetime | None = timestamp(nullable=True)
    unlock_by_staff: bool = Field(default=False)
    created_at: datetime = timestamp()

    # Flask-Login keeps the device token, not the user id, in the cookie.
    _device_token: str | None = PrivateAttr(default=None)
    _device_session_id: int | None = PrivateAttr(default=None)
    _shared_device: bool = PrivateAttr(default=False)  # a resident on the community-house tablet

    def get_id(self) -> str | None:
        return self._device_token

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_resident(self) -> bool:
        return self.role == Role.RESIDENT

    @property
    def on_shared_device(self) -> bool:
        return self._shared_device

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
    # The paired phone or community-house tablet this sign-in was made on.
    trusted_device_id: int | None = Field(default=None, foreign_key="trusted_devices.id", index=True)


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_action_ip_at", "action", "ip", "at"),
        Index("ix_audit_events_action_actor_at", "action", "actor_id", "at"),
        Index("ix_audit_events_actor_id", "actor_id", "id"),
        Index("ix_audit_events_subject_id", "subject_id", "id"),
        # "Who has looked at my page": one resident's openings of the last 90 days.
        Index("ix_audit_events_subject_action_at", "subject_id", "action", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = timestamp()
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    action: str = Field(max_length=40)
    subject_id: int | None = Field(default=None, foreign_key="users.id")
    ip: str = Field(default="", max_length=45)
    # The kind of device the action came from, e.g. "android_phone"; see devices.py.
    device: str = Field(default="", max_length=30)
    detail: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
