"""What the caseload reads of each resident's timeline (`ResidentActivity`), kept in step with the entries.

Every flush that inserts entries updates their residents' rows in the same transaction: a listener on the
app's session class (`db.AppSession`), attached when this module is imported, so no way of adding an entry
through the app's sessions can forget it. Entries written another way (SQL in a benchmark, a repair)
are followed by `rebuild`, which computes every row from the entries again
(`flask --app webapp caseload rebuild`).

The rule the row follows, as the caseload always read it: a resident's message (words, a phrase or a
voice message) waits for an answer if it is newer than the newest answer from staff (a message of
theirs or a goal comment). The row also keeps the resident's newest urgent phrase ("Please call me"),
which the caseload shows while no answer is newer than it, and their newest phrase telling their situation
("I started working"), which it shows until the advisor records a situation newer than it.

The answer that ends a wait is written down with how long it was (`AnswerTime`), in the same transaction,
for the partnership's median time to an answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Connection, and_, case, delete, event, func, insert, or_, select, update
from sqlalchemy.orm import Session

from ..db import AppSession, writing
from ..models import ANSWER_KINDS, MESSAGE_KINDS, AnswerTime, Entry, EntryKind, ResidentActivity
from . import phrases

ACTIVITY = ResidentActivity.__table__
ANSWER_TIMES = AnswerTime.__table__
COUNTED_MESSAGES = (EntryKind.MESSAGE, EntryKind.PHRASE)
ENTRIES = Entry.__table__


@dataclass(frozen=True)
class Activity:
    last_entry_at: datetime | None = None
    last_answer_at: datetime | None = None
    waiting_count: int = 0
    waiting_since: datetime | None = None
    waiting_until: datetime | None = None
    urgent_phrase: str | None = None
    urgent_at: datetime | None = None
    told_phrase: str | None = None
    told_at: datetime | None = None
    entry_count: int = 0
    message_count: int = 0
    voice_count: int = 0


RECOUNT = object()  # an answer fell between waiting messages: count those after it again


def advance(
    state: Activity, *, at: datetime, kind: str, by_resident: bool, said: str | None = None
) -> Activity | object:
    """The row after one more entry, whatever order entries arrive in; or RECOUNT.
    `said`: the key of the phrase the entry says, if it is a phrase."""
    state = replace(state, last_entry_at=max(state.last_entry_at or at, at))
    if said in phrases.URGENT and by_resident and (state.urgent_at is None or at >= state.urgent_at):
        state = replace(state, urgent_phrase=said, urgent_at=at)
    if said in phrases.TOLD and by_resident and (state.told_at is None or at >= state.told_at):
        state = replace(state, told_phrase=said, told_at=at)
    newer_than_answer = state.last_answer_at is None or at > state.last_answer_at
    if kind in MESSAGE_KINDS and by_resident:
        if not newer_than_answer:
            return state
        return replace(
            state,
            waiting_count=state.waiting_count + 1,
            waiting_since=min(state.waiting_since or at, at),
            waiting_until=max(state.waiting_until or at, at),
        )
    if kind in ANSWER_KINDS and not by_resident and newer_than_answer:
        state = replace(state, last_answer_at=at)
        if not state.waiting_count or state.waiting_since > at:
            return state  # every waiting message is newer than this answer
        if state.waiting_until <= at:
            return replace(state, waiting_count=0, waiting_since=None, waiting_until=None)
        return RECOUNT
    return state


def wait_ended(state: Activity, *, at: datetime, kind: str, by_resident: bool) -> datetime | None:
    """When the wait began that this entry ends: a staff answer newer than the last one, after the first
    waiting message (the messages after it, if any, wait on)."""
    if kind not in ANSWER_KINDS or by_resident or not state.waiting_count or state.waiting_since > at:
        return None
    if state.last_answer_at is not None and at <= state.last_answer_at:
        return None
    return state.waiting_since


def counted(state: Activity, kind: str) -> Activity:
    """One more entry of this kind in the counts "My data" shows."""
    return replace(
        state,
        entry_count=state.entry_count + 1,
        message_count=state.message_count + (kind in COUNTED_MESSAGES),
        voice_count=state.voice_count + (kind == EntryKind.VOICE),
    )


def note_entries(
    connection: Connection, resident_id: int, entries: list[tuple[datetime, str, bool, str | None]]
) -> None:
    """Bring the resident's row up to date with new entries (at, kind, by_resident, said) already
    written, inside their transaction, and write down how long each wait they end was."""
    state = new = _locked_state(connection, resident_id)
    recount = False
    answer_times = []
    for at, kind, by_resident, said in entries:
        new = counted(new, kind)
        if (since := wait_ended(new, at=at, kind=kind, by_resident=by_resident)) is not None:
            answer_times.append(
                {"resident_id": resident_id, "answered_at": at, "waited_seconds": round((at - since).total_seconds())}
            )
        step = advance(new, at=at, kind=kind, by_resident=by_resident, said=said)
        if step is RECOUNT:  # count once at the end: the database already holds all of these entries
            recount = True
            # Which messages wait on is known only once counted: till then none, so no later answer of
            # these entries writes down a wait it may not have ended.
            step = replace(
                new,
                last_entry_at=max(new.last_entry_at or at, at),
                last_answer_at=at,
                waiting_count=0,
                waiting_since=None,
                waiting_until=None,
            )
        new = step
    if recount:
        new = _recounted(connection, resident_id, new)
    if new != state:
        connection.execute(update(ACTIVITY).where(ACTIVITY.c.resident_id == resident_id).values(**new.__dict__))
    if answer_times:
        connection.execute(insert(ANSWER_TIMES), answer_times)


def _locked_state(connection: Connection, resident_id: int) -> Activity:
    """The row as it is now, locked until the transaction ends (PostgreSQL; SQLite writes one at a time)."""
    query = (
        select(*(ACTIVITY.c[name] for name in Activity.__dataclass_fields__))
        .where(ACTIVITY.c.resident_id == resident_id)
        .with_for_update()
    )
    row = connection.execute(query).first()
    if row is None:
        connection.execute(_insert_missing(connection, resident_id))
        row = connection.execute(query).first()
    return Activity(*row)


def _insert_missing(connection: Connection, resident_id: int):
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(ACTIVITY).values(resident_id=resident_id).on_conflict_do_nothing()


def _recounted(connection: Connection, resident_id: int, state: Activity) -> Activity:
    count, since, until = connection.execute(
        select(func.count(), func.min(ENTRIES.c.created_at), func.max(ENTRIES.c.created_at)).where(
            ENTRIES.c.resident_id == resident_id,
            ENTRIES.c.author_id == resident_id,
            ENTRIES.c.kind.in_(_kinds(MESSAGE_KINDS)),
            ENTRIES.c.created_at > state.last_answer_at,
        )
    ).one()
    return replace(state, waiting_count=count, waiting_since=since, waiting_until=until)


def _entries_flushed(session: Session, _context) -> None:
    # After the flush the rows are written; `session.new` still lists what this flush inserted.
    by_resident: dict[int, list[tuple[datetime, str, bool, str | None]]] = {}
    # In the order they were written: of two urgent phrases at the same moment, the later one counts.
    for entry in sorted((item for item in session.new if isinstance(item, Entry)), key=lambda item: item.id):
        by_resident.setdefault(entry.resident_id, []).append(
            (entry.created_at, entry.kind, entry.author_id == entry.resident_id, phrase_of(entry))
        )
    for resident_id in sorted(by_resident):  # one order for every writer: no deadlock between them
        note_entries(session.connection(), resident_id, by_resident[resident_id])


# Every flush of the app's sessions, and of no other session in the process (db.py says what bypasses it).
event.listen(AppSession, "after_flush", _entries_flushed)


def phrase_of(entry: Entry) -> str | None:
    """The key of the phrase a phrase entry says; None for every other entry."""
    if entry.kind == EntryKind.PHRASE and entry.data:
        return entry.data.get("phrase")
    return None


def _kinds(kinds) -> list[str]:
    return [str(kind) for kind in kinds]


def rebuild(session: Session) -> int:
    """Compute every resident's row from their entries again, in one transaction; returns how many.

    Answer times are left as they are: written once with each answer that ended a wait, they are not
    computed again here (a wait that a repair's SQL ended has none), and so never twice."""
    answers = (
        select(ENTRIES.c.resident_id, func.max(ENTRIES.c.created_at).label("at"))
        .where(ENTRIES.c.author_id != ENTRIES.c.resident_id, ENTRIES.c.kind.in_(_kinds(ANSWER_KINDS)))
        .group_by(ENTRIES.c.resident_id)
        .subquery("answers")
    )
    waiting = (
        select(
            ENTRIES.c.resident_id,
            func.count().label("n"),
            func.min(ENTRIES.c.created_at).label("since"),
            func.max(ENTRIES.c.created_at).label("until"),
        )
        .select_from(ENTRIES.outerjoin(answers, answers.c.resident_id == ENTRIES.c.resident_id))
        .where(
            ENTRIES.c.author_id == ENTRIES.c.resident_id,
            ENTRIES.c.kind.in_(_kinds(MESSAGE_KINDS)),
            or_(answers.c.at.is_(None), ENTRIES.c.created_at > answers.c.at),
        )
        .group_by(ENTRIES.c.resident_id)
        .subquery("waiting")
    )
    latest = (
        select(
            ENTRIES.c.resident_id,
            func.max(ENTRIES.c.created_at).label("at"),
            func.count().label("entries"),
            func.sum(case((ENTRIES.c.kind.in_(_kinds(COUNTED_MESSAGES)), 1), else_=0)).label("messages"),
            func.sum(case((ENTRIES.c.kind == str(EntryKind.VOICE), 1), else_=0)).label("voice"),
        )
        .group_by(ENTRIES.c.resident_id)
        .subquery("latest")
    )
    said = ENTRIES.c.data["phrase"].as_string()

    def newest_of(keys: tuple[str, ...], name: str):
        """Each resident's newest phrase of these; of two at the same moment, the one written last."""
        return (
            select(
                ENTRIES.c.resident_id,
                said.label("phrase"),
                ENTRIES.c.created_at.label("at"),
                func.row_number()
                .over(partition_by=ENTRIES.c.resident_id, order_by=(ENTRIES.c.created_at.desc(), ENTRIES.c.id.desc()))
                .label("n"),
            )
            .where(
                ENTRIES.c.author_id == ENTRIES.c.resident_id, ENTRIES.c.kind == str(EntryKind.PHRASE), said.in_(keys)
            )
            .subquery(name)
        )

    urgent, told = newest_of(phrases.URGENT, "urgent"), newest_of(phrases.TOLD, "told")
    rows = select(
        latest.c.resident_id,
        latest.c.at,
        answers.c.at,
        func.coalesce(waiting.c.n, 0),
        waiting.c.since,
        waiting.c.until,
        urgent.c.phrase,
        urgent.c.at,
        told.c.phrase,
        told.c.at,
        latest.c.entries,
        latest.c.messages,
        latest.c.voice,
    ).select_from(
        latest.outerjoin(answers, answers.c.resident_id == latest.c.resident_id)
        .outerjoin(waiting, waiting.c.resident_id == latest.c.resident_id)
        .outerjoin(urgent, and_(urgent.c.resident_id == latest.c.resident_id, urgent.c.n == 1))
        .outerjoin(told, and_(told.c.resident_id == latest.c.resident_id, told.c.n == 1))
    )
    with writing(session):
        session.execute(delete(ACTIVITY))
        session.execute(
            insert(ACTIVITY).from_select(
                [
                    "resident_id",
                    "last_entry_at",
                    "last_answer_at",
                    "waiting_count",
                    "waiting_since",
                    "waiting_until",
                    "urgent_phrase",
                    "urgent_at",
                    "told_phrase",
                    "told_at",
                    "entry_count",
                    "message_count",
                    "voice_count",
                ],
                rows,
            )
        )
        return session.execute(select(func.count()).select_from(ACTIVITY)).scalar_one()
