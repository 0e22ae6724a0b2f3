"""What a staff member confirms a password sign-in with: an authenticator app, passkeys, recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, Text
from sqlmodel import Column, Field, SQLModel

from .base import timestamp


class TotpSecret(SQLModel, table=True):
    """The secret an authenticator app makes codes from, encrypted with a key derived from the pepper, so a
    database backup alone cannot make codes. Unconfirmed until the first right code is typed."""

    __tablename__ = "totp_secrets"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", unique=True)
    secret: str = Field(sa_column=Column(Text, nullable=False))
    # The newest 30-second step a code was accepted for: no code of it, or of an earlier one, works again.
    last_step: int | None = Field(default=None)
    created_at: datetime = timestamp()
    confirmed_at: datetime | None = timestamp(nullable=True)


class RecoveryCode(SQLModel, table=True):
    """One of the codes shown once after setup; each works once. Only a keyed hash is kept."""

    __tablename__ = "recovery_codes"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    code_hash: str = Field(max_length=64)
    created_at: datetime = timestamp()
    used_at: datetime | None = timestamp(nullable=True)


class Passkey(SQLModel, table=True):
    """A WebAuthn credential on the staff member's own device, unlocked by its screen lock."""

    __tablename__ = "passkeys"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    credential_id: str = Field(max_length=1400, unique=True)  # base64url; WebAuthn allows up to 1023 bytes
    public_key: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sign_count: int = Field(default=0)
    device: str = Field(default="", max_length=30)  # the kind of device it was made on; see devices.py
    created_at: datetime = timestamp()
    last_used_at: datetime | None = timestamp(nullable=True)
