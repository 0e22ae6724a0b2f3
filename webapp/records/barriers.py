"""What stands in the way, and how it changes. Each change is an entry in the timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from ..db import change_if, create_once, writing
from ..models import Barrier, EntryKind, User, utcnow
from ..timeline.services import add_entry
from ..timeline import kinds


OPEN_STATUSES = ("present", "better")
# A barrier added by mistake can be removed this long afterwards; later it is marked solved.
REMOVABLE_FOR = timedelta(days=1)


@dataclass
class Added:
    barrier: Barrier
    new: bool  # False: that kind of barrier was already open, and nothing was added


def of(session: Session, *, resident: User) -> list[Barrier]:
    """Open ones first, newest first; removed ones (added by mistake) are not shown."""
    barriers = session.exec(
        select(Barrier).where(Barrier.resident_id == resident.id, Barrier.status != "removed").order_by(Barrier.id.desc())
    ).all()
    return sorted(barriers, key=lambda barrier: barrier.status == "solved")


def add(session: Session, *, resident: User, key: str, words: str | None, idempotency_key: str) -> Added:
    """Add a barrier, once: the same form sent twice, or a kind that is already open, adds nothing."""
    def existing() -> Barrier | None:
        return _by_key(session, resident, idempotency_key) or _open_of_kind(session, resident, key)

    def create() -> Barrier:
        barrier = Barrier(resident_id=resident.id, key=key, words=words or None, idempotency_key=idempotency_key)
        session.add(barrier)
        session.flush()
        add_entry(session, resident=resident, author=resident, kind=EntryKind.BARRIER_ADDED, barrier_id=barrier.id,
                  body=barrier.words, data=kinds.barrier(key))
        return barrier

    barrier = create_once(session, existing=existing, create=create)
    return Added(barrier, new=barrier.idempotency_key == idempotency_key)


def _open_of_kind(session: Session, resident: User, key: str) -> Barrier | None:
    if key == "other":  # "Something else" is told apart by its words
        return None
    return session.exec(
        select(Barrier).where(Barrier.resident_id == resident.id, Barrier.key == key,
                              Barrier.status.in_(OPEN_STATUSES))
    ).first()


def _by_key(session: Session, resident: User, key: str) -> Barrier | None:
    return session.exec(
        select(Barrier).where(Barrier.resident_id == resident.id, Barrier.idempotency_key == key)
    ).first()


def may_remove(barrier: Barrier) -> bool:
    return barrier.status in OPEN_STATUSES and barrier.created_at >= utcnow() - REMOVABLE_FOR


def remove(session: Session, *, resident: User, barrier: Barrier) -> bool:
    """Added by mistake: gone from the lists within a day of adding it; the timeline says it was removed."""
    with writing(session):
        changed = change_if(session, Barrier, barrier.id, Barrier.status.in_(OPEN_STATUSES),
                            Barrier.created_at >= utcnow() - REMOVABLE_FOR, status="removed", updated_at=utcnow())
        if changed:
            add_entry(session, resident=resident, author=resident, kind=EntryKind.BARRIER_REMOVED,
                      barrier_id=barrier.id, data=kinds.barrier(barrier.key))
    return changed


def find(session: Session, *, resident: User, barrier_id: int) -> Barrier | None:
    barrier = session.get(Barrier, barrier_id)
    return barrier if barrier is not None and barrier.resident_id == resident.id else None


def set_status(session: Session, *, resident: User, barrier: Barrier, status: str, actor: User) -> bool:
    """Still there / getting better / solved. Setting the status it already has changes nothing."""
    with writing(session):
        changed = change_if(session, Barrier, barrier.id, Barrier.status != status, status=status,
                            updated_at=utcnow())
        if changed:
            add_entry(session, resident=resident, author=actor, kind=EntryKind.BARRIER_STATUS, barrier_id=barrier.id,
                      data=kinds.barrier(barrier.key, status))
    return changed


def acknowledge(session: Session, *, resident: User, barrier: Barrier, advisor: User) -> bool:
    """The advisor has seen it; the resident sees "your advisor has seen this". Seen once, recorded once."""
    with writing(session):
        changed = change_if(session, Barrier, barrier.id, Barrier.acknowledged_at.is_(None),
                            acknowledged_at=utcnow(), acknowledged_by=advisor.id)
        if changed:
            add_entry(session, resident=resident, author=advisor, kind=EntryKind.BARRIER_SEEN, barrier_id=barrier.id,
                      data=kinds.barrier(barrier.key))
    return changed
