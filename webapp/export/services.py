"""What an export reads: everything kept about one resident, a page of rows at a time.

A resident may have tens of thousands of entries, so no list of them is ever built: entries and records
are read in pages by id (keyset), and each page ends its read transaction, so nothing is held open
while the page is written out and a slow phone downloads it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, tuple_
from sqlalchemy.orm import joinedload
from sqlmodel import Session, select

from .. import audit, file_openings
from ..auth import device_sessions, pairing
from ..db import writing
from ..models import (
    COPENHAGEN,
    AnswerTime,
    Appointment,
    Barrier,
    CheckIn,
    ContactRequest,
    Entry,
    EntryKind,
    FollowUp,
    Goal,
    GoalStep,
    HousingArea,
    ResidentSituation,
    Situation,
    StaffDraft,
    TrustedDevice,
    User,
    utcnow,
)
from ..signup import consent
from ..storage import audio_store

PAGE = 250
VOICE_FOLDER = "voice"
# The entry that links a record to its history, for each kind of record that has one.
HISTORY = {CheckIn: Entry.checkin_id, Barrier: Entry.barrier_id, Goal: Entry.goal_id, Appointment: Entry.appointment_id}


def note_export(session: Session, *, actor: User, resident: User, ip: str = "", device: str = "") -> datetime:
    """Log the export before any of it is sent; committed at once, so no write lock is held while it streams."""
    made_at = utcnow()
    with writing(session):
        audit.record(session, file_openings.EXPORTED, actor=actor, subject=resident, ip=ip, device=device)
    return made_at


@dataclass(frozen=True)
class Summary:
    """What "My data" shows, small enough to read at once."""

    area: str | None
    advisor: User | None
    consents: list
    phones: list[TrustedDevice]
    sign_ins: list
    looks: list[file_openings.Look]
    counts: dict[str, int]
    unsent: StaffDraft | None = None  # the resident's own words kept when a sign-in ended before they were sent


@dataclass
class Record:
    """A record, the entries that are its history, and a goal's steps: each read when it is used."""

    item: object
    history: Iterator[Entry]
    steps: Iterator[GoalStep] = field(default_factory=lambda: iter(()))


@dataclass(frozen=True)
class SituationRecord:
    """One change in the resident's situation, with the follow-ups made while it was their situation."""

    item: ResidentSituation
    situation: Situation
    follow_ups: list[FollowUp]


@dataclass
class Export:
    session: Session
    resident: User
    made_at: datetime
    newest_entry: int  # entries written while the export runs come after it, and are left out

    @classmethod
    def of(cls, session: Session, resident: User, made_at: datetime) -> Export:
        newest = session.exec(select(func.max(Entry.id)).where(Entry.resident_id == resident.id)).one()
        return cls(session, resident, made_at, newest or 0)

    def summary(self) -> Summary:
        db, resident = self.session, self.resident
        area = db.get(HousingArea, resident.housing_area_id) if resident.housing_area_id else None
        summary = Summary(
            area=area.name if area else None,
            advisor=db.get(User, resident.advisor_id) if resident.advisor_id else None,
            consents=consent.consents_of(db, resident=resident),
            phones=list(
                db.exec(
                    select(TrustedDevice)
                    .where(TrustedDevice.resident_id == resident.id, TrustedDevice.kind == pairing.PHONE)
                    .order_by(TrustedDevice.created_at, TrustedDevice.id)
                ).all()
            ),
            sign_ins=device_sessions.sign_ins_of(db, user=resident),
            looks=file_openings.looks_at(db, resident=resident),
            counts=self._counts(),
            unsent=db.exec(
                select(StaffDraft).where(StaffDraft.user_id == resident.id, StaffDraft.resident_id == resident.id)
            ).first(),
        )
        db.commit()
        return summary

    def _counts(self) -> dict[str, int]:
        kinds = dict(
            self.session.execute(
                select(Entry.kind, func.count(Entry.id))
                .where(Entry.resident_id == self.resident.id, Entry.id <= self.newest_entry)
                .group_by(Entry.kind)
            ).all()
        )

        def count(model) -> int:
            return self.session.exec(select(func.count(model.id)).where(model.resident_id == self.resident.id)).one()

        return {
            "entries": sum(kinds.values()),
            "messages": kinds.get(EntryKind.MESSAGE, 0) + kinds.get(EntryKind.PHRASE, 0),
            "voice": kinds.get(EntryKind.VOICE, 0),
            "checkins": count(CheckIn),
            "barriers": count(Barrier),
            "goals": count(Goal),
            "appointments": count(Appointment),
            "contact_requests": count(ContactRequest),
            "situations": count(ResidentSituation),
            "answer_times": count(AnswerTime),
        }

    def entries(self, kind: str | None = None) -> Iterator[Entry]:
        """The whole timeline, oldest first; or only the entries of one kind."""
        return self._entries(*((Entry.kind == kind,) if kind else ()))

    def _entries(self, *where, order=(Entry.id,)) -> Iterator[Entry]:
        query = (
            select(Entry)
            .options(joinedload(Entry.author))
            .where(Entry.resident_id == self.resident.id, Entry.id <= self.newest_entry, *where)
        )
        return _rows(_pages(self.session, query, *order))

    def records(self, model) -> Iterator[Record]:
        """Each record of one kind, oldest first, with its history (and a goal with its steps)."""
        link = HISTORY[model]
        for page in _pages(self.session, select(model).where(model.resident_id == self.resident.id), model.id):
            ids = [row.id for row in page]
            history = _Children(self._entries(link.in_(ids), order=(link, Entry.id)), link.key)
            steps = (
                _Children(
                    _rows(
                        _pages(
                            self.session,
                            select(GoalStep).where(GoalStep.goal_id.in_(ids)),
                            GoalStep.goal_id,
                            GoalStep.id,
                        )
                    ),
                    "goal_id",
                )
                if model is Goal
                else None
            )
            for row in page:
                yield Record(row, history.of(row.id), *((steps.of(row.id),) if steps else ()))

    def contact_requests(self) -> Iterator[ContactRequest]:
        query = select(ContactRequest).where(ContactRequest.resident_id == self.resident.id)
        return _rows(_pages(self.session, query, ContactRequest.id))

    def situations(self) -> list[SituationRecord]:
        """Each change in the resident's situation, oldest first (by start date, then as recorded), each with its
        follow-ups. An advisor records a handful over the years, so they are read at once."""
        db, resident_id = self.session, self.resident.id
        rows = db.exec(
            select(ResidentSituation, Situation)
            .join(Situation, Situation.id == ResidentSituation.situation_id)
            .where(ResidentSituation.resident_id == resident_id)
            .order_by(ResidentSituation.starts_on, ResidentSituation.id)
        ).all()
        follow_ups = db.exec(
            select(FollowUp).where(FollowUp.resident_id == resident_id).order_by(FollowUp.recorded_at, FollowUp.id)
        ).all()
        db.commit()
        records = [SituationRecord(item, situation, []) for item, situation in rows]
        for follow_up in follow_ups:
            home = _situation_followed_up(records, follow_up)
            if home is not None:
                home.follow_ups.append(follow_up)
        return records

    def answer_times(self) -> Iterator[AnswerTime]:
        """Each time the resident waited for an answer, oldest first."""
        query = select(AnswerTime).where(AnswerTime.resident_id == self.resident.id)
        return _rows(_pages(self.session, query, AnswerTime.id))


