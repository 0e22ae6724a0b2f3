"""The advisor's caseload: who is waiting for an answer, oldest wait first."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from ..models import Entry, EntryKind, Role, User


@dataclass(frozen=True)
class CaseloadRow:
    resident_id: int
    display_name: str
    waiting: int
    waiting_since: datetime | None
    last_activity: datetime | None


def caseload(session: Session, *, advisor: User) -> list[CaseloadRow]:
    """One query: for each resident, their entries written after the last answer from staff."""
    answer = aliased(Entry)
    last_answer = (
        select(func.coalesce(func.max(answer.id), 0))
        .where(
            answer.resident_id == User.id,
            answer.author_id != User.id,
            answer.kind == EntryKind.MESSAGE,
        )
        .correlate(User)
        .scalar_subquery()
    )
    any_entry = aliased(Entry)
    last_activity = (
        select(func.max(any_entry.created_at)).where(any_entry.resident_id == User.id).correlate(User).scalar_subquery()
    )
    waiting = func.count(Entry.id)
    waiting_since = func.min(Entry.created_at)
    rows = session.exec(
        select(User.id, User.display_name, waiting, waiting_since, last_activity)
        .outerjoin(
            Entry,
            and_(Entry.resident_id == User.id, Entry.author_id == User.id, Entry.id > last_answer),
        )
        .where(User.advisor_id == advisor.id, User.role == Role.RESIDENT, User.active.is_(True))
        .group_by(User.id, User.display_name)
        .order_by(case((waiting > 0, 0), else_=1), waiting_since, User.display_name)
    ).all()
    return [CaseloadRow(*row) for row in rows]
