"""What stands in the way, and how it changes. Each change is an entry in the timeline.

What each status allows is `BARRIER_MOVES` (models/records.py): every write here takes its condition
from it, and a change refused there changes and records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..db import change_if, create_once, reread, writing
from ..models import BARRIER_MOVES, OPEN_BARRIER_STATUSES, Barrier, BarrierStatus, EntryKind, User, utcnow
from ..timeline import kinds
from ..timeline.services import add_entry


class Gone(Exception):
    """The resident removed it (added by mistake): it is changed no more."""


class AlreadyOpen(Exception):
    """Reopening it would make a second open barrier of its kind; `twin` is the open one."""

    def __init__(self, twin: Barrier):
        super().__init__("an open barrier of this kind exists")
        self.twin = twin


@dataclass
class Added:
    barrier: Barrier
    new: bool  # False: that kind of barrier was already open, and nothing was added


def of(session: Session, *, resident: User) -> list[Barrier]:
    """Open ones first, newest first; removed ones (added by mistake) are not shown."""
    barriers = session.exec(
        select(Barrier)
        .where(Barrier.resident_id == resident.id, Barrier.status != BarrierStatus.REMOVED)
        .order_by(Barrier.id.desc())
    ).all()
    return sorted(barriers, key=lambda barrier: barrier.status == BarrierStatus.SOLVED)


def add(session: Session, *, resident: User, key: str, words: str | None, idempotency_key: str) -> Added:
    """Add a barrier, once: the same form sent twice, or a kind that is already open, adds nothing."""

    def existing() -> Barrier | None:
        return _by_key(session, resident, idempotency_key) or _open_of_kind(session, resident, key)

    def create() -> Barrier:
        barrier = Barrier(resident_id=resident.id, key=key, words=words or None, idempotency_key=idempotency_key)
        session.add(barrier)
        session.flush()
        add_entry(
            session,
            resident=resident,
            author=resident,
            kind=EntryKind.BARRIER_ADDED,
            barrier_id=barrier.id,
            body=barrier.words,
            data=kinds.barrier(key),
        )
        return barrier

    barrier = create_once(session, existing=existing, create=create)
    return Added(barrier, new=barrier.idempotency_key == idempotency_key)


def _open_of_kind(session: Session, resident: User, key: str) -> Barrier | None:
    if key == "other":  # "Something else" is told apart by its words
        return None
    return session.exec(
        select(Barrier).where(
            Barrier.resident_id == resident.id, Barrier.key == key, Barrier.status.in_(OPEN_BARRIER_STATUSES)
        )
    ).first()


def _by_key(session: Session, resident: User, key: str) -> Barrier | None:
    return session.exec(
        select(Barrier).where(Barrier.resident_id == resident.id, Barrier.idempotency_key == key)
    ).first()


def remove(session: Session, *, resident: User, barrier: Barrier) -> bool:
    """Added by mistake: gone from the lists within a day of adding it; the timeline says it was removed.
    True also when it was removed already (the same form sent twice); False when it may not be removed."""
    with writing(session):
        changed = change_if(
            session,
            Barrier,
            barrier.id,
            *BARRIER_MOVES.where("remove"),
            status=BARRIER_MOVES.target("remove"),
            updated_at=utcnow(),
        )
        if changed:
            add_entry(
                session,
                resident=resident,
                author=resident,
                kind=EntryKind.BARRIER_REMOVED,
                barrier_id=barrier.id,
                data=kinds.barrier(barrier.key),
            )
            return True
        return reread(session, Barrier, barrier.id).status == BarrierStatus.REMOVED


def find(session: Session, *, resident: User, barrier_id: int) -> Barrier | None:
    barrier = session.get(Barrier, barrier_id)
    return barrier if barrier is not None and barrier.resident_id == resident.id else None


def set_status(session: Session, *, resident: User, barrier: Barrier, status: str, actor: User) -> bool:
    """Still there / getting better / solved. Setting the status it already has changes nothing (False).

    Raises Gone for a barrier the resident removed, and AlreadyOpen for a solved one whose kind is open
    again meanwhile: the partial unique index `uq_barriers_open_key` refuses a second open one.
    """
    try:
        with writing(session):
            changed = change_if(
                session,
                Barrier,
                barrier.id,
                *BARRIER_MOVES.where(status),
                status=BARRIER_MOVES.target(status),
                updated_at=utcnow(),
            )
            if changed:
                add_entry(
                    session,
                    resident=resident,
                    author=actor,
                    kind=EntryKind.BARRIER_STATUS,
                    barrier_id=barrier.id,
                    data=kinds.barrier(barrier.key, status),
                )
            else:
                _not_gone(session, barrier)
    except IntegrityError:
        raise AlreadyOpen(_open_of_kind(session, resident, barrier.key) or barrier) from None
    return changed


def acknowledge(session: Session, *, resident: User, barrier: Barrier, advisor: User) -> bool:
    """The advisor has seen it; the resident sees "your advisor has seen this". Seen once, recorded once.
    Raises Gone for a barrier the resident removed."""
    with writing(session):
        changed = change_if(
            session,
            Barrier,
            barrier.id,
            *BARRIER_MOVES.where("acknowledge"),
            acknowledged_at=utcnow(),
            acknowledged_by=advisor.id,
        )
        if changed:
            add_entry(
                session,
                resident=resident,
                author=advisor,
                kind=EntryKind.BARRIER_SEEN,
                barrier_id=barrier.id,
                data=kinds.barrier(barrier.key),
            )
        else:
            _not_gone(session, barrier)
    return changed


def _not_gone(session: Session, barrier: Barrier) -> None:
    """After a change that changed nothing: was it refused because the barrier was removed?"""
    if reread(session, Barrier, barrier.id).status == BarrierStatus.REMOVED:
        raise Gone()
