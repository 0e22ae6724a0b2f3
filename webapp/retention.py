"""How long things are kept, and the run that keeps nothing longer (`flask --app webapp retention run`).

The periods are in config.py, and the consent text promises them:

* a resident is erased when their erase date has come (they asked to stop, or the coordinator set
  it), or after ERASE_WHEN_AWAY without activity: neither an account creation, a sign-in nor an entry
  in their timeline (by them or their advisor). Their advisor sees the date from ERASE_WARNING before;
* addresses in the audit log are cleared after AUDIT_ADDRESS_KEPT;
* audit events about erased residents, and sign-in events, are deleted after AUDIT_EVENTS_KEPT; the
  line that says a resident was erased stays. A signed-in browser's record (when, and its browser
  string) goes once its session ended that long ago;
* unfinished sign-ups are deleted when they expire (SIGNUP_DRAFT_LIFETIME).

Run it from cron or a systemd timer, as often as daily. Twice, or from two places at once, it does the
same: each resident is erased in a transaction of their own that locks and reads their row again and
checks they are still due, and the bulk statements carry their cutoff in the WHERE, so a second run
finds nothing left to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TypeVar

from flask import current_app
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from . import oplog
from .auth.erasure import erase_resident
from .db import checkpoint, writing
from .models import AuditEvent, DeviceSession, ResidentActivity, Role, SignupDraft, User, utcnow

# Signing in and out, and the limits on wrong tries (auth/services.py, auth/pairing.py, device_sessions.py).
SIGN_IN_ACTIONS = (
    "sign_in",
    "sign_in_failed",
    "secret_check",
    "secret_check_failed",
    "account_locked",
    "account_unlocked",
    "pairing_failed",
    "signed_out",
    "signed_out_everywhere",
)
KEPT_FOR_GOOD = "resident_erased"
# PostgreSQL ends one of two transactions that wait for each other; the step is then tried again.
DEADLOCK = "40P01"
TRIES = 3
T = TypeVar("T")


@dataclass
class Done:
    """What one run did, in counts: it never names anyone."""

    erased_on_date: int = 0
    erased_away: int = 0
    addresses_cleared: int = 0
    events_deleted: int = 0
    sessions_deleted: int = 0
    sign_ups_deleted: int = 0
    log_emptied: bool = True

    @property
    def erased(self) -> int:
        return self.erased_on_date + self.erased_away

    def summary(self) -> str:
        return (
            f"Residents erased: {self.erased} (erase date reached: {self.erased_on_date}, "
            f"away {current_app.config['ERASE_WHEN_AWAY'].days // 30} months: {self.erased_away})"
            f" · addresses cleared: {self.addresses_cleared} · audit events deleted: {self.events_deleted}"
            f" · ended sign-ins deleted: {self.sessions_deleted}"
            f" · unfinished sign-ups deleted: {self.sign_ups_deleted}"
        )


def erase_date_reached(now: datetime):
    return and_(User.erase_after.is_not(None), User.erase_after <= now)


def away_too_long(now: datetime):
    """No account creation, sign-in or timeline entry since ERASE_WHEN_AWAY (`User` with `ResidentActivity`)."""
    cutoff = now - current_app.config["ERASE_WHEN_AWAY"]
    return and_(
        User.created_at < cutoff,
        or_(User.last_sign_in_at.is_(None), User.last_sign_in_at < cutoff),
        or_(ResidentActivity.last_entry_at.is_(None), ResidentActivity.last_entry_at < cutoff),
    )


def deletion_date(
    *,
    created_at: datetime,
    last_sign_in_at: datetime | None,
    last_entry_at: datetime | None,
    erase_after: datetime | None,
    now: datetime,
) -> datetime | None:
    """When the resident will be erased, once their advisor is to be told: their erase date, or the end
    of ERASE_WHEN_AWAY without activity from ERASE_WARNING before it."""
    config = current_app.config
    away = max(moment for moment in (created_at, last_sign_in_at, last_entry_at) if moment) + config["ERASE_WHEN_AWAY"]
    dates = [erase_after] if erase_after else []
    if now >= away - config["ERASE_WARNING"]:
        dates.append(away)
    return min(dates, default=None)


def run(session: Session, *, now: datetime | None = None) -> Done:
    """Everything that is due at `now` (the clock, unless a test moves it)."""
    now = now or utcnow()
    done = Done()
    done.erased_on_date = _erase_all(session, erase_date_reached(now))
    done.erased_away = _erase_all(session, away_too_long(now))
    _retried(session, lambda: _clear_and_delete(session, now, done))
    done.log_emptied = checkpoint(session.get_bind())
    oplog.event("retention.ran", **asdict(done))
    return done


def _erase_all(session: Session, due) -> int:
    """Erase each resident who meets `due`, one transaction each; the count this run erased."""
    session.rollback()  # a fresh read: what another run erased meanwhile is not listed
    ids = (
        session.execute(
            select(User.id)
            .outerjoin(ResidentActivity, ResidentActivity.resident_id == User.id)
            .where(User.role == Role.RESIDENT, due)
            .order_by(User.id)
        )
        .scalars()
        .all()
    )
    session.rollback()
    return sum(
        _retried(session, lambda resident_id=resident_id: _erase_if(session, resident_id, due)) for resident_id in ids
    )


def _erase_if(session: Session, resident_id: int, due) -> bool:
    resident = session.execute(
        select(User).where(User.id == resident_id, User.role == Role.RESIDENT).execution_options(populate_existing=True)
    ).scalar_one_or_none()
    return resident is not None and erase_resident(
        session, resident=resident, actor=None, only_if=(due,), checkpoint=False
    )


def _clear_and_delete(session: Session, now: datetime, done: Done) -> None:
    config = current_app.config
    with writing(session):
        done.addresses_cleared = session.execute(
            update(AuditEvent)
            .where(AuditEvent.at < now - config["AUDIT_ADDRESS_KEPT"], AuditEvent.ip != "")
            .values(ip="")
            .execution_options(synchronize_session=False)
        ).rowcount
        done.events_deleted = session.execute(
            delete(AuditEvent)
            .where(
                AuditEvent.at < now - config["AUDIT_EVENTS_KEPT"],
                AuditEvent.action != KEPT_FOR_GOOD,
                or_(AuditEvent.about_erased.is_(True), AuditEvent.action.in_(SIGN_IN_ACTIONS)),
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        done.sessions_deleted = session.execute(
            delete(DeviceSession)
            .where(DeviceSession.expires_at < now - config["AUDIT_EVENTS_KEPT"])
            .execution_options(synchronize_session=False)
        ).rowcount
        done.sign_ups_deleted = session.execute(
            delete(SignupDraft).where(SignupDraft.expires_at <= now).execution_options(synchronize_session=False)
        ).rowcount


def _retried(session: Session, step: Callable[[], T]) -> T:
    """A step that PostgreSQL ended as one side of a deadlock is tried again: each step checks anew
    what is still due, so doing it again changes only what the first try did not."""
    for attempt in range(1, TRIES + 1):
        try:
            return step()
        except OperationalError as error:
            session.rollback()
            if getattr(error.orig, "sqlstate", None) != DEADLOCK or attempt == TRIES:
                raise
    raise AssertionError("unreachable")
