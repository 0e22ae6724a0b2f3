"""A reply a staff member was sending when their session ended, kept on the server until they are back.

Only on the server, per staff member and resident: staff share computers, so nothing of it is
kept in the browser, and only the same staff member, signed in again, gets it back.
"""
from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ..db import writing
from ..models import StaffDraft, User, utcnow


def keep(session: Session, *, user: User, resident_id: int, body: str) -> None:
    with writing(session):
        changed = session.execute(
            update(StaffDraft).where(StaffDraft.user_id == user.id, StaffDraft.resident_id == resident_id)
            .values(body=body, updated_at=utcnow())
        )
        if changed.rowcount == 0:
            try:
                with session.begin_nested():
                    session.add(StaffDraft(user_id=user.id, resident_id=resident_id, body=body))
            except IntegrityError:  # a twin request kept it a moment ago
                pass


def discard(session: Session, *, user: User, resident: User) -> None:
    """Once the reply it was kept for is sent."""
    with writing(session):
        session.execute(delete(StaffDraft).where(StaffDraft.user_id == user.id, StaffDraft.resident_id == resident.id))
