"""Accounts, sign-in with lockout, and the server-side record of each signed-in device."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, update
from sqlmodel import Session, select

from .. import audit, passwords
from ..db import writing
from ..models import AuditEvent, DeviceSession, Role, TrustedDevice, User, utcnow
from .pairing import TABLET

FAILURES_BEFORE_LOCK = 5
# Each lock in a row lasts longer; after the last step only staff can unlock.
LOCK_STEPS = (timedelta(minutes=15), timedelta(hours=1), timedelta(hours=4))
ADDRESS_WINDOW = timedelta(minutes=15)
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class SignIn:
    user: User | None = None
    refused: str | None = None  # "invalid", "locked", "staff_unlock", "address", "busy"
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


def sign_in(session: Session, *, username: str, secret: str, ip: str = "", device: str = "",
            staff: bool) -> SignIn:
    """Staff, or a resident on a community-house tablet: username and secret."""
    now = utcnow()
    if _address_is_flooding(session, ip, now):
        return SignIn(refused="address")
    user = find_user(session, username)
    if user is None or not user.active or user.is_staff != staff:
        passwords.burn_time(secret)
        with writing(session):
            audit.record(session, "sign_in_failed", ip=ip, device=device, username=username[:40])
        return SignIn(refused="invalid")
    return check_secret(session, user=user, secret=secret, ip=ip, device=device)


def sign_in_resident(session: Session, *, resident: User, pin: str, ip: str = "", device: str = "") -> SignIn:
    """A resident on their paired phone: the phone names them, the PIN unlocks it."""
    if _address_is_flooding(session, ip, utcnow()):
        return SignIn(refused="address")
    if not resident.active:
        passwords.burn_time(pin)
        return SignIn(refused="invalid")
    return check_secret(session, user=resident, secret=pin, ip=ip, device=device)


def check_secret(session: Session, *, user: User, secret: str, ip: str = "", device: str = "",
                 action: str = "sign_in") -> SignIn:
    """Take a try, check the secret, then record the outcome.

    The try is taken with one conditional UPDATE before the slow hash, so parallel requests
    cannot all read the same count: at most FAILURES_BEFORE_LOCK wrong secrets are ever
    checked before the account locks. A success resets the count only if no lock came
    in meanwhile.
    """
    now = utcnow()
    if not _take_try(session, user, now):
        return _refusal_now(session, user, now)
    if passwords.verify_secret(_current_hash(session, user), secret):
        return _record_success(session, user, ip, device, now, action)
    return _record_failure(session, user, ip, device, now, action)


def _not_locked(now: datetime):
    return and_(User.unlock_by_staff.is_(False), or_(User.locked_until.is_(None), User.locked_until <= now))


def _take_try(session: Session, user: User, now: datetime) -> bool:
    with writing(session):
        taken = session.execute(
            update(User)
            .where(User.id == user.id, _not_locked(now), User.failed_logins < FAILURES_BEFORE_LOCK)
            .values(failed_logins=User.failed_logins + 1)
        )
    return taken.rowcount == 1


def _current_hash(session: Session, user: User) -> str:
    # A column select reads the row as it is now, not the copy this session may hold.
    return session.exec(select(User.secret_hash).where(User.id == user.id)).one()


def _refusal_now(session: Session, user: User, now: datetime) -> SignIn:
    locked_until, staff_only = session.execute(
        select(User.locked_until, User.unlock_by_staff).where(User.id == user.id)
    ).one()
    if staff_only:
        return SignIn(refused="staff_unlock")
    if locked_until and locked_until > now:
        return SignIn(refused="locked", locked_until=locked_until)
    return SignIn(refused="busy")  # the last free tries are being checked right now


def _record_success(session: Session, user: User, ip: str, device: str, now: datetime, action: str) -> SignIn:
    with writing(session):
        reset = session.execute(
            update(User).where(User.id == user.id, _not_locked(now))
            .values(failed_logins=0, lock_count=0, locked_until=None)
        )
        if reset.rowcount == 1:
            audit.record(session, action, actor=user, subject=user, ip=ip, device=device)
    if reset.rowcount != 1:
        return _refusal_now(session, user, now)
    session.refresh(user)
    return SignIn(user=user)


def _record_failure(session: Session, user: User, ip: str, device: str, now: datetime, action: str) -> SignIn:
    with writing(session):
        audit.record(session, f"{action}_failed", subject=user, ip=ip, device=device)
        locked = session.execute(
            update(User)
            .where(User.id == user.id, _not_locked(now), User.failed_logins >= FAILURES_BEFORE_LOCK)
            .values(failed_logins=0, lock_count=User.lock_count + 1)
            .returning(User.lock_count)
        ).first()
        if locked is None:
            return SignIn(refused="invalid")
        lock_count = locked[0]
        if lock_count > len(LOCK_STEPS):
            values = {"unlock_by_staff": True}
        else:
            values = {"locked_until": now + LOCK_STEPS[lock_count - 1]}
        session.execute(update(User).where(User.id == user.id).values(**values))
        audit.record(session, "account_locked", subject=user, ip=ip, device=device, lock_count=lock_count)
    return _refusal_now(session, user, now)


def unlock(session: Session, *, actor: User, user: User) -> None:
    with writing(session):
        opened = session.execute(
            update(User)
            .where(User.id == user.id, or_(User.failed_logins > 0, User.lock_count > 0, User.locked_until.is_not(None),
                                           User.unlock_by_staff.is_(True)))
            .values(failed_logins=0, lock_count=0, locked_until=None, unlock_by_staff=False)
        )
        if opened.rowcount:  # a second tap, or an account that was not locked, changes nothing
            audit.record(session, "account_unlocked", actor=actor, subject=user)


def is_locked(user: User) -> bool:
    return lock_state(user, utcnow()) is not None


# --- Device sessions -------------------------------------------------------


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


def set_locale(session: Session, *, user: User, locale: str) -> None:
    with writing(session):
        session.execute(update(User).where(User.id == user.id).values(locale=locale))
    user.locale = locale


def change_secret(session: Session, *, user: User, new_secret: str, actor: User | None = None,
                  keep_device_session: int | None = None, device: str = "", action: str = "secret_changed") -> int:
    """Set a new PIN or password and sign out every other device of the account."""
    new_hash = passwords.hash_secret(new_secret)
    now = utcnow()
    with writing(session):
        session.execute(update(User).where(User.id == user.id).values(secret_hash=new_hash))
        others = session.execute(
            update(DeviceSession)
            .where(DeviceSession.user_id == user.id, DeviceSession.revoked_at.is_(None),
                   DeviceSession.id != (keep_device_session or 0))
            .values(revoked_at=now)
        )
        audit.record(session, action, actor=actor or user, subject=user, device=device,
                     signed_out_devices=others.rowcount)
    user.secret_hash = new_hash
    return others.rowcount