def _situation_followed_up(records: list[SituationRecord], follow_up: FollowUp) -> SituationRecord | None:
    """The situation a follow-up was made in: of those of its stretch, the newest that had started and was
    recorded when the follow-up was made (a follow-up counts from the stretch's first day, and the same
    situation recorded again with new hours carries the stretch on). `records` is oldest first."""
    stretch = [record for record in records if record.item.run_starts_on == follow_up.run_starts_on]
    on = follow_up.recorded_at.astimezone(COPENHAGEN).date()
    before = [
        record for record in stretch if record.item.starts_on <= on and record.item.recorded_at <= follow_up.recorded_at
    ]
    return (before or stretch or [None])[-1]


def _pages(session: Session, query, *keys) -> Iterator[list]:
    """The rows of `query` in the order of `keys` (the last one unique), a list of PAGE at a time."""
    size, last = PAGE, None
    while True:
        page_query = (
            query
            if last is None
            else query.where(keys[0] > last[0] if len(keys) == 1 else tuple_(*keys) > tuple_(*last))
        )
        rows = list(session.exec(page_query.order_by(*keys).limit(size)).all())
        session.commit()  # ends the read: no transaction stays open while the page is sent
        if rows:
            yield rows
        if len(rows) < size:
            return
        last = tuple(getattr(rows[-1], key.key) for key in keys)


def _rows(pages: Iterator[list]) -> Iterator:
    for page in pages:
        yield from page


class _Children:
    """Rows ordered by their parent's id, handed out parent by parent as the parents come in the same order."""

    def __init__(self, rows: Iterator, parent_key: str):
        self._rows = rows
        self._key = parent_key
        self._next = None
        self._started = False

    def of(self, parent_id: int) -> Iterator:
        if not self._started:
            self._started, self._next = True, next(self._rows, None)
        while self._next is not None and getattr(self._next, self._key) <= parent_id:
            row, self._next = self._next, next(self._rows, None)
            if getattr(row, self._key) == parent_id:
                yield row


def by_resident(entry: Entry) -> bool:
    return entry.author_id == entry.resident_id


def voice_file(entry: Entry) -> str:
    """The voice message's name in the ZIP: when it was sent, Copenhagen time, and the entry's id."""
    suffix = str((entry.data or {}).get("audio", "")).rsplit(".", 1)[-1]
    at = entry.created_at.astimezone(COPENHAGEN)
    return f"{VOICE_FOLDER}/{at:%Y-%m-%d_%H-%M-%S}_{entry.id}.{suffix if suffix.isalnum() else 'audio'}"


def voice_bytes(entry: Entry) -> bytes | None:
    """The recording as it was uploaded; None if it is no longer kept."""
    key = (entry.data or {}).get("audio")
    if not key:
        return None
    try:
        return audio_store().get(key)
    except (OSError, ValueError):
        return None
