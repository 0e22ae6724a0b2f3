"""Who opened a resident's file: recorded for every staff read, and shown to the resident.

A read is a staff member loading the resident's page or one of their record pages, a page of older
entries, a poll that brings entries, or a recording played. One staff member reading the same file
again within 10 minutes is the same visit and is recorded once. A poll that finds nothing new reads
nothing, and stays one cheap statement.

Staff making a copy of all the resident's data (webapp/export) is shown in the same list. It is an event
of its own, so the 10-minute rule never hides it, nor hides the next opening behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, bindparam, exists, insert, literal, true
from sqlmodel import Session, select

from .db import lock_row, writing
from .models import COPENHAGEN, AuditEvent, User, UTCDateTime, utcnow

ACTION = "file_opened"
EXPORTED = "data_exported"
SAME_VISIT = timedelta(minutes=10)
SHOWN_DAYS = 90

WHAT = {
    "resident_page": _l("Resident page"),
    "overview": _l("Overview"),
    "barriers": _l("Barriers"),
    "goals": _l("Goals"),
    "appointments": _l("Appointments"),
    "older_entries": _l("Older messages"),
    "updates": _l("New messages"),
    "voice": _l("Voice message"),
    "export": _l("A copy of all the data"),
}


@dataclass(frozen=True)
class Look:
    name: str
    username: str
    role: str
    day: date
    what: str | None = None  # "export" for a copy of all the data; a page opened is not told apart

    @property
    def what_label(self):
        return WHAT.get(self.what or "")


def opened_lately(staff_id, resident_id, now=None, *, since=None):
    """Whether the staff member opened the file in the last 10 minutes: a column for a query. `since`: the
    start of those 10 minutes as a parameter of the caller's statement (`opened_since`)."""
    return exists().where(
        AuditEvent.action == ACTION,
        AuditEvent.actor_id == staff_id,
        AuditEvent.at >= (since if since is not None else (now or utcnow()) - SAME_VISIT),
        AuditEvent.subject_id == resident_id,
    )


def opened_since() -> datetime:
    """The start of the visit an opening now would belong to."""
    return utcnow() - SAME_VISIT


def _opened_lately(session: Session, staff: User, resident: User) -> bool:
    return bool(session.execute(select(opened_lately(staff.id, resident.id))).scalar())


def note_opening(session: Session, *, staff: User, resident: User, what: str) -> bool:
    """Record that `staff` opened `resident`'s file, unless they did in the last 10 minutes."""
    if _opened_lately(session, staff, resident):  # most views: a read, and no write at all
        return False
    with writing(session):
        return record_opening(session, staff=staff, resident=resident, what=what)


def note_read(session: Session, *, reader: User, resident: User, what: str) -> bool:
    """`note_opening` for any reader of the resident's content: the resident's own reads are not recorded."""
    if reader.id == resident.id:
        return False
    return note_opening(session, staff=reader, resident=resident, what=what)


def lock_for_opening(staff_id, resident_id, *, since=None):
    """For a page's first read: lock the staff member's row, as `record_opening` does, when this opening is one
    to record (none in the last 10 minutes), so that recording it later needs no statement of its own for the lock.
    A subquery to join; it locks nothing on SQLite, whose write transactions run one at a time."""
    return (
        select(User.id.label("locked_id"))
        .where(User.id == staff_id, ~opened_lately(staff_id, resident_id, since=since))
        .with_for_update()
        .subquery("opening_lock")
    )


def read_for_opening(session: Session, *, staff: User, resident_id: int) -> tuple[User | None, bool]:
    """The user `resident_id` names, and whether `staff` opened their file in the last 10 minutes: one statement,
    which also locks the staff member's row when this opening is one to record (`lock_for_opening`)."""
    row = session.exec(
        _read_for_opening(), params={"staff_id": staff.id, "resident_id": resident_id, "opened_since": opened_since()}
    ).first()
    return (row[0], bool(row[1])) if row is not None else (None, False)


@cache
def _read_for_opening():
    """Built once (building it costs about what running it does), run with the people and the time."""
    staff_id, resident_id = bindparam("staff_id"), bindparam("resident_id")
    since = bindparam("opened_since", type_=UTCDateTime())
    lock = lock_for_opening(staff_id, resident_id, since=since)
    return (
        select(User, opened_lately(staff_id, User.id, since=since))
        .outerjoin(lock, true())
        .where(User.id == resident_id)
    )


def record_opening(
    session: Session, *, staff: User, resident: User, what: str, locked: bool = False, along=None
) -> bool:
    """`note_opening` inside the caller's write transaction: one INSERT that adds nothing if the
    staff member opened the file in the last 10 minutes. `locked`: the transaction holds the staff
    member's row already (`lock_for_opening`). `along`: a write of PostgreSQL's WITH, made by the same statement."""
    if not locked:
        lock_row(session, User, staff.id)  # one staff member's openings are recorded one at a time
    now = utcnow()
    values = select(
        literal(now, UTCDateTime()),
        literal(ACTION),
        literal(staff.id),
        literal(resident.id),
        literal(""),
        literal(""),
        literal({"what": what}, JSON()),
        literal(False),  # written out: SQLAlchemy leaves a default's value unset in an INSERT with a WITH
    ).where(~opened_lately(staff.id, resident.id, now))
    statement = insert(AuditEvent).from_select(
        ["at", "action", "actor_id", "subject_id", "ip", "device", "detail", "about_erased"], values
    )
    inserted = session.execute(statement if along is None else statement.add_cte(along))
    return inserted.rowcount == 1


def looks_at(session: Session, *, resident: User) -> list[Look]:
    """Who opened the resident's file, or made a copy of all of it, in the last 90 days: one line per person,
    day and `what`, newest first."""
    found = session.exec(
        select(AuditEvent.at, AuditEvent.action, User.display_name, User.username, User.role)
        .join(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.subject_id == resident.id,
            AuditEvent.action.in_((ACTION, EXPORTED)),
            AuditEvent.actor_id != resident.id,  # the resident's own download of their data
            AuditEvent.at >= utcnow() - timedelta(days=SHOWN_DAYS),
        )
        .order_by(AuditEvent.id.desc())
        .limit(500)
    ).all()
    looks: list[Look] = []
    for at, action, name, username, role in found:
        look = Look(name, username, role, at.astimezone(COPENHAGEN).date(), "export" if action == EXPORTED else None)
        if look not in looks:
            looks.append(look)
    return looks
