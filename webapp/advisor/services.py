"""The advisor's caseload, ordered by need, with the reasons on each row — in one query."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from functools import cache

from sqlalchemy import and_, bindparam, func, or_, true
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from .. import file_openings, retention
from ..models import (
    COPENHAGEN,
    OPEN_BARRIER_STATUSES,
    Appointment,
    AppointmentStatus,
    Barrier,
    CheckIn,
    ContactRequest,
    FollowUp,
    ResidentActivity,
    ResidentSituation,
    Role,
    Situation,
    SituationCategory,
    StaffDraft,
    User,
    UTCDateTime,
    utcnow,
)
from ..outcomes import situations
from ..records.catalog import LOW_MOOD, TROUBLE_RESPONSES
from ..records.checkins import today
from ..timeline import services as timeline

# The order of need; pages/caseload.py says how each reason is shown.
REASONS = ("urgent", "contact", "waiting", "told", "low_mood", "appointment", "barrier", "follow_up", "quiet")
RANK = {reason: rank for rank, reason in enumerate(REASONS)}
QUIET_DAYS = 14
LOW_MOOD_DAYS = 7


@dataclass(frozen=True)
class FollowUpDue:
    """The follow-up the advisor is to make now, of the stretch in work or education the resident is in."""

    months: int  # 1, 3, 6 or 12 after the start
    category: str  # SituationCategory.WORK or EDUCATION
    hours: int | None  # a week, as last recorded: "still there" keeps them unless changed
    asks_hours: bool


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
    told_phrase: str | None = None  # "I started working" and the like, until a situation is recorded after it
    follow_up: FollowUpDue | None = None
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
    contact_since = _scalar(
        select(func.min(ContactRequest.asked_at)).where(
            ContactRequest.resident_id == User.id, ContactRequest.handled_at.is_(None)
        )
    )
    recent_low_since = _scalar(
        select(func.min(CheckIn.updated_at)).where(
            CheckIn.resident_id == User.id, CheckIn.mood <= LOW_MOOD, CheckIn.day >= day - timedelta(days=LOW_MOOD_DAYS)
        )
    )
    earlier = aliased(CheckIn)
    second_latest_day = _scalar(
        select(earlier.day).where(earlier.resident_id == User.id).order_by(earlier.day.desc()).limit(1).offset(1)
    )
    last_two_best = _scalar(
        select(func.max(CheckIn.mood)).where(CheckIn.resident_id == User.id, CheckIn.day >= second_latest_day)
    )
    last_checkin = _scalar(select(func.max(CheckIn.day)).where(CheckIn.resident_id == User.id))
    trouble_since = _scalar(
        select(func.min(Appointment.updated_at)).where(
            Appointment.resident_id == User.id,
            Appointment.status == AppointmentStatus.PLANNED,
            Appointment.starts_at > now,
            Appointment.response.in_(TROUBLE_RESPONSES),
            Appointment.response_version == Appointment.version,
        )
    )
    new_barrier_since = _scalar(
        select(func.min(Barrier.created_at)).where(
            Barrier.resident_id == User.id, Barrier.acknowledged_at.is_(None), Barrier.status.in_(OPEN_BARRIER_STATUSES)
        )
    )
    # The situation now, a column at a time: each a step back along ix_resident_situations_resident_starts.
    # (Joined instead, on the newest one's id, PostgreSQL reads every resident's situations to hash them.)
    run_starts_on = _situation_now(ResidentSituation.run_starts_on, day)
    follow_up_done = _scalar(
        select(func.max(FollowUp.months)).where(
            FollowUp.resident_id == User.id, FollowUp.run_starts_on == run_starts_on
        )
    )
    # A "told" phrase waits for a situation recorded after it, whatever day that situation starts.
    situation_recorded_at = _scalar(
        select(func.max(ResidentSituation.recorded_at)).where(ResidentSituation.resident_id == User.id)
    )

    rows = session.exec(
        select(
            User.id,
            User.display_name,
            User.created_at,
            ResidentActivity.waiting_count,
            ResidentActivity.waiting_since,
            ResidentActivity.last_entry_at,
            ResidentActivity.last_answer_at,
            ResidentActivity.urgent_phrase,
            ResidentActivity.urgent_at,
            ResidentActivity.told_phrase,
            ResidentActivity.told_at,
            situation_recorded_at.label("situation_recorded_at"),
            contact_since.label("contact"),
            recent_low_since.label("low"),
            last_two_best.label("two_best"),
            second_latest_day.label("second_day"),
            last_checkin.label("last_day"),
            trouble_since.label("trouble"),
            new_barrier_since.label("barrier"),
            run_starts_on.label("run_starts_on"),
            _situation_now(ResidentSituation.hours_per_week, day).label("hours_per_week"),
            _situation_now(Situation.category, day).label("category"),
            _situation_now(Situation.asks_hours, day).label("asks_hours"),
            follow_up_done.label("follow_up_done"),
            User.last_sign_in_at,
            User.active,
            User.stopped_at,
            User.erase_after,
        )
        .outerjoin(ResidentActivity, ResidentActivity.resident_id == User.id)
        .where(
            User.advisor_id == advisor.id,
            User.role == Role.RESIDENT,
            or_(User.active.is_(True), User.erase_after.is_not(None)),
        )
        .order_by(User.display_name)
    ).all()
    result = []
    for found in rows:
        activity, answered = found.last_entry_at, found.last_answer_at
        row = CaseloadRow(
            found.id,
            found.display_name,
            found.waiting_count or 0,
            found.waiting_since,
            activity,
            closed=not found.active,
            stopped_at=found.stopped_at,
            deleted_on=retention.deletion_date(
                created_at=found.created_at,
                last_sign_in_at=found.last_sign_in_at,
                last_entry_at=activity,
                erase_after=found.erase_after,
                now=now,
            ),
        )
        if not found.active:
            result.append(row)
            continue
        urgent_at, told_at = found.urgent_at, found.told_at
        unanswered_urgent = urgent_at is not None and (answered is None or urgent_at > answered)
        row.urgent_phrase = found.urgent_phrase if unanswered_urgent else None
        recorded = found.situation_recorded_at
        told = told_at is not None and (recorded is None or recorded <= told_at)
        row.told_phrase = found.told_phrase if told else None
        row.follow_up = _follow_up_due(found, day)
        in_work = found.category == SituationCategory.WORK
        quiet_since = None if in_work else _quiet_since(found.last_day, found.created_at, now)
        second_day = found.second_day
        two_bad_in_a_row = second_day is not None and found.two_best is not None and found.two_best <= LOW_MOOD
        for reason, applies, since in (
            ("urgent", unanswered_urgent, urgent_at),
            ("contact", found.contact is not None, found.contact),
            ("waiting", bool(found.waiting_count), found.waiting_since),
            ("told", told, told_at),
            ("low_mood", found.low is not None or two_bad_in_a_row, found.low or _start_of(second_day)),
            ("appointment", found.trouble is not None, found.trouble),
            ("barrier", found.barrier is not None, found.barrier),
            ("follow_up", row.follow_up is not None, row.follow_up and _due_since(found.run_starts_on, row.follow_up)),
            ("quiet", quiet_since is not None, quiet_since),
        ):
            if applies:
                row.reasons.append(reason)
                row.since[reason] = since
        result.append(row)
    return sorted(result, key=lambda row: row.sort_key)


def _situation_now(column, day):
    """Of the resident's situation now (the newest that has started, by start date then id), this column."""
    query = select(column).select_from(ResidentSituation)
    if column.class_ is Situation:
        query = query.join(Situation, Situation.id == ResidentSituation.situation_id)
    return _scalar(
        query.where(ResidentSituation.resident_id == User.id, ResidentSituation.starts_on <= day)
        .order_by(ResidentSituation.starts_on.desc(), ResidentSituation.id.desc())
        .limit(1)
    )


