"""Ten one-time recovery codes, shown once after a second factor is set up. Only a keyed hash is kept."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from ...models import RecoveryCode, User, utcnow

COUNT = 10
# No 0/o, 1/l/i: codes are typed from paper.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
LENGTH = 10  # about 49 bits each


def normalize(code: str) -> str:
    return "".join(char for char in code.lower() if char.isalnum())


def looks_like_one(code: str) -> bool:
    return len(normalize(code)) == LENGTH


def _hash(code: str) -> str:
    key = current_app.config["SECRET_PEPPER"].encode()
    return hmac.new(key, normalize(code).encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def replace_codes(session: Session, *, user: User) -> list[str]:
    """Inside a write transaction: a new set of codes; any earlier ones stop working."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_code() for _ in range(COUNT)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    return codes


def use_code(session: Session, *, user: User, code: str) -> bool:
    """Inside a write transaction: the code is right and unused, and is now used."""
    used = session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code), RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return used.rowcount == 1


def codes_left(session: Session, *, user: User) -> int:
    return session.exec(
        select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).one()
