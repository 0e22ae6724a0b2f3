"""Joining: housing areas, consent texts and consents given, sign-up drafts, pairing links, password links and
trusted devices."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from .base import timestamp


class HousingArea(SQLModel, table=True):
    """An estate or part of one. The coordinator keeps the list; residents and advisors belong to one."""

    __tablename__ = "housing_areas"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    active: bool = Field(default=True)
    created_at: datetime = timestamp()


class ConsentText(SQLModel, table=True):
    """The consent text exactly as a resident read it, kept per version and language."""

    __tablename__ = "consent_texts"
    __table_args__ = (UniqueConstraint("version", "locale"),)

    id: int | None = Field(default=None, primary_key=True)
    version: str = Field(max_length=20)
    locale: str = Field(max_length=10)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = timestamp()


class Consent(SQLModel, table=True):
    """One resident agreeing to one version of the consent, in the language it was shown in."""

    __tablename__ = "consents"

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="users.id", index=True)
    version: str = Field(max_length=20)
    locale: str = Field(max_length=10)
    agreed_at: datetime = timestamp()


class SignupDraft(SQLModel, table=True):
    """What a helper has typed so far in a sign-up. Never a PIN; gone within the hour."""

    __tablename__ = "signup_drafts"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    helper_id: int = Field(foreign_key="users.id", index=True)
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = timestamp()
    expires_at: datetime = timestamp(index=True)


class PairingLink(SQLModel, table=True):
    """A one-time link in a QR code that pairs a phone with one resident. Only its hash is kept."""

    __tablename__ = "pairing_links"

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="users.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    # A link made after sign-up asks for a new PIN: it is also how a forgotten PIN is reset.
    sets_pin: bool = Field(default=False)
    created_at: datetime = timestamp()
    expires_at: datetime = timestamp()
    used_at: datetime | None = timestamp(nullable=True)


class PasswordLink(SQLModel, table=True):
    """A one-time link with which a staff member chooses their own password: a new one, or (`resets`) one who
    forgot theirs or lost their second factor. Only its hash is kept."""

    __tablename__ = "password_links"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    # The coordinator who handed it over; None when made on the server (`users reset-password`).
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    resets: bool = Field(default=False)
    created_at: datetime = timestamp()
    expires_at: datetime = timestamp()
    used_at: datetime | None = timestamp(nullable=True)


class TrustedDevice(SQLModel, table=True):
    """A phone paired with a resident, or a community-house tablet. A long-lived cookie holds the token."""

    __tablename__ = "trusted_devices"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)  # "phone" or "tablet"
    resident_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    device: str = Field(default="", max_length=30)  # e.g. "android_phone"; see devices.py
    name: str = Field(default="", max_length=80)  # a tablet's name, e.g. "Beboerhuset, reception"
    locale: str = Field(default="da", max_length=10)  # a tablet's language for the next person
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = timestamp()
    revoked_at: datetime | None = timestamp(nullable=True)