def _follow_up_due(found, day) -> FollowUpDue | None:
    if found.run_starts_on is None or found.category not in situations.FOLLOWED_UP:
        return None
    months = situations.due_follow_up(found.run_starts_on, found.follow_up_done, day)
    if months is None:
        return None
    return FollowUpDue(months, found.category, found.hours_per_week, bool(found.asks_hours))


def _due_since(run_starts_on, due: FollowUpDue) -> datetime:
    """The morning the follow-up fell due, in Copenhagen, where the days are counted."""
    return datetime.combine(situations.add_months(run_starts_on, due.months), time(), tzinfo=COPENHAGEN)


def _start_of(day) -> datetime | None:
    return datetime.combine(day, time(), tzinfo=UTC) if day else None


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
    opening_locked: bool = False  # if not, the read locked what recording this opening needs (`lock_for_opening`)


def _with_on_page(advisor_id, opened_since=None):
    return (
        select(
            User,
            ContactRequest,
            StaffDraft.body,
            timeline.unseen_by_advisor(User.id),
            file_openings.opened_lately(advisor_id, User.id, since=opened_since),
        )
        .select_from(User)
        .outerjoin(ContactRequest, and_(ContactRequest.resident_id == User.id, ContactRequest.handled_at.is_(None)))
        .outerjoin(StaffDraft, and_(StaffDraft.resident_id == User.id, StaffDraft.user_id == advisor_id))
    )


def on_page(session: Session, *, advisor: User, resident: User) -> OnPage:
    """All of it in one query."""
    _user, contact_request, draft, unseen, opened_lately = session.exec(
        _with_on_page(advisor.id).where(User.id == resident.id)
    ).one()
    return OnPage(contact_request, draft, bool(unseen), bool(opened_lately))


@cache
def _resident_on_page():
    """Built once (building it costs about what running it does), run with the advisor, the resident and the time."""
    advisor_id, resident_id = bindparam("advisor_id"), bindparam("resident_id")
    since = bindparam("opened_since", type_=UTCDateTime())
    lock = file_openings.lock_for_opening(advisor_id, resident_id, since=since)
    return _with_on_page(advisor_id, since).outerjoin(lock, true()).where(User.id == resident_id)


def resident_on_page(session: Session, *, advisor: User, resident_id: int) -> tuple[User | None, OnPage | None]:
    """The user the advisor's page asks for, read with what waits on their page, in one query; whether the
    advisor may see them is the caller's to ask (`policy.may_see_timeline`)."""
    row = session.exec(
        _resident_on_page(),
        params={"advisor_id": advisor.id, "resident_id": resident_id, "opened_since": file_openings.opened_since()},
    ).first()
    if row is None:
        return None, None
    user, contact_request, draft, unseen, opened_lately = row
    return user, OnPage(contact_request, draft, bool(unseen), bool(opened_lately), opening_locked=not opened_lately)
