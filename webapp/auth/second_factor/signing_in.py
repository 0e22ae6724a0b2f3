"""Whether a staff sign-in still needs its second factor, checking it, and setting one up or clearing it.

A staff member's password opens a half sign-in: until the second factor is confirmed, the gate (views.py)
lets them reach only these pages and signing out. Wrong codes count as wrong passwords do (services.py).
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import delete, update
from sqlmodel import Session, select

from ... import audit, oplog
from ...db import writing
from ...models import Passkey, RecoveryCode, TotpSecret, User
from .. import services
from . import recovery, totp

# In the cookie session of a half sign-in: the page asked for before signing in, opened once it is confirmed.
NEXT_KEY = "after_second_factor"


def required(user: User) -> bool:
    return bool(current_app.config["STAFF_SECOND_FACTOR"]) and user.is_authenticated and user.is_staff


def confirmed(user: User) -> bool:
    """This sign-in (the device session the request came with) was confirmed with the second factor."""
    return user._second_factor_at is not None


def has_factor(session: Session, user: User) -> bool:
    return totp.has_app(session, user) or has_passkey(session, user)


def has_passkey(session: Session, user: User) -> bool:
    return session.exec(select(Passkey.id).where(Passkey.user_id == user.id)).first() is not None


def check_code(session: Session, *, user: User, code: str, ip: str = "", device: str = "") -> services.SignIn:
    """A code from the app, or a recovery code (told apart by their length), as a counted try."""
    code = code.strip()
    if recovery.looks_like_one(code):

        def verify() -> bool:
            with writing(session):
                return recovery.use_code(session, user=user, code=code)

        factor = "recovery"
    else:

        def verify() -> bool:
            return totp.use_code(session, user=user, code="".join(code.split()))

        factor = "totp"
    return _checked(session, user=user, verify=verify, factor=factor, ip=ip, device=device)


def check_passkey(session: Session, *, user: User, verify, ip: str = "", device: str = "") -> services.SignIn:
    """A passkey's answer (`verify` checks it), as a counted try."""
    return _checked(session, user=user, verify=verify, factor="passkey", ip=ip, device=device)


def _checked(session: Session, *, user: User, verify, factor: str, ip: str, device: str) -> services.SignIn:
    result = services.check_second_factor(session, user=user, verify=verify, factor=factor, ip=ip, device=device)
    if result.user is None:
        oplog.event("signin.second_factor.failed", user_id=user.id, factor=factor, refused=result.refused)
    else:
        oplog.event("signin.second_factor", user_id=user.id, factor=factor)
    return result


def confirm_app(session: Session, *, user: User, code: str, device: str = "") -> list[str] | None:
    """The first right code confirms the app being set up; the recovery codes, to show once, or None."""
    if not totp.use_code(session, user=user, code="".join(code.split()), confirming=True):
        return None
    return _set_up(session, user=user, factor="totp", device=device)


def _set_up(session: Session, *, user: User, factor: str, device: str) -> list[str]:
    with writing(session):
        codes = recovery.replace_codes(session, user=user)
        # The sign-in is complete, as after a right code: the password's try no longer counts.
        session.execute(update(User).where(User.id == user.id).values(failed_logins=0, lock_count=0, locked_until=None))
        audit.record(session, "second_factor_added", actor=user, subject=user, device=device, factor=factor)
    oplog.event("second_factor.added", user_id=user.id, factor=factor)
    return codes


def passkey_set_up(session: Session, *, user: User, device: str = "") -> list[str] | None:
    """After the first passkey is stored: recovery codes, as after an app; None if the account already had
    a second factor (and so its codes)."""
    others = session.exec(select(Passkey.id).where(Passkey.user_id == user.id)).all()
    if len(others) > 1 or totp.has_app(session, user):
        return None
    return _set_up(session, user=user, factor="passkey", device=device)


def clear(session: Session, *, user: User) -> int:
    """Inside a write transaction: every second factor of the account goes. How many there were."""
    removed = 0
    for model in (TotpSecret, Passkey):
        removed += session.execute(delete(model).where(model.user_id == user.id)).rowcount
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    return removed
