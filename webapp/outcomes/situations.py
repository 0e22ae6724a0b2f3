"""Each resident's situation: recorded by their advisor from the coordinator's list, kept as history, and
followed up 1, 3, 6 and 12 months after a start in work or education."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..db import create_once, writing
from ..models import (
    FOLLOW_UP_MONTHS,
    EntryKind,
    FollowUp,
    ResidentSituation,
    Situation,
    SituationCategory,
    User,
    utcnow,
)
from ..records.checkins import today
from ..timeline import kinds
from ..timeline.services import add_entry

# The built-in situations in each reader's language; one the coordinator adds is shown by its name.
LABELS = {
    "work": _l("In work (ordinary hours)"),
    "wage_subsidy": _l("In work with a wage subsidy"),
    "flex_job": _l("Flex job"),
    "education": _l("In education"),
    "course": _l("In a course"),
    "work_placement": _l("Work placement"),
    "sick_leave": _l("On sick leave"),
    "parental_leave": _l("On parental leave"),
    "nothing_yet": _l("Not yet in anything"),
    "moved_away": _l("Moved away"),
    "ended": _l("Ended"),
}
# A start in these is followed up.
FOLLOWED_UP = (SituationCategory.WORK, SituationCategory.EDUCATION)
MAX_HOURS = 60
MAX_EMPLOYER = 120


def label(key: str | None, name: str) -> str:
    """A situation as the reader reads it: by its key where it is built in, else its name as typed."""
    return str(LABELS[key]) if key in LABELS else name


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day where it has no such day (31 January + 1 = 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_follow_up(run_starts_on: date, done_months: int | None, today: date) -> int | None:
    """The follow-up to make now: the latest of 1, 3, 6, 12 months that has come and is after the last one made
    (a follow-up missed is taken over by the next)."""
    due = [
        months
        for months in FOLLOW_UP_MONTHS
        if add_months(run_starts_on, months) <= today and (done_months is None or months > done_months)
    ]
    return due[-1] if due else None


def catalog(session: Session, *, include_inactive: bool = False) -> list[Situation]:
    query = select(Situation).order_by(Situation.position, Situation.id)
    if not include_inactive:
        query = query.where(Situation.active)
    return list(session.exec(query).all())


@dataclass(frozen=True)
class Current:
    """A resident's situation now, with the follow-up it asks for, if any."""

    record: ResidentSituation
    situation: Situation
    follow_up_done: int | None  # the latest follow-up made of this stretch, in months

    @property
    def follow_up_due(self) -> int | None:
        if self.situation.category not in FOLLOWED_UP:
            return None
        return due_follow_up(self.record.run_starts_on, self.follow_up_done, _today())

    @property
    def hours(self) -> int | None:
        return self.record.hours_per_week


def _today() -> date:
    return today()  # Copenhagen's day, the one the whole app uses


def _newest(resident_id: int, on: date):
    return (
        select(ResidentSituation, Situation)
        .join(Situation, Situation.id == ResidentSituation.situation_id)
        .where(ResidentSituation.resident_id == resident_id, ResidentSituation.starts_on <= on)
        .order_by(ResidentSituation.starts_on.desc(), ResidentSituation.id.desc())
        .limit(1)
    )


def current(session: Session, *, resident: User, on: date | None = None) -> Current | None:
    row = session.exec(_newest(resident.id, on or _today())).first()
    if row is None:
        return None
    record, situation = row
    done = session.exec(
        select(FollowUp.months)
        .where(FollowUp.resident_id == resident.id, FollowUp.run_starts_on == record.run_starts_on)
        .order_by(FollowUp.months.desc())
        .limit(1)
    ).first()
    return Current(record, situation, done)


@dataclass(frozen=True)
class Change:
    record: ResidentSituation
    situation: Situation
    recorded_by: str  # the staff member's name


def history(session: Session, *, resident: User) -> list[tuple[ResidentSituation, Situation]]:
    """Newest first, those still to start included."""
    return list(
        session.exec(
            select(ResidentSituation, Situation)
            .join(Situation, Situation.id == ResidentSituation.situation_id)
            .where(ResidentSituation.resident_id == resident.id)
            .order_by(ResidentSituation.starts_on.desc(), ResidentSituation.id.desc())
        ).all()
    )


def entry_data(situation: Situation, record: ResidentSituation) -> dict:
    """The timeline entry keeps the situation as it was said, in case the list changes later (timeline/kinds.py)."""
    return kinds.situation(situation, record)


def record(
    session: Session,
    *,
    resident: User,
    advisor: User,
    situation: Situation,
    starts_on: date,
    hours: int | None,
    employer: str | None,
    idempotency_key: str,
) -> ResidentSituation:
    """A new situation for the resident, with an entry in their timeline. Once per form sent."""

    def create() -> ResidentSituation:
        before = session.exec(_newest(resident.id, starts_on)).first()
        same_run = before is not None and before[0].situation_id == situation.id
        new = ResidentSituation(
            resident_id=resident.id,
            situation_id=situation.id,
            starts_on=starts_on,
            run_starts_on=before[0].run_starts_on if same_run else starts_on,
            hours_per_week=hours if situation.asks_hours else None,
            employer=(employer or None) if situation.asks_employer else None,
            recorded_by=advisor.id,
            idempotency_key=idempotency_key,
        )
        session.add(new)
        session.flush()
        add_entry(session, resident=resident, author=advisor, kind=EntryKind.SITUATION, data=entry_data(situation, new))
        return new

    def existing() -> ResidentSituation | None:
        return session.exec(
            select(ResidentSituation).where(
                ResidentSituation.recorded_by == advisor.id, ResidentSituation.idempotency_key == idempotency_key
            )
        ).first()

    return create_once(session, existing=existing, create=create)


def record_follow_up(session: Session, *, resident: User, advisor: User, months: int, hours: int | None) -> bool:
    """ "Still there": the follow-up of `months` for the stretch the resident is in now. Recorded once, and only
    while it is the one due: a second tap, or one from an old page after the situation changed, records nothing
    (False)."""
    try:
        with writing(session):
            now = current(session, resident=resident)  # read in the write: the situation may have changed
            if now is None or now.follow_up_due != months:
                return False
            hours = hours if now.situation.asks_hours else None
            session.add(
                FollowUp(
                    resident_id=resident.id,
                    run_starts_on=now.record.run_starts_on,
                    months=months,
                    still_there=True,
                    hours_per_week=hours,
                    recorded_by=advisor.id,
                    recorded_at=utcnow(),
                )
            )
            session.flush()
            add_entry(
                session,
                resident=resident,
                author=advisor,
                kind=EntryKind.FOLLOW_UP,
                data=kinds.follow_up(now.situation, now.record, months=months, hours=hours),
            )
    except IntegrityError:
        return False
    return True
