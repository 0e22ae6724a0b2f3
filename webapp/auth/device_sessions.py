"""The server-side record of each signed-in device: started at sign-in, checked on every request,
ended by signing out (one device or all of them)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import Session, select

from .. import audit
from ..db import attach, writing
from ..devices import kind_of
from ..models import AuditEvent, DeviceSession, TrustedDevice, User, utcnow
from . import tablet
from .pairing import TABLET

TOUCH_EVERY = timedelta(seconds=60)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_limits(user: User, trusted: TrustedDevice | None) -> tuple[timedelta, timedelta | None]:
    """How long a sign-in lives, and after how long without use it ends."""
    cfg = current_app.config
    if tablet.signs_in_on_tablet(user, trusted):
        return tablet.limits(cfg)
    if user.is_resident:
        return cfg["RESIDENT_SESSION_LIFETIME"], None
    return cfg["STAFF_SESSION_LIFETIME"], cfg["STAFF_IDLE_TIMEOUT"]


# A staff sign-in waiting for its second factor ends after this, whatever its role's lifetime.
HALF_SIGNED_IN_LIFETIME = timedelta(minutes=15)


def start_device_session(
    session: Session,
    *,
    user: User,
    user_agent: str = "",
    trusted: TrustedDevice | None = None,
    half_signed_in: bool = False,
    replaces: int | None = None,
) -> str:
    """`half_signed_in`: a staff password sign-in whose second factor is still to come. `replaces`: the
    half one this sign-in completes, ended in the same transaction, so the completed sign-in has a token
    of its own (the session id is rotated)."""
    now = utcnow()
    lifetime, idle = session_limits(user, trusted)
    token = secrets.token_urlsafe(32)
    record = DeviceSession(
        user_id=user.id,
        token_hash=token_hash(token),
        user_agent=user_agent[:200],
        created_at=now,
        last_seen_at=now,
        expires_at=now + (min(lifetime, HALF_SIGNED_IN_LIFETIME) if half_signed_in else lifetime),
        idle_seconds=int(idle.total_seconds()) if idle else None,
        trusted_device_id=trusted.id if trusted else None,
        second_factor_at=now if replaces is not None else None,
    )
    with writing(session):
        if (
            replaces is not None
            and not session.execute(
                update(DeviceSession)
                .where(
                    DeviceSession.id == replaces, DeviceSession.user_id == user.id, DeviceSession.revoked_at.is_(None)
                )
                .values(revoked_at=now)
            ).rowcount
        ):
            raise LookupError("the half sign-in ended meanwhile")
        session.add(record)
        session.flush()
    _remember_session(user, token, record)
    return token


def _remember_session(user: User, token: str, record: DeviceSession | SignIn) -> None:
    user._device_token = token
    user._device_session_id = record.id
    user._shared_device = tablet.is_tablet_sign_in(user, record.idle_seconds)
    user._second_factor_at = record.second_factor_at


class SignIn(NamedTuple):
    """What a request needs of its device session (the columns of SIGN_IN, by the same names)."""

    id: int
    user_id: int
    last_seen_at: datetime
    expires_at: datetime
    idle_seconds: int | None
    revoked_at: datetime | None
    second_factor_at: datetime | None


# Core columns: the rows are read without the ORM's loading.
SIGN_IN = tuple(DeviceSession.__table__.c[name] for name in SignIn._fields)
_USER = tuple(User.__table__.columns)
_USER_NAMES = tuple(column.name for column in _USER)


def is_live(record: DeviceSession | SignIn, now: datetime) -> bool:
    if record.revoked_at is not None or record.expires_at <= now:
        return False
    return not (record.idle_seconds and record.last_seen_at + timedelta(seconds=record.idle_seconds) <= now)


def signed_in(record: SignIn, user: User, token: str, now: datetime) -> User | None:
    """The person of a live sign-in with an open account, carrying what the request needs of the sign-in."""
    if not is_live(record, now) or not user.active:
        return None
    _remember_session(user, token, record)
    return user


def user_for_token(session: Session, token: str, *, active_use: bool = True) -> User | None:
    """The signed-in user for a cookie's token, if that device's session is still live.

    Background polling passes active_use=False so it does not keep an idle staff session alive.
    """
    row = _device_session_of(session, _by_token(token))
    if row is None:
        return None
    record, user = row
    now = utcnow()
    if signed_in(record, user, token, now) is None:
        return None
    if active_use and now - record.last_seen_at >= _touch_every(record):
        with writing(session):
            session.execute(update(DeviceSession).where(DeviceSession.id == record.id).values(last_seen_at=now))
    return user


def _signed_in_as():
    """The device sessions with their people's whole rows (SIGN_IN, then every column of users)."""
    return sa_select(*SIGN_IN, *_USER).join_from(DeviceSession.__table__, User.__table__)


