"""Accounts, and sign-in with its limits on wrong tries (the record of each signed-in device is in
device_sessions.py).

The limits differ by who signs in, because what they protect differs:

* A resident's PIN has 4 to 8 digits. It is checked only on the resident's paired phone or on a
  registered community-house tablet, and 5 wrong ones lock the account: for 15 minutes, then 1 hour,
  then 4 hours, then until staff open it.
* A staff password is long, and a lock on it would let anyone shut the advisors out for a night. So a
  staff account is slowed, never locked: after 5 wrong tries in a row each further try waits 1 s, 2 s,
  4 s … at most 15 minutes, and the right password after the wait signs in. The wait holds back the
  addresses wrong tries come from: from an address without any for 15 minutes, the owner is let
  through at once (a few times per account, so that many addresses do not add up to many guesses).

Where a username is typed (the staff form, the tablet), an unknown name, a wrong secret and an account
that is locked or waiting get the same answer after the same work: one argon2 check (of a dummy hash
when there is no real one to check), the same statements, and one audit row that counts against the
address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import and_, case, func, literal, null, or_, update
from sqlmodel import Session, select

from .. import audit, passwords
from ..db import writing
from ..models import STAFF_ROLES, AuditEvent, DeviceSession, Role, User, UTCDateTime, utcnow
from .signin_events import refused, told

FAILURES_BEFORE_LOCK = 5
# Each lock of a resident in a row lasts longer; after the last step only staff can unlock.
LOCK_STEPS = (timedelta(minutes=15), timedelta(hours=1), timedelta(hours=4))
FAILURES_BEFORE_WAIT = 5
LONGEST_WAIT = timedelta(minutes=15)
# How many tries a waiting staff account lets through, from addresses without wrong tries, until its
# next sign-in; counted in lock_count, which staff accounts use for nothing else.
TRIES_LET_THROUGH = 10
ADDRESS_WINDOW = timedelta(minutes=15)


class Refusal(StrEnum):
    """Why a try was refused, as the operators' log and metrics name it. Where a name is typed, the page
    tells only INVALID and ADDRESS apart; the others are known where the device names the account."""

    INVALID = "invalid"
    ADDRESS = "address"  # too many wrong tries from this address lately
    LOCKED = "locked"  # a resident's lock for a while: until locked_until
    STAFF_UNLOCK = "staff_unlock"  # a resident's lock that only staff open
    BUSY = "busy"  # a resident's last free tries are being checked right now
    WAITING = "waiting"  # a staff account's wait after wrong tries


@dataclass(frozen=True)
class SignIn:
    user: User | None = None
    refused: Refusal | None = None
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


def staff_wait(failures: int) -> timedelta | None:
    """How long a staff account waits for its next try after this many wrong ones in a row."""
    if failures < FAILURES_BEFORE_WAIT:
        return None
    doublings = min(failures - FAILURES_BEFORE_WAIT, 20)  # 2**20 s is far past the longest wait
    return min(timedelta(seconds=2**doublings), LONGEST_WAIT)


def _failures_from(session: Session, ip: str, now: datetime) -> int:
    """Refused tries from this address lately, whatever name they typed."""
    return session.exec(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "sign_in_failed",
            AuditEvent.ip == ip,
            AuditEvent.at > now - ADDRESS_WINDOW,
        )
    ).one()


def sign_in(
    session: Session,
    *,
    username: str,
    secret: str,
    staff: bool,
    trusted_device: bool = False,
    ip: str = "",
    device: str = "",
) -> SignIn:
    """Staff, or a resident on a community-house tablet: username and secret.

    Every refusal is "invalid" (or "address"), so the page never tells a name with an account from one
    without. A registered tablet (`trusted_device`) is not held back by its address's count of wrong
    tries: every tablet in a community house shares that address.
    """
    name = username.strip().lower()
    roles = STAFF_ROLES if staff else (Role.RESIDENT,)
    user = find_user(session, name)
    # Read after the account: a try that saw another's count also sees that try's audit row.
    failures_here = _failures_from(session, ip, utcnow())
    if ip and not trusted_device and failures_here >= current_app.config["ADDRESS_FAILED_LOGIN_LIMIT"]:
        return refused(SignIn(refused=Refusal.ADDRESS))
    if user is not None and (not user.active or user.role not in roles):
        user = None  # a resident's name on the staff form, or the other way round, is no account here
    who = and_(User.username == name, User.active.is_(True), User.role.in_(roles))
    return _attempt(
        session,
        user=user,
        who=who,
        secret=secret,
        staff=staff,
        reveal=False,
        ip=ip,
        device=device,
        action="sign_in",
        username=name,
        quiet_address=failures_here == 0,
    )


def sign_in_resident(session: Session, *, resident: User, pin: str, ip: str = "", device: str = "") -> SignIn:
    """A resident on their paired phone: the phone names them, the PIN unlocks it.

    The address's count of wrong tries does not apply: only a paired phone gets here, the account's own
    lock bounds the guesses, and a right PIN is never refused for what others did behind that address.
    """
    if not resident.active:
        return refused(SignIn(refused=Refusal.INVALID), user=resident, reason="inactive")
    return check_secret(session, user=resident, secret=pin, ip=ip, device=device)


def check_secret(
    session: Session, *, user: User, secret: str, ip: str = "", device: str = "", action: str = "sign_in"
) -> SignIn:
    """The secret of an account the device already names (a paired phone, the account page); a refusal
    says why."""
    quiet_address = user.is_staff and _failures_from(session, ip, utcnow()) == 0
    return _attempt(
        session,
        user=user,
        who=User.id == user.id,
        secret=secret,
        staff=user.is_staff,
        reveal=True,
        ip=ip,
        device=device,
        action=action,
        quiet_address=quiet_address,
    )


@told
def _attempt(
    session: Session,
    *,
    user: User | None,
    who,
    secret: str,
    staff: bool,
    reveal: bool,
    ip: str,
    device: str,
    action: str,
    username: str = "",
    quiet_address: bool = False,
) -> SignIn:
    """Take a try, check the secret, then record the outcome.

    The try is taken with one conditional UPDATE before the slow hash, so parallel requests cannot all
    read the same count: at most FAILURES_BEFORE_LOCK wrong PINs are ever checked before a resident's
    account locks, and a staff account's wait begins as its fifth try is taken. The same transaction
    writes the try's audit row, as a wrong one until the check says otherwise: it counts against the
    address at once, and a parallel try from the same address sees it. Where a name is typed, a try the
    account was not ready for (locked, waiting) leaves a row too, as any try does; a paired phone and
    the account page, which name the account anyway, record only the tries they check.

    `who` names the row; for a name without an account it matches none, and every statement still runs.
    `quiet_address`: no wrong tries came from this address lately, so a staff account's wait lets it
    through.
    """
    now = utcnow()
    with writing(session):
        stored_hash = _take_try(
            session, who, now, staff=staff, let_through=quiet_address, seen=user.failed_logins if user else 0
        )
        attempt = None
        if stored_hash is not None or not reveal:
            attempt = _record_try(
                session, user, took_try=stored_hash is not None, ip=ip, device=device, action=action, username=username
            )
    if stored_hash is None and reveal:
        return _refusal_now(session, user, now, staff=staff)
    # One argon2 check on every path: the account's hash, or a dummy one for a name without an
    # account or an account that may not try now, so each answer takes as long.
    right = passwords.verify_secret(stored_hash or passwords.dummy_hash(), secret)
    if right and stored_hash is not None:
        return _record_success(session, user, attempt, now, staff=staff, action=action)
    locked = (
        False
        if staff
        else _lock_if_due(session, user, who, now, took_try=stored_hash is not None, ip=ip, device=device)
    )
    if reveal and locked:
        return _refusal_now(session, user, now, staff=staff)
    return SignIn(refused=Refusal.INVALID)


def _not_locked(now: datetime):
    return and_(User.unlock_by_staff.is_(False), or_(User.locked_until.is_(None), User.locked_until <= now))


def _take_try(session: Session, who, now: datetime, *, staff: bool, let_through: bool, seen: int) -> str | None:
    """Count the try and return the hash to check, or None when no try may be taken now."""
    if staff:
        # A staff account is never locked, so a flag left by an earlier version does not hold it back.
        ready = or_(User.locked_until.is_(None), User.locked_until <= now)
        may_try = or_(
            ready, and_(literal(let_through), User.lock_count < TRIES_LET_THROUGH, User.failed_logins == seen)
        )  # parallel tries let through read the same count
        values = {
            "failed_logins": User.failed_logins + 1,
            "locked_until": _wait_from(now),
            "lock_count": case((ready, User.lock_count), else_=User.lock_count + 1),
        }
    else:
        may_try = and_(_not_locked(now), User.failed_logins < FAILURES_BEFORE_LOCK)
        values = {"failed_logins": User.failed_logins + 1}
    return session.execute(
        update(User)
        .where(who, may_try)
        .values(**values)
        .returning(User.secret_hash)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()


def _wait_from(now: datetime):
    """A staff account's wait, set as its try is taken, as if the try were wrong (a right password clears
    it): from the fifth try in a row on, the next one waits, and parallel tries cannot slip in together."""
    tries = User.failed_logins + 1
    steps, failures = [], FAILURES_BEFORE_WAIT
    while (wait := staff_wait(failures)) < LONGEST_WAIT:
        steps.append((tries == failures, literal(now + wait, UTCDateTime())))
        failures += 1
    return case((tries < FAILURES_BEFORE_WAIT, null()), *steps, else_=literal(now + LONGEST_WAIT, UTCDateTime()))


def _record_try(
    session: Session, user: User | None, *, took_try: bool, ip: str, device: str, action: str, username: str
) -> AuditEvent:
    """The try's audit row, as a wrong one. A try not taken (the account was locked or waiting) is marked
    unchecked; a name without an account keeps the name typed."""
    detail = {"username": username[:40]} if user is None else ({} if took_try else {"unchecked": True})
    attempt = AuditEvent(
        action=f"{action}_failed",
        subject_id=user.id if user else None,
        ip=ip or "",
        device=device or "",
        detail=detail or None,
    )
    session.add(attempt)
    return attempt


def _refusal_now(session: Session, user: User, now: datetime, *, staff: bool) -> SignIn:
    locked_until, staff_only = session.execute(
        select(User.locked_until, User.unlock_by_staff).where(User.id == user.id)
    ).one()
    if staff:
        return SignIn(refused=Refusal.WAITING, locked_until=locked_until)
    if staff_only:
        return SignIn(refused=Refusal.STAFF_UNLOCK)
    if locked_until and locked_until > now:
        return SignIn(refused=Refusal.LOCKED, locked_until=locked_until)
    return SignIn(refused=Refusal.BUSY)  # the last free tries are being checked right now


def _record_success(
    session: Session, user: User, attempt: AuditEvent, now: datetime, *, staff: bool, action: str
) -> SignIn:
    # A resident's lock that came in meanwhile (parallel wrong PINs) holds even against the right PIN,
    # and the try stays a refused one, marked so; a staff member's right password ends any wait, unless
    # a second factor is still to come: then the password's try stays counted until the second factor
    # is right, so that signing in again does not clear the count of wrong codes.
    still_open = () if staff else (_not_locked(now),)
    clears = {"failed_logins": 0, "lock_count": 0, "locked_until": None, "unlock_by_staff": False}
    if staff and action == "sign_in" and current_app.config["STAFF_SECOND_FACTOR"]:
        clears = {}
    with writing(session):
        reset = session.execute(
            update(User).where(User.id == user.id, *still_open).values(**clears, last_sign_in_at=now)
        )
        outcome = {"action": action, "actor_id": user.id} if reset.rowcount == 1 else {"detail": {"locked": True}}
        session.execute(
            update(AuditEvent)
            .where(AuditEvent.id == attempt.id)
            .values(**outcome)
            .execution_options(synchronize_session=False)
        )
    if reset.rowcount != 1:
        return _refusal_now(session, user, now, staff=staff)
    session.refresh(user)
    return SignIn(user=user)


@told
def check_second_factor(session: Session, *, user: User, verify, factor: str, ip: str = "", device: str = "") -> SignIn:
    """A staff member's second factor after their password, counted as a password try is: a wrong code is a
    wrong try ("sign_in_failed", which also counts against the address), and waits as one does. `verify`
    checks the code or passkey, and uses it up; it runs only when a try may be taken."""
    now = utcnow()
    quiet_address = _failures_from(session, ip, now) == 0
    with writing(session):
        taken = (
            _take_try(session, User.id == user.id, now, staff=True, let_through=quiet_address, seen=user.failed_logins)
            is not None
        )
        attempt = AuditEvent(
            action="sign_in_failed",
            subject_id=user.id,
            ip=ip or "",
            device=device or "",
            detail={"factor": factor} if taken else {"factor": factor, "unchecked": True},
        )
        session.add(attempt)
    if not taken:
        return _refusal_now(session, user, now, staff=True)
    if not verify():
        return SignIn(refused=Refusal.INVALID)
    return _record_success(session, user, attempt, now, staff=True, action="second_factor")


def _lock_if_due(
    session: Session, user: User | None, who, now: datetime, *, took_try: bool, ip: str, device: str
) -> bool:
    """Lock a resident's account at the fifth wrong PIN in a row; True if it locked. A try that was not
    taken locks nothing, and for a name without an account the same UPDATE matches no row."""
    with writing(session):
        locked = session.execute(
            update(User)
            .where(who, literal(took_try), _not_locked(now), User.failed_logins >= FAILURES_BEFORE_LOCK)
            .values(failed_logins=0, lock_count=User.lock_count + 1)
            .returning(User.id, User.lock_count)
            .execution_options(synchronize_session=False)
        ).first()
        if locked is None:
            return False
        user_id, lock_count = locked
        if lock_count > len(LOCK_STEPS):
            values = {"unlock_by_staff": True}
        else:
            values = {"locked_until": now + LOCK_STEPS[lock_count - 1]}
        session.execute(update(User).where(User.id == user_id).values(**values))
        audit.record(session, "account_locked", subject=user, ip=ip, device=device, lock_count=lock_count)
    return True


def unlock(session: Session, *, actor: User, user: User) -> None:
    with writing(session):
        opened = session.execute(
            update(User)
            .where(
                User.id == user.id,
                or_(
                    User.failed_logins > 0,
                    User.lock_count > 0,
                    User.locked_until.is_not(None),
                    User.unlock_by_staff.is_(True),
                ),
            )
            .values(failed_logins=0, lock_count=0, locked_until=None, unlock_by_staff=False)
        )
        if opened.rowcount:  # a second tap, or an account that was not locked, changes nothing
            audit.record(session, "account_unlocked", actor=actor, subject=user)


def is_locked(user: User) -> bool:
    """Locked or waiting after wrong tries, as the coordinator's overview shows it."""
    return user.unlock_by_staff or (user.locked_until is not None and user.locked_until > utcnow())


def set_locale(session: Session, *, user: User, locale: str) -> None:
    with writing(session):
        session.execute(update(User).where(User.id == user.id).values(locale=locale))


def change_secret(
    session: Session,
    *,
    user: User,
    new_secret: str,
    actor: User | None = None,
    keep_device_session: int | None = None,
    device: str = "",
    action: str = "secret_changed",
) -> int:
    """Set a new PIN or password and sign out every other device of the account."""
    new_hash = passwords.hash_secret(new_secret)
    now = utcnow()
    with writing(session):
        session.execute(update(User).where(User.id == user.id).values(secret_hash=new_hash))
        others = session.execute(
            update(DeviceSession)
            .where(
                DeviceSession.user_id == user.id,
                DeviceSession.revoked_at.is_(None),
                DeviceSession.id != (keep_device_session or 0),
            )
            .values(revoked_at=now)
        )
        audit.record(
            session, action, actor=actor or user, subject=user, device=device, signed_out_devices=others.rowcount
        )
    return others.rowcount
