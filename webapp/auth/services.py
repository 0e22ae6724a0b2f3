"""Accounts, and sign-in with lockout (the record of each signed-in device is in device_sessions.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, update
from sqlmodel import Session, select

from .. import audit, passwords
from ..db import writing
from ..models import AuditEvent, DeviceSession, Role, User, utcnow

FAILURES_BEFORE_LOCK = 5
# Each lock in a row lasts longer; after the last step only staff can unlock.
LOCK_STEPS = (timedelta(minutes=15), timedelta(hours=1), timedelta(hours=4))
ADDRESS_WINDOW = timedelta(minutes=15)


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
