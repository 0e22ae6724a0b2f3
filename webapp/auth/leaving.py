"""A resident leaving Sammen: they stop themself, or the coordinator erases them, now or in 30 days.

Stopping closes the account at once (no sign-in, no new messages, signed out everywhere) and sets the
day the retention run erases it. Until that day the coordinator can undo it, and the account opens
again as it was. Each change is one conditional UPDATE on the state it moves from, so a double tap or
two staff at once change it, and record it, once.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import update
from sqlmodel import Session

from .. import audit
from ..db import writing
from ..models import DeviceSession, Role, User, utcnow
from .erasure import erase_resident


def _close(session: Session, resident: User, *, condition, **values) -> bool:
    changed = (
        session.execute(
            update(User)
            .where(User.id == resident.id, User.role == Role.RESIDENT, condition)
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )
    if changed:
        session.execute(
            update(DeviceSession)
            .where(DeviceSession.user_id == resident.id, DeviceSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    return changed


def stop(session: Session, *, resident: User, device: str = "") -> datetime | None:
    """The resident's own "I want to stop": returns the day they will be erased, or None if already stopped."""
    now = utcnow()
    erase_on = now + current_app.config["ERASE_GRACE"]
    with writing(session):
        if not _close(
            session,
            resident,
            condition=User.stopped_at.is_(None) & User.active.is_(True),
            active=False,
            stopped_at=now,
            erase_after=erase_on,
        ):
            return None
        audit.record(
            session,
            "resident_stopped",
            actor=resident,
            subject=resident,
            device=device,
            erase_after=erase_on.isoformat(),
        )
    resident.active, resident.stopped_at, resident.erase_after = False, now, erase_on
    return erase_on


def erase_later(session: Session, *, actor: User, resident: User) -> datetime | None:
    """The coordinator's "in 30 days": the account closes now. None if an erasure is already set."""
    erase_on = utcnow() + current_app.config["ERASE_GRACE"]
    with writing(session):
        if not _close(session, resident, condition=User.erase_after.is_(None), active=False, erase_after=erase_on):
            return None
        audit.record(session, "erasure_planned", actor=actor, subject=resident, erase_after=erase_on.isoformat())
    resident.active, resident.erase_after = False, erase_on
    return erase_on


def cancel_erasure(session: Session, *, actor: User, resident: User) -> bool:
    """Undo a stop or a planned erasure before its day: the account opens again as it was."""
    with writing(session):
        changed = (
            session.execute(
                update(User)
                .where(
                    User.id == resident.id,
                    User.role == Role.RESIDENT,
                    User.erase_after.is_not(None),
                    User.erase_after > utcnow(),
                )
                .values(active=True, stopped_at=None, erase_after=None)
                .execution_options(synchronize_session=False)
            ).rowcount
            == 1
        )
        if changed:
            audit.record(session, "erasure_cancelled", actor=actor, subject=resident)
    if changed:
        resident.active, resident.stopped_at, resident.erase_after = True, None, None
    return changed


def erase_now(session: Session, *, actor: User, resident: User) -> None:
    """The coordinator's "now (asked in person)"."""
    erase_resident(session, resident=resident, actor=actor)