def _by_token(token: str):
    return DeviceSession.__table__.c.token_hash == token_hash(token)


def _device_session_of(session: Session, which) -> tuple[SignIn, User] | None:
    """One row: the device session and its person's whole row, who becomes the session's own `User` with no
    query of the ORM's (db.attach)."""
    row = session.connection().execute(_signed_in_as().where(which)).first()
    if row is None:
        return None
    return SignIn(*row[: len(SIGN_IN)]), attach(session, User, _USER_NAMES, row[len(SIGN_IN) :])


@dataclass(frozen=True)
class Ended:
    writer: User
    signed_out: bool  # by "Sign out"; otherwise it ended by itself


def writer_after_end(
    session: Session,
    *,
    token: str | None = None,
    device_session_id: int | None = None,
    signed_out_within: timedelta | None = None,
) -> Ended | None:
    """The person whose sign-in (by its cookie's token, or by its id) ended in a way that lets the words
    they were writing be kept for them: by itself (idle, or too old), or — given `signed_out_within` — by
    signing out on that same browser that long ago at most (from another tab, say).

    Never a sign-in ended from elsewhere (a phone removed, a device signed out from the account page, "sign
    out everywhere"): whoever holds that device now must not put words in the person's message box. Never
    on the community-house tablet either: the next person may already be at it.
    """
    if token is not None:
        row = _device_session_of(session, _by_token(token))
    elif device_session_id is not None:
        row = _device_session_of(session, DeviceSession.__table__.c.id == device_session_id)
    else:
        row = None
    if row is None:
        return None
    record, user = row
    now = utcnow()
    if not user.active or is_live(record, now) or tablet.is_tablet_sign_in(user, record.idle_seconds):
        return None
    if record.revoked_at is None:
        return Ended(user, signed_out=False)
    if signed_out_within is None or record.revoked_at < now - signed_out_within:
        return None
    return Ended(user, signed_out=True) if _signed_out_on_that_device(session, record) else None


def _signed_out_on_that_device(session: Session, record: SignIn) -> bool:
    """Whether the sign-in ended with "Sign out" on its own browser (see `end_device_session`)."""
    details = session.exec(
        select(AuditEvent.detail).where(
            AuditEvent.subject_id == record.user_id,
            AuditEvent.action == "signed_out",
            AuditEvent.at >= record.revoked_at,
        )
    ).all()
    return any(
        (detail or {}).get("device_session") == record.id and (detail or {}).get("on_that_device") for detail in details
    )


def staff_token(session: Session, token: str) -> bool:
    """Whether a session cookie's token is, or was, a staff member's sign-in."""
    row = _device_session_of(session, _by_token(token))
    return row is not None and row[1].is_staff


def _touch_every(record: SignIn) -> timedelta:
    """Note use at most once a minute, but often enough for a short idle timeout to be fair."""
    if record.idle_seconds:
        return min(TOUCH_EVERY, timedelta(seconds=record.idle_seconds / 12))
    return TOUCH_EVERY


def end_device_session(
    session: Session, *, user: User, session_id: int, actor: User | None = None, on_that_device: bool = False
) -> bool:
    """`on_that_device`: the person signed out on the browser of this sign-in, not from another device."""
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
            audit.record(
                session,
                "signed_out",
                actor=actor or user,
                subject=user,
                device_session=session_id,
                **({"on_that_device": True} if on_that_device else {}),
            )
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
    return [record for record in records if is_live(record, now)]


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
