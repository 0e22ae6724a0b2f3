"""The server-side record of each signed-in device: started at sign-in, checked on every request,
ended by signing out (one device or all of them)."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import update
from sqlmodel import Session, select

from .. import audit
from ..db import writing
from ..devices import kind_of
from ..models import DeviceSession, TrustedDevice, User, utcnow
from .pairing import TABLET

TOUCH_EVERY = timedelta(seconds=60)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_limits(user: User, trusted: TrustedDevice | None) -> tuple[timedelta, timedelta | None]:
    """How long a sign-in lives, and after how long without use it ends."""
    cfg = current_app.config
    if user.is_resident and trusted is not None and trusted.kind == TABLET:
        # The browser counts down the shared tablet's idle time; the server ends it a little
        # later, so a tap on "I'm still here" in the last seconds is never too late.
        return cfg["TABLET_SESSION_LIFETIME"], cfg["TABLET_IDLE_TIMEOUT"] + cfg["TABLET_IDLE_GRACE"]
    if user.is_resident:
        return cfg["RESIDENT_SESSION_LIFETIME"], None
    return cfg["STAFF_SESSION_LIFETIME"], cfg["STAFF_IDLE_TIMEOUT"]


def start_device_session(session: Session, *, user: User, user_agent: str = "",
                         trusted: TrustedDevice | None = None) -> str:
    now = utcnow()
    lifetime, idle = session_limits(user, trusted)
    token = secrets.token_urlsafe(32)
    record = DeviceSession(
        user_id=user.id,
        token_hash=_token_hash(token),
        user_agent=user_agent[:200],
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
        idle_seconds=int(idle.total_seconds()) if idle else None,
        trusted_device_id=trusted.id if trusted else None,
    )
    with writing(session):
        session.add(record)
        session.flush()
    _remember_session(user, token, record)
    return token


def _remember_session(user: User, token: str, record: DeviceSession) -> None:
    user._device_token = token
    user._device_session_id = record.id
    user._shared_device = user.is_resident and record.idle_seconds is not None


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
    row = _device_session_of(session, token)
    if row is None:
        return None
    record, user = row
    now = utcnow()
    if not _is_live(record, now) or not user.active:
        return None
    if active_use and now - record.last_seen_at >= _touch_every(record):
        with writing(session):
            session.execute(
                update(DeviceSession).where(DeviceSession.id == record.id).values(last_seen_at=now)
            )
    _remember_session(user, token, record)
    return user


def _device_session_of(session: Session, token: str) -> tuple[DeviceSession, User] | None:
    return session.exec(
        select(DeviceSession, User)
        .join(User, User.id == DeviceSession.user_id)
        .where(DeviceSession.token_hash == _token_hash(token))
    ).first()


def lapsed_staff(session: Session, token: str) -> User | None:
    """The staff member whose session on this browser ended by itself (idle or too old) — not one
    who signed out or was signed out — so what they were sending can be kept for them."""
    row = _device_session_of(session, token)
    if row is None:
        return None
    record, user = row
    if record.revoked_at is not None or not user.active or not user.is_staff or _is_live(record, utcnow()):
        return None
    return user


def staff_token(session: Session, token: str) -> bool:
    """Whether a session cookie's token is, or was, a staff member's sign-in."""
    row = _device_session_of(session, token)
    return row is not None and row[1].is_staff


def _touch_every(record: DeviceSession) -> timedelta:
    """Note use at most once a minute, but often enough for a short idle timeout to be fair."""
    if record.idle_seconds:
        return min(TOUCH_EVERY, timedelta(seconds=record.idle_seconds / 12))
    return TOUCH_EVERY


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
        if result.rowcount:
            audit.record(session, "signed_out", actor=actor or user, subject=user, device_session=session_id)
    return result.rowcount > 0


def end_all_device_sessions(session: Session, *, user: User, actor: User) -> int:
    with writing(session):
        result = session.execute(
            update(DeviceSession)
            .where(DeviceSession.user_id == user.id, DeviceSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
        if result.rowcount:
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


@dataclass(frozen=True)
class SignInSeen:
    at: datetime
    device: str  # the kind of device, e.g. "android_phone"; see devices.py
    on_tablet: bool


def sign_ins_of(session: Session, *, user: User, days: int = 90) -> list[SignInSeen]:
    """Every sign-in of the last `days`, newest first: each one started a device session."""
    found = session.execute(
        select(DeviceSession.created_at, DeviceSession.user_agent, TrustedDevice.kind)
        .outerjoin(TrustedDevice, TrustedDevice.id == DeviceSession.trusted_device_id)
        .where(DeviceSession.user_id == user.id, DeviceSession.created_at >= utcnow() - timedelta(days=days))
        .order_by(DeviceSession.id.desc())
    ).all()
    return [SignInSeen(at, kind_of(agent), kind == TABLET) for at, agent, kind in found]
