"""One-time links with which a new staff member chooses their own password.

The coordinator never chooses another person's password. A staff account is made without one, and
the coordinator hands its owner a link (or its QR code) that sets one, once, within LIFETIME.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from .. import audit, passwords
from ..db import change_if, writing
from ..models import STAFF_ROLES, PasswordLink, User, utcnow

LIFETIME = timedelta(hours=72)
# The hash of an account without a password yet: no password verifies against it, since
# passwords.verify_secret answers False for a hash it cannot read.
NO_PASSWORD = ""


class _Spent(Exception):
    """Raised inside the transaction to undo it: a twin request used the link, or the account has a password."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def has_password(user: User) -> bool:
    return user.secret_hash != NO_PASSWORD


def add_link(session: Session, *, user: User, actor: User, now: datetime) -> str:
    """Inside a write transaction: a fresh link for the account; links handed out before stop working."""
    token = secrets.token_urlsafe(32)
    session.execute(
        update(PasswordLink)
        .where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None), PasswordLink.expires_at > now)
        .values(expires_at=now)
    )
    session.add(PasswordLink(user_id=user.id, token_hash=token_hash(token), created_by_id=actor.id,
                             created_at=now, expires_at=now + LIFETIME))
    audit.record(session, "password_link_made", actor=actor, subject=user)
    return token


def make_link(session: Session, *, user: User, actor: User) -> str | None:
    """A fresh link for an active staff account that has never had a password; None for any other."""
    with writing(session):
        secret_hash, active, role = session.execute(
            select(User.secret_hash, User.active, User.role).where(User.id == user.id)
        ).one()
        if secret_hash != NO_PASSWORD or not active or role not in STAFF_ROLES:
            return None
        return add_link(session, user=user, actor=actor, now=utcnow())


def open_link(session: Session, token: str) -> tuple[PasswordLink, User] | None:
    """The link and its account, if the link can still be used."""
    row = session.exec(
        select(PasswordLink, User).join(User, User.id == PasswordLink.user_id)
        .where(PasswordLink.token_hash == token_hash(token))
    ).first()
    if row is None:
        return None
    link, user = row
    if link.used_at is not None or link.expires_at <= utcnow() or not user.active or has_password(user):
        return None
    return link, user


def set_password(session: Session, *, link: PasswordLink, user: User, password: str, ip: str = "",
                 device: str = "") -> bool:
    """Use the link once: the account gets its password. False when a twin request used it first."""
    new_hash = passwords.hash_secret(password)  # slow: before the transaction
    now = utcnow()
    try:
        with writing(session):
            if not change_if(session, PasswordLink, link.id, PasswordLink.used_at.is_(None),
                             PasswordLink.expires_at > now, used_at=now):
                raise _Spent
            # Wrong tries made against the account while it had no password do not keep it locked.
            if not change_if(session, User, user.id, User.secret_hash == NO_PASSWORD, User.active.is_(True),
                             secret_hash=new_hash, failed_logins=0, lock_count=0, locked_until=None,
                             unlock_by_staff=False):
                raise _Spent
            audit.record(session, "password_set", actor=user, subject=user, ip=ip, device=device,
                         made_by=link.created_by_id)
    except _Spent:
        return False
    user.secret_hash = new_hash
    return True
