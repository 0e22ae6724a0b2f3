"""Codes from an authenticator app (RFC 6238: 30-second steps, 6 digits), with a secret kept encrypted.

The secret is encrypted with a key derived from SECRET_PEPPER, which is never in the database: a backup
of the database alone cannot make codes. A code is accepted one step early or late (a phone's clock
drifts), and never again once its step, or a later one, has been used.
"""

from __future__ import annotations

import base64
from datetime import datetime

import pyotp
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import delete, or_, update
from sqlmodel import Session, select

from ...db import writing
from ...models import TotpSecret, User, utcnow

ISSUER = "Sammen"
STEPS_ACCEPTED = (-1, 0, 1)


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"sammen totp secret").derive(
        current_app.config["SECRET_PEPPER"].encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def _encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def _decrypt(stored: str) -> str:
    return _fernet().decrypt(stored.encode()).decode()


def start_setup(session: Session, *, user: User) -> None:
    """A fresh secret, not yet confirmed; one that was never confirmed is replaced. Nothing for an account
    whose app is already set up."""
    with writing(session):
        session.execute(delete(TotpSecret).where(TotpSecret.user_id == user.id, TotpSecret.confirmed_at.is_(None)))
        if session.exec(select(TotpSecret.id).where(TotpSecret.user_id == user.id)).first() is None:
            session.add(TotpSecret(user_id=user.id, secret=_encrypt(pyotp.random_base32())))


def pending_secret(session: Session, *, user: User) -> str | None:
    """The secret being set up, to show as a QR code and as text."""
    stored = session.exec(
        select(TotpSecret.secret).where(TotpSecret.user_id == user.id, TotpSecret.confirmed_at.is_(None))
    ).first()
    return _decrypt(stored) if stored else None


def provisioning_uri(secret: str, user: User) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def has_app(session: Session, user: User) -> bool:
    return (
        session.exec(
            select(TotpSecret.id).where(TotpSecret.user_id == user.id, TotpSecret.confirmed_at.is_not(None))
        ).first()
        is not None
    )


def matching_step(secret: str, code: str, at: datetime) -> int | None:
    """The step, at most one away from now, whose code this is."""
    totp = pyotp.TOTP(secret)
    now = totp.timecode(at)
    for step in (now + offset for offset in STEPS_ACCEPTED):
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def use_code(session: Session, *, user: User, code: str, confirming: bool = False) -> bool:
    """Whether the code is right and not used before; it is then used up. `confirming`: the first code,
    which confirms a secret being set up."""
    found = session.exec(
        select(TotpSecret).where(
            TotpSecret.user_id == user.id,
            TotpSecret.confirmed_at.is_(None) if confirming else TotpSecret.confirmed_at.is_not(None),
        )
    ).first()
    if found is None or not code.isdigit() or len(code) != 6:
        return False
    now = utcnow()
    step = matching_step(_decrypt(found.secret), code, now)
    if step is None:
        return False
    values = {"last_step": step, **({"confirmed_at": now} if confirming else {})}
    with writing(session):
        # The step is taken by one conditional write, so two requests with the same code cannot both pass.
        used = session.execute(
            update(TotpSecret)
            .where(TotpSecret.id == found.id, or_(TotpSecret.last_step.is_(None), TotpSecret.last_step < step))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    return used.rowcount == 1
