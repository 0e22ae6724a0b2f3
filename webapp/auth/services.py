"""Accounts, sign-in with lockout, and the server-side record of each signed-in device."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, update
from sqlmodel import Session, select

from .. import audit, passwords
from ..db import writing
from ..models import AuditEvent, DeviceSession, Role, User, utcnow

FAILURES_BEFORE_LOCK = 5
# Each lock in a row lasts longer; after the last step only staff can unlock.
LOCK_STEPS = (timedelta(minutes=15), timedelta(hours=1), timedelta(hours=4))
ADDRESS_WINDOW = timedelta(minutes=15)
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class SignIn:
    user: User | None = None
    refused: str | None = None  # "invalid", "locked", "staff_unlock", "address"
    locked_until: datetime | None = None


def find_user(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username.strip().lower())).first()


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    role: Role,
    secret: str,
    locale: str = "da",
    advisor_id: int | None = None,
    actor: User | None = None,
) -> User:
    user = User(
        username=username.strip().lower(),
        display_name=display_name.strip(),
        role=role,
        locale=locale,
        secret_hash=passwords.hash_secret(secret),
        advisor_id=advisor_id,
    )
    with writing(session):
        session.add(user)
        session.flush()
        audit.record(session, "account_created", actor=actor, subject=user, role=str(role))
    return user


def lock_state(user: User, now: datetime) -> SignIn | None:
    if user.unlock_by_staff:
        return SignIn(refused="staff_unlock")
    if user.locked_until and user.locked_until > now:
        return SignIn(refused="locked", locked_until=user.locked_until)
    return None


def _address_is_flooding(session: Session, ip: str, now: datetime) -> bool:
    if not ip:
        return False
    count = session.exec(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "sign_in_failed",
            AuditEvent.ip == ip,
            AuditEvent.at > now - ADDRESS_WINDOW,
        )
    ).one()
    return count >= current_app.config["ADDRESS_FAILED_LOGIN_LIMIT"]


def sign_in(session: Session, *, username: str, secret: str, ip: str = "") -> SignIn:
    now = utcnow()
    if _address_is_flooding(session, ip, now):
        return SignIn(refused="address")
    user = find_user(session, username)
    if user is None or not user.active:
        passwords.burn_time(secret)
        with writing(session):
            audit.record(session, "sign_in_failed", ip=ip, username=username[:40])
        return SignIn(refused="invalid")
    if refusal := lock_state(user, now):
        return refusal
    # Hash outside the write transaction: a slow hash must not hold the database lock.
    if passwords.verify_secret(user.secret_hash, secret):
        return _record_success(session, user, ip)
    return _record_failure(session, user, ip, now)


def _record_success(session: Session, user: User, ip: str) -> SignIn:
    with writing(session):
        session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=0, lock_count=0, locked_until=None)
        )
        audit.record(session, "sign_in", actor=user, subject=user, ip=ip)
    session.refresh(user)
    return SignIn(user=user)


def _record_failure(session: Session, user: User, ip: str, now: datetime) -> SignIn:
    with writing(session):
        locked = session.exec(select(User).where(User.id == user.id).with_for_update()).one()
        audit.record(session, "sign_in_failed", subject=locked, ip=ip)
        if refusal := lock_state(locked, now):  # another request locked it meanwhile
            return refusal
        locked.failed_logins += 1
        if locked.failed_logins < FAILURES_BEFORE_LOCK:
            return SignIn(refused="invalid")
        locked.failed_logins = 0
        locked.lock_count += 1
        if locked.lock_count > len(LOCK_STEPS):
            locked.unlock_by_staff = True
        else:
            locked.locked_until = now + LOCK_STEPS[locked.lock_count - 1]
        audit.record(session, "account_locked", subject=locked, ip=ip, lock_count=locked.lock_count)
        return lock_state(locked, now)


def unlock(session: Session, *, actor: User, user: User) -> None:
    with writing(session):
        session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=0, lock_count=0, locked_until=None, unlock_by_staff=False)
        )
        audit.record(session, "account_unlocked", actor=actor, subject=user)


def is_locked(user: User) -> bool:
    return lock_state(user, utcnow()) is not None


# --- Device sessions -------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_device_session(session: Session, *, user: User, user_agent: str = "") -> str:
    cfg = current_app.config
    now = utcnow()
    if user.is_resident:
        lifetime, idle = cfg["RESIDENT_SESSION_LIFETIME"], None
    else:
        lifetime, idle = cfg["STAFF_SESSION_LIFETIME"], cfg["STAFF_IDLE_TIMEOUT"]
    token = secrets.token_urlsafe(32)
    record = DeviceSession(
        user_id=user.id,
        token_hash=_token_hash(token),
        user_agent=user_agent[:200],
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
        idle_seconds=int(idle.total_seconds()) if idle else None,
    )
    with writing(session):
        session.add(record)
        session.flush()
    user._device_token = token
    user._device_session_id = record.id
    return token


def _is_live(record: DeviceSession, now: datetime) -> bool:
    if record.revoked_at is not None or record.expires_at <= now:
        return False
    if record.idle_seconds and record.last_seen_at + timedelta(seconds=record.idle_seconds) <= now:
        return False
    return True


def user_for_token(session: Session, token: str, *, active_use: bool = True) -> User | None:
    """The signed-in user for a cookie's token, if that device's session is still live.

    Background polling passes active_use=False so it does not keep an idle staff session alive.
    """
    row = session.exec(
        select(DeviceSession, User)
        .join(User, User.id == DeviceSession.user_id)
        .where(DeviceSession.token_hash == _token_hash(token))
    ).first()
    if row is None:
        return None
    record, user = row
    now = utcnow()
    if not _is_live(record, now) or not user.active:
        return None
    if active_use and now - record.last_seen_at >= TOUCH_EVERY:
        with writing(session):
            session.execute(
                update(DeviceSession).where(DeviceSession.id == record.id).values(last_seen_at=now)
            )
    user._device_token = token
    user._device_session_id = record.id
    return user


def end_device_session(session: Session, *, user: User, session_id: int, actor: User | None = None) -> bool:
    with writing(session):
        result = session.execute(
            update(DeviceSession)
            .where(
                DeviceSession.id == session_id,
                DeviceSession.user_id == user.id,
                DeviceSession.revoked_at.is_(None),
            )
            .values(revoked_at=utcnow())
        )
        audit.record(session, "signed_out", actor=actor or user, subject=user, device_session=session_id)
    return result.rowcount > 0


def end_all_device_sessions(session: Session, *, user: User, actor: User) -> int:
    with writing(session):
        result = session.execute(
            update(DeviceSession)
            .where(DeviceSession.user_id == user.id, DeviceSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        audit.record(session, "signed_out_everywhere", actor=actor, subject=user)
    return result.rowcount


def live_devices(session: Session, *, user: User) -> list[DeviceSession]:
    now = utcnow()
    records = session.exec(
        select(DeviceSession)
        .where(
            DeviceSession.user_id == user.id,
            DeviceSession.revoked_at.is_(None),
            DeviceSession.expires_at > now,
        )
        .order_by(DeviceSession.last_seen_at.desc())
    ).all()
    return [record for record in records if _is_live(record, now)]


def set_locale(session: Session, *, user: User, locale: str) -> None:
    with writing(session):
        session.execute(update(User).where(User.id == user.id).values(locale=locale))
    user.locale = locale


def change_secret(session: Session, *, user: User, new_secret: str) -> None:
    new_hash = passwords.hash_secret(new_secret)
    with writing(session):
        session.execute(update(User).where(User.id == user.id).values(secret_hash=new_hash))
        audit.record(session, "secret_changed", actor=user, subject=user)
    user.secret_hash = new_hash
