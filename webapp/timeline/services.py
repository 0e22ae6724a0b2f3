"""The shared timeline: one chronological thread of entries per resident."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, update
from sqlalchemy.orm import joinedload
from sqlmodel import Session, select

from .. import file_openings
from ..db import create_once, writing, writing_after_reads
from ..models import Appointment, Entry, EntryKind, User, utcnow
from . import (
    activity,  # noqa: F401  (adding entries brings the listener that keeps the caseload's summary)
    kinds,
)

MAX_NEW_PER_POLL = 100


@dataclass
class Page:
    entries: list[Entry]
    older_than: int | None  # cursor for the next older page, None when this is the oldest


@dataclass
class Updates:
    entries: list[Entry]  # newer than the client's newest, newest first
    seen_ids: list[int] = field(default_factory=list)
    heard_ids: list[int] = field(default_factory=list)  # the reader's voice messages played since
    newest_id: int = 0
    checked_at: datetime = field(default_factory=utcnow)


def _entries_of(resident: User):
    return select(Entry).options(joinedload(Entry.author)).where(Entry.resident_id == resident.id)


def page(session: Session, *, resident: User, before: int | None = None, size: int = 30) -> Page:
    """Newest first; `before` is the id of the oldest entry the reader already has."""
    query = _entries_of(resident)
    if before is not None:
        query = query.where(Entry.id < before)
    rows = list(session.exec(query.order_by(Entry.id.desc()).limit(size + 1)).all())
    entries = rows[:size]
    return Page(entries=entries, older_than=entries[-1].id if len(rows) > size else None)


def anything_new(session: Session, *, resident: User, after: int, seen_since: datetime | None) -> bool:
    """For the poll that most often finds nothing: one statement of three index lookups (the newest
    entry, when the resident's own entries were last seen, when a voice message was last heard),
    whatever the history's length.

    An entry newer than `after` is news; if there is none, every entry is one the reader has, so
    a seen or heard mark since `seen_since` is one to show.
    """
    marks = session.execute(select(*latest_marks(resident.id))).one()
    return is_news(*marks, after=after, seen_since=seen_since)


def latest_marks(resident_id) -> tuple:
    """The newest entry's id, when the resident's own entries were last seen, and when a voice message was last
    heard: three columns of index lookups. `resident_id`: a number, or a column or parameter of the caller's
    statement (the poll's, timeline/poll.py).

    Each is the first row of an index read backwards (ORDER BY ... DESC LIMIT 1), not max(): a statement the
    driver has prepared gets PostgreSQL's generic plan, which for max(seen_at) read all of the resident's own
    entries (14,000 rows, 1.6 ms at 25,000 entries) instead of the newest one."""

    def newest(column, *where):
        return (
            select(column)
            .where(Entry.resident_id == resident_id, column.is_not(None), *where)
            .order_by(column.desc())
            .limit(1)
            .scalar_subquery()
        )

    return (
        newest(Entry.id).label("newest"),
        newest(Entry.seen_at, Entry.author_id == resident_id).label("last_seen"),
        newest(Entry.heard_at).label("last_heard"),
    )


def is_news(
    newest_id: int | None,
    seen_at: datetime | None,
    heard_at: datetime | None,
    *,
    after: int,
    seen_since: datetime | None,
) -> bool:
    if newest_id is not None and newest_id > after:
        return True
    return seen_since is not None and any(moment is not None and moment >= seen_since for moment in (seen_at, heard_at))


def updates(session: Session, *, resident: User, reader: User, after: int, seen_since: datetime | None) -> Updates:
    """What changed since the reader last looked: new entries, the resident's own entries seen since (for the
    resident: their advisor's page shows no such mark), and the reader's voice messages heard since."""
    checked_at = utcnow()
    new = list(
        session.exec(
            _entries_of(resident).where(Entry.id > after).order_by(Entry.id.desc()).limit(MAX_NEW_PER_POLL)
        ).all()
    )
    seen_ids: list[int] = []
    if seen_since is not None and reader.id == resident.id:  # only the resident's page shows "seen"
        seen_ids = list(
            session.exec(
                select(Entry.id).where(
                    Entry.resident_id == resident.id,
                    Entry.author_id == resident.id,
                    Entry.id <= after,
                    Entry.seen_at >= seen_since,
                )
            ).all()
        )
    heard_ids: list[int] = []
    if seen_since is not None:
        heard_ids = list(
            session.exec(
                select(Entry.id).where(
                    Entry.resident_id == resident.id,
                    Entry.heard_at.is_not(None),
                    Entry.heard_at >= seen_since,
                    Entry.author_id == reader.id,
                    Entry.id <= after,
                )
            ).all()
        )
    return Updates(
        entries=new,
        seen_ids=seen_ids,
        heard_ids=heard_ids,
        newest_id=new[0].id if new else after,
        checked_at=checked_at,
    )


def newest_id(entries: list[Entry]) -> int:
    return entries[0].id if entries else 0


def post_message(
    session: Session,
    *,
    resident: User,
    author: User,
    body: str | None,
    idempotency_key: str,
    kind: EntryKind = EntryKind.MESSAGE,
    data: dict | None = None,
) -> Entry:
    """Add a message (words, a phrase with words after it if any, a voice message) once: the same form
    sent twice (a double tap, a retry) gives the same entry."""

    def create() -> Entry:
        entry = Entry(
            resident_id=resident.id,
            author_id=author.id,
            kind=kind,
            body=body or None,
            data=data,
            idempotency_key=idempotency_key,
        )
        session.add(entry)
        return entry

    return create_once(session, existing=lambda: by_key(session, author, idempotency_key), create=create)


def voice_entry(session: Session, *, resident: User, entry_id: int) -> Entry | None:
    return session.exec(
        select(Entry).where(Entry.id == entry_id, Entry.resident_id == resident.id, Entry.kind == EntryKind.VOICE)
    ).first()


def mark_heard(session: Session, *, entry: Entry, listener: User) -> None:
    """The other side has played a voice message: its author sees "Heard". Once, by a conditional
    UPDATE, so two players at once write it once."""
    if entry.author_id == listener.id or entry.heard_at is not None:
        return
    with writing(session):
        session.execute(update(Entry).where(Entry.id == entry.id, Entry.heard_at.is_(None)).values(heard_at=utcnow()))


def places_used(session: Session, *, resident: User, limit: int = 12) -> list[str]:
    """Where the resident's appointments have been, newest first: the places a phrase may name."""
    rows = session.exec(
        select(Appointment.place, func.max(Appointment.starts_at).label("last"))
        .where(Appointment.resident_id == resident.id)
        .group_by(Appointment.place)
        .order_by(func.max(Appointment.starts_at).desc())
        .limit(limit)
    ).all()
    return [place for place, _last in rows]


def by_key(session: Session, author: User, key: str) -> Entry | None:
    return session.exec(select(Entry).where(Entry.author_id == author.id, Entry.idempotency_key == key)).first()


def unseen_by_advisor(resident_id):
    """Whether the resident has entries their advisor has not seen: a column for a larger query."""
    return exists().where(Entry.resident_id == resident_id, Entry.author_id == resident_id, Entry.seen_at.is_(None))


def mark_seen_by_advisor(
    session: Session, *, resident: User, advisor: User, opened: bool, unseen: bool = True, locked: bool = False
) -> None:
    """The advisor has the timeline in front of them: the resident's entries count as seen.

    `opened`: the advisor opened the resident's page (not a poll), which the resident can see and
    which is recorded unless it was in the last 10 minutes. `unseen=False`: the caller knows that
    nothing waits to be marked. `locked`: the page's read locked what recording the opening needs
    (`file_openings.lock_for_opening`). No write at all when there is nothing to write; called after the page's
    reads, the writes go in their transaction (`writing_after_reads`). Both on PostgreSQL: one statement, the
    marks made in a WITH of the opening's INSERT.
    """
    if not unseen and not opened:
        return
    mark = (
        update(Entry)
        .where(Entry.resident_id == resident.id, Entry.author_id == resident.id, Entry.seen_at.is_(None))
        .values(seen_at=utcnow())
    )
    with writing_after_reads(session):
        together = opened and unseen and session.get_bind().dialect.name == "postgresql"
        if unseen and not together:
            session.execute(mark)
        if opened:
            along = mark.returning(Entry.id).cte("marked_seen") if together else None
            file_openings.record_opening(
                session, staff=advisor, resident=resident, what="resident_page", locked=locked, along=along
            )


def add_entry(
    session: Session, *, resident: User, author: User, kind: EntryKind, body: str | None = None, **fields
) -> Entry:
    """A line in the timeline about a record. Call inside a write transaction."""
    entry = Entry(resident_id=resident.id, author_id=author.id, kind=kind, body=body, **fields)
    session.add(entry)
    return entry


def note_advisor_change(session: Session, *, resident: User, advisor: User, actor: User) -> None:
    """A line in the timeline so the resident knows who answers now. Call inside a write transaction."""
    session.add(
        Entry(
            resident_id=resident.id,
            author_id=actor.id,
            kind=EntryKind.ADVISOR_CHANGED,
            data=kinds.advisor_changed(advisor),
        )
    )


def note_phone_set_up(session: Session, *, resident: User, made_by: User | None, device: str, new_pin: bool) -> None:
    """A line in the timeline when a QR code set up a phone: the resident sees whose code it was, and
    so does their advisor. Call inside a write transaction."""
    session.add(
        Entry(
            resident_id=resident.id,
            author_id=(made_by or resident).id,
            kind=EntryKind.PHONE_SET_UP,
            data=kinds.phone_set_up(made_by, device=device, new_pin=new_pin),
        )
    )
