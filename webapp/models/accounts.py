"""Accounts, signed-in devices and the audit log."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from enum import StrEnum

import icu
from flask_login import UserMixin
from pydantic import PrivateAttr
from sqlalchemy import JSON, Index, String, Text, column, func, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Column, Field, SQLModel

from .base import timestamp


class Role(StrEnum):
    RESIDENT = "resident"
    ADVISOR = "advisor"
    VOLUNTEER = "volunteer"
    COORDINATOR = "coordinator"
    PARTNER = "partner"  # the partnership: counts, never a person


STAFF_ROLES = (Role.ADVISOR, Role.VOLUNTEER, Role.COORDINATOR, Role.PARTNER)

# ICU's data for Unicode TR39. Its skeleton functions only read the checker, so one serves every thread.
_CONFUSABLES = icu.SpoofChecker()


def staff_name_key(name: str) -> str:
    """The name as it looks: two staff names with the same key can be mistaken for each other.

    TR39's confusable skeleton maps look-alikes to one prototype (Cyrillic е to e, 0 to O, rn to m).
    It runs on the name in capitals first, where a capital I meets a small l, then again after case
    folding, so case never tells two names apart. Marks, punctuation and spaces go last: "Sørensen."
    is "Sorensen", since a resident reading the name could take one for the other.
    """
    shown = unicodedata.normalize("NFKC", name).upper()
    shown = _CONFUSABLES.getSkeleton(0, shown).casefold()
    shown = _CONFUSABLES.getSkeleton(0, shown).casefold()
    return "".join(char for char in unicodedata.normalize("NFD", shown) if unicodedata.category(char)[0] in "LN")


def _name_key_of_new_account(context) -> str | None:
    # Filled in by the insert itself, so staff made from the CLI or the demo data get their key too.
    row = context.get_current_parameters()
    return staff_name_key(row["display_name"]) if row.get("role") in STAFF_ROLES else None


class name_order(FunctionElement):  # noqa: N801 (used like func.lower)
    """A name in small letters, compared letter by letter (by code point) on every database.

    The coordinator's list is in this order, and a search for the start of a name is a range of it, which
    the index `ix_users_role_name` answers. PostgreSQL's `LIKE 'x%'` uses an index only under the "C"
    collation, so the order is in "C" there (SQLite compares by code point already). SQLite's lower()
    changes only A to Z: there "Ørsted" is not found by "ør"."""

    type = String()
    inherit_cache = True


@compiles(name_order)
def _name_order(element, compiler, **kw):
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(name_order, "postgresql")
def _name_order_postgresql(element, compiler, **kw):
    return f'(lower({compiler.process(element.clauses, **kw)}) COLLATE "C")'


# Two active staff members never share a name key: the database refuses the second of two parallel creations.
STAFF_NAME_UNIQUE_WHERE = f"role IN ({', '.join(repr(str(role)) for role in STAFF_ROLES)}) AND active"


class User(UserMixin, SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (
        Index(
            "ix_users_active_staff_name_key",
            "name_key",
            unique=True,
            sqlite_where=text(STAFF_NAME_UNIQUE_WHERE),
            postgresql_where=text(STAFF_NAME_UNIQUE_WHERE),
        ),
        # The retention run: residents who have not signed in for a year.
        Index("ix_users_role_last_sign_in_at", "role", "last_sign_in_at"),
        # The coordinator's lists of advisors and of residents, by role and whether the account is open.
        Index("ix_users_role_active", "role", "active"),
        # The coordinator's list of residents by name, and the search for the start of a name. On PostgreSQL
        # migration 0012 makes it in "C", as name_order compares; Alembic reflects no collation of an expression.
        Index("ix_users_role_name", "role", func.lower(column("display_name")), "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=40, unique=True)
    display_name: str = Field(max_length=80)
    # staff_name_key(display_name) for staff, None for residents. Unbounded: a skeleton can be longer than the name.
    name_key: str | None = Field(default=None, sa_column=Column(Text, nullable=True, default=_name_key_of_new_account))
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
    # A resident's newest sign-in (the account's creation until then); with their newest entry, it keeps them.
    last_sign_in_at: datetime | None = timestamp(nullable=True)
    # The resident asked to stop: the account is closed and erased at erase_after unless staff undo it.
    stopped_at: datetime | None = timestamp(nullable=True)
    # When the resident is erased: 30 days after they stopped, or when the coordinator set it.
    erase_after: datetime | None = timestamp(nullable=True, index=True)

    # Flask-Login keeps the device token, not the user id, in the cookie.
    _device_token: str | None = PrivateAttr(default=None)
    _device_session_id: int | None = PrivateAttr(default=None)
    _shared_device: bool = PrivateAttr(default=False)  # a resident on the community-house tablet
    _second_factor_at: datetime | None = PrivateAttr(default=None)  # this sign-in's, see DeviceSession

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
    # When a staff member confirmed this sign-in with their second factor; until then it is half signed in.
    second_factor_at: datetime | None = timestamp(nullable=True)
    # The open WebAuthn challenge of a passkey ceremony (base64url), used once.
    challenge: str | None = Field(default=None, max_length=100)


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_action_ip_at", "action", "ip", "at"),
        Index("ix_audit_events_action_actor_at", "action", "actor_id", "at"),
        Index("ix_audit_events_actor_id", "actor_id", "id"),
        Index("ix_audit_events_subject_id", "subject_id", "id"),
        # "Who has looked at my page": one resident's openings of the last 90 days.
        Index("ix_audit_events_subject_action_at", "subject_id", "action", "at"),
        # Retention: addresses cleared after 90 days, old events deleted after 2 years.
        Index("ix_audit_events_at", "at"),
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
    # The resident this event was about has been erased: the event no longer says who, and goes after 2 years.
    about_erased: bool = Field(default=False)
