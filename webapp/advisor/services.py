"""The advisor's caseload, ordered by need, with the reasons on each row — in one query."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import and_, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from ..models import (Appointment, Barrier, CheckIn, ContactRequest, ResidentActivity, Role, StaffDraft, User,
                      utcnow)
from .. import access_log, retention
from ..records.barriers import OPEN_STATUSES
from ..records.catalog import LOW_MOOD, TROUBLE_RESPONSES
from ..records.checkins import today
from ..timeline import services as timeline

# The order of need; pages/caseload.py says how each reason is shown.
REASONS = ("urgent", "contact", "waiting", "low_mood", "appointment", "barrier", "quiet")
RANK = {reason: rank for rank, reason in enumerate(REASONS)}
QUIET_DAYS = 14
LOW_MOOD_DAYS = 7


@dataclass
class CaseloadRow:
    resident_id: int
    display_name: str
    waiting: int
    waiting_since: datetime | None
    last_activity: datetime | None
    reasons: list[str] = field(default_factory=list)
    since: dict[str, datetime | None] = field(default_factory=dict)
    urgent_phrase: str | None = None  # what the resident said with an urgent phrase, until answered
    closed: bool = False  # leaving: they asked to stop, or the coordinator closed the account
    stopped_at: datetime | None = None  # when they asked to stop
    deleted_on: datetime | None = None  # when the retention run erases them, once the advisor is to know

    @property
    def sort_key(self):
        if not self.reasons:
            return (len(RANK), 0, self.display_name)
        first = self.reasons[0]
        moment = self.since.get(first)
        return (RANK[first], moment.timestamp() if moment else 0, self.display_name)


def _scalar(query):
    return query.correlate(User).scalar_subquery()


def caseload(session: Session, *, advisor: User) -> list[CaseloadRow]:
    """One statement, whatever the history: what the timeline says comes from `ResidentActivity`,
    the rest from each resident's few records, each looked up by an index that starts with the resident.
    Residents who are leaving (they asked to stop, or the coordinator closed the account to erase it) stay
    on it until they are erased, without reasons: nothing can be written to them."""
    now, day = utcnow(), today()
    # Open until the advisor says they made contact; a message alone does not end it.
    contact_since = _scalar(select(func.min(ContactRequest.asked_at)).where(
        ContactRequest.resident_id == User.id, ContactRequest.handled_at.is_(None)))
    recent_low_since = _scalar(select(func.min(CheckIn.updated_at)).where(
        CheckIn.resident_id == User.id, CheckIn.mood <= LOW_MOOD, CheckIn.day >= day - timedelta(days=LOW_MOOD_DAYS)))
    earlier = aliased(CheckIn)
    second_latest_day = _scalar(select(earlier.day).where(earlier.resident_id == User.id)
                                .order_by(earlier.day.desc()).limit(1).offset(1))
    last_two_best = _scalar(select(func.max(CheckIn.mood)).where(
        CheckIn.resident_id == User.id, CheckIn.day >= second_latest_day))
    last_checkin = _scalar(select(func.max(CheckIn.day)).where(CheckIn.resident_id == User.id))
    trouble_since = _scalar(select(func.min(Appointment.updated_at)).where(
        Appointment.resident_id == User.id, Appointment.status == "planned", Appointment.starts_at > now,
        Appointment.response.in_(TROUBLE_RESPONSES), Appointment.response_version == Appointment.version))
    new_barrier_since = _scalar(select(func.min(Barrier.created_at)).where(
        Barrier.resident_id == User.id, Barrier.acknowledged_at.is_(None), Barrier.status.in_(OPEN_STATUSES)))

    rows = session.exec(
        select(User.id, User.display_name, User.created_at, ResidentActivity.waiting_count,
               ResidentActivity.waiting_since, ResidentActivity.last_entry_at, ResidentActivity.last_answer_at,
               ResidentActivity.urgent_phrase, ResidentActivity.urgent_at, contact_since,
               recent_low_since, last_two_best, second_latest_day, last_checkin, trouble_since, new_barrier_since,
               User.last_sign_in_at, User.active, User.stopped_at, User.erase_after)
        .outerjoin(ResidentActivity, ResidentActivity.resident_id == User.id)
        .where(User.advisor_id == advisor.id, User.role == Role.RESIDENT,
               or_(User.active.is_(True), User.erase_after.is_not(None)))
        .order_by(User.display_name)
    ).all()
    result = []
    for (resident_id, name, created_at, n_waiting, since_waiting, activity, answered, urgent, urgent_at, contact, low,
         two_best, second_day, last_day, trouble, barrier, signed_in, active, stopped, erase_after) in rows:
        row = CaseloadRow(resident_id, name, n_waiting or 0, since_waiting, activity, closed=not active,
                          stopped_at=stopped,
                          deleted_on=retention.deletion_date(created_at=created_at, last_sign_in_at=signed_in,
                                                             last_entry_at=activity, erase_after=erase_after, now=now))
        if not active:
            result.append(row)
            continue
        unanswered_urgent = urgent_at is not None and (answered is None or urgent_at > answered)
        row.urgent_phrase = urgent if unanswered_urgent else None
        quiet_since = _quiet_since(last_day, created_at, now)
        two_bad_in_a_row = second_day is not None and two_best is not None and two_best <= LOW_MOOD
        for reason, applies, since in (
            ("urgent", unanswered_urgent, urgent_at),
            ("contact", contact is not None, contact),
            ("waiting", bool(n_waiting), since_waiting),
            ("low_mood", low is not None or two_bad_in_a_row, low or _start_of(second_day)),
            ("appointment", trouble is not None, trouble),
            ("barrier", barrier is not None, barrier),
            ("quiet", quiet_since is not None, quiet_since),
        ):
            if applies:
                row.reasons.append(reason)
                row.since[reason] = since
        result.append(row)
    return sorted(result, key=lambda row: row.sort_key)


def _start_of(day) -> datetime | None:
    return datetime.combine(day, time(), tzinfo=timezone.utc) if day else None


def _quiet_since(last_day, created_at: datetime, now: datetime) -> datetime | None:
    """When the resident last checked in (or joined), if that is 14 days ago or more."""
    last = _start_of(last_day) or created_at
    return last if now - last >= timedelta(days=QUIET_DAYS) else None


@dataclass(frozen=True)
class OnPage:
    """What waits for this advisor on a resident's page, besides the timeline and the records."""
    contact_request: ContactRequest | None  # an open request to be contacted
    draft: str | None  # a reply of theirs kept across a sign-out
    unseen: bool  # the resident wrote something the advisor has not had in front of them
    opened_lately: bool  # the advisor opened this file in the last 10 minutes (one visit)


def on_page(session: Session, *, advisor: User, resident: User) -> OnPage:
    """All of it in one query."""
    row = session.exec(
        select(ContactRequest, StaffDraft.body, timeline.unseen_by_advisor(User.id),
               access_log.opened_lately(advisor.id, User.id))
        .select_from(User)
        .outerjoin(ContactRequest, and_(ContactRequest.resident_id == User.id, ContactRequest.handled_at.is_(None)))
        .outerjoin(StaffDraft, and_(StaffDraft.resident_id == User.id, StaffDraft.user_id == advisor.id))
        .where(User.id == resident.id)
    ).one()
    return OnPage(row[0], row[1], bool(row[2]), bool(row[3]))
