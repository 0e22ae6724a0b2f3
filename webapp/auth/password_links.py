"""One-time links with which a new staff member chooses their own password.

The coordinator never chooses another person's password. A staff account is made without one, and
the coordinator hands its owner a link (or its QR code) that sets one, once, within LIFETIME.

A staff member who forgot their password, or lost their second factor, gets a reset link the same way
(or from `flask users reset-password` on the server): it works once within RESET_LIFETIME, replaces the
password, signs the account out everywhere and clears its second factor, to be set up at the next sign-in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from .. import audit, oplog, passwords
from ..db import change_if, writing
from ..models import STAFF_ROLES, DeviceSession, PasswordLink, User, utcnow
from .second_factor import signing_in

LIFETIME = timedelta(hours=72)
RESET_LIFETIME = timedelta(minutes=30)
# The hash of an account without a password yet: no password verifies against it, since
# passwords.verify_secret answers False for a hash it cannot read.
NO_PASSWORD = ""


class _Spent(Exception):
    """Raised inside the transaction to undo it: a twin request used the link, or the account has a password."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def has_password(user: User) -> bool:
    return user.secret_hash != NO_PASSWORD


def add_link(session: Session, *, user: User, actor: User | None, now: datetime, resets: bool = False) -> str:
    """Inside a write transaction: a fresh link for the account; links handed out before stop working.
    `actor` None: made on the server."""
    token = secrets.token_urlsafe(32)
    session.execute(
        update(PasswordLink)
        .where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None), PasswordLink.expires_at > now)
        .values(expires_at=now)
    )
    session.add(
        PasswordLink(
            user_id=user.id,
            token_hash=token_hash(token),
            created_by_id=actor.id if actor else None,
            created_at=now,
            expires_at=now + (RESET_LIFETIME if resets else LIFETIME),
            resets=resets,
        )
    )
    audit.record(
        session,
        "password_reset_link_made" if resets else "password_link_made",
        actor=actor,
        subject=user,
        **({} if actor else {"on_server": True}),
    )
    return token


def make_reset_link(session: Session, *, user: User, actor: User | None) -> str | None:
    """A reset link for an active staff account; None for any other."""
    with writing(session):
        active, role = session.execute(select(User.active, User.role).where(User.id == user.id)).one()
        if not active or role not in STAFF_ROLES:
            return None
        return add_link(session, user=user, actor=actor, now=utcnow(), resets=True)


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
        select(PasswordLink, User)
        .join(User, User.id == PasswordLink.user_id)
        .where(PasswordLink.token_hash == token_hash(token))
    ).first()
    if row is None:
        return None
    link, user = row
    if link.used_at is not None or link.expires_at <= utcnow() or not user.active:
        return None
    if has_password(user) and not link.resets:
        return None
    return link, user


def _spend(session: Session, link: PasswordLink, now: datetime) -> None:
    """Inside the transaction: the link is used now, unless a twin request used it first or it expired."""
    if not change_if(
        session, PasswordLink, link.id, PasswordLink.used_at.is_(None), PasswordLink.expires_at > now, used_at=now
    ):
        raise _Spent


def set_password(
    session: Session, *, link: PasswordLink, user: User, password: str, ip: str = "", device: str = ""
) -> bool:
    """Use the link once: the account gets its password. False when a twin request used it first."""
    if link.resets:
        return _reset_password(session, link=link, user=user, password=password, ip=ip, device=device)
    new_hash = passwords.hash_secret(password)  # slow: before the transaction
    now = utcnow()
    try:
        with writing(session):
            _spend(session, link, now)
            # Wrong tries made against the account while it had no password do not keep it locked.
            if not change_if(
                session,
                User,
                user.id,
                User.secret_hash == NO_PASSWORD,
                User.active.is_(True),
                secret_hash=new_hash,
                failed_logins=0,
                lock_count=0,
                locked_until=None,
                unlock_by_staff=False,
            ):
                raise _Spent
            audit.record(
                session, "password_set", actor=user, subject=user, ip=ip, device=device, made_by=link.created_by_id
            )
    except _Spent:
        return False
    user.secret_hash = new_hash
    return True


def _reset_password(session: Session, *, link: PasswordLink, user: User, password: str, ip: str, device: str) -> bool:
    """The new password replaces the old; every sign-in of the account ends and its second factor goes."""
    new_hash = passwords.hash_secret(password)  # slow: before the transaction
    now = utcnow()
    try:
        with writing(session):
            _spend(session, link, now)
            if not change_if(
                session,
                User,
                user.id,
                User.active.is_(True),
                secret_hash=new_hash,
                failed_logins=0,
                lock_count=0,
                locked_until=None,
                unlock_by_staff=False,
            ):
                raise _Spent
            ended = session.execute(
                update(DeviceSession)
                .where(DeviceSession.user_id == user.id, DeviceSession.revoked_at.is_(None))
                .values(revoked_at=now)
            ).rowcount
            factors = signing_in.clear(session, user=user)
            audit.record(
                session,
                "password_reset",
                actor=user,
                subject=user,
                ip=ip,
                device=device,
                made_by=link.created_by_id,
                signed_out_devices=ended,
            )
            if factors:
                audit.record(
                    session,
                    "second_factor_cleared",
                    actor=user,
                    subject=user,
                    ip=ip,
                    device=device,
                    made_by=link.created_by_id,
                    removed=factors,
                )
    except _Spent:
        return False
    oplog.event("password.reset", user_id=user.id, made_by=link.created_by_id, second_factors_cleared=factors)
    user.secret_hash = new_hash
    return True
