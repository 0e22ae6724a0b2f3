"""How are you today? One check-in per day; a second one that day changes the mood.

What else was said that day stays: the words stay on the check-in (and on the earlier entry,
as history), and a request to be contacted stays open until the advisor has made contact.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, select

from ..db import stored_after_all, writing
from ..models import COPENHAGEN, CheckIn, Entry, EntryKind, User, utcnow
from ..timeline import kinds
from ..timeline.services import add_entry
from ..timeline.services import by_key as entry_by_key
from . import contact

VERY_BAD = 1  # the one mood on which the resident may ask to be contacted


def today() -> date:
    return utcnow().astimezone(COPENHAGEN).date()


def todays(session: Session, *, resident: User) -> CheckIn | None:
    return session.exec(select(CheckIn).where(CheckIn.resident_id == resident.id, CheckIn.day == today())).first()


def check_in(
    session: Session, *, resident: User, mood: int, idempotency_key: str, _retried: bool = False
) -> tuple[CheckIn, bool]:
    """Record today's mood. Returns the check-in and whether it replaced an earlier one today.

    The same form sent twice (a double tap) changes nothing the second time.
    """
    if (done := entry_by_key(session, resident, idempotency_key)) is not None:
        return session.get(CheckIn, done.checkin_id), bool((done.data or {}).get("replaced"))
    day = today()
    try:
        with writing(session):
            checkin = session.exec(
                select(CheckIn)
                .where(CheckIn.resident_id == resident.id, CheckIn.day == day)
                .with_for_update()
                .execution_options(populate_existing=True)
            ).first()
            replaced = checkin is not None
            if checkin is None:
                checkin = CheckIn(resident_id=resident.id, day=day, mood=mood)
                session.add(checkin)
                session.flush()
            else:
                checkin.mood, checkin.updated_at = mood, utcnow()
            add_entry(
                session,
                resident=resident,
                author=resident,
                kind=EntryKind.CHECKIN,
                checkin_id=checkin.id,
                idempotency_key=idempotency_key,
                data=kinds.checkin(mood, replaced=replaced),
            )
    except IntegrityError:
        # Another request made today's check-in at the same moment: the twin of this one
        # (then it is done), or another device (then this one replaces it).
        if entry_by_key(session, resident, idempotency_key) is None and not _retried:
            return check_in(session, resident=resident, mood=mood, idempotency_key=idempotency_key, _retried=True)
        done = entry_by_key(session, resident, idempotency_key)
        return session.get(CheckIn, done.checkin_id), bool((done.data or {}).get("replaced"))
    except DBAPIError:
        # A connection lost at COMMIT: the check-in may be stored all the same.
        if (done := stored_after_all(session, lambda: entry_by_key(session, resident, idempotency_key))) is None:
            raise
        return session.get(CheckIn, done.checkin_id), bool((done.data or {}).get("replaced"))
    return checkin, replaced


def add_words(session: Session, *, resident: User, checkin: CheckIn, words: str | None, wants_contact: bool) -> None:
    """The optional few words, and for a very bad day the wish to be contacted, on today's check-in.

    Asking to be contacted opens a request that only the advisor closes; unticking does not withdraw it.
    It counts only while the day's mood, as stored now, is the very bad one: another phone may have
    changed it since the page was read.
    """
    with writing(session):
        mood = session.execute(select(CheckIn.mood).where(CheckIn.id == checkin.id).with_for_update()).scalar_one()
        wants_contact = wants_contact and mood == VERY_BAD
        session.execute(
            update(CheckIn)
            .where(CheckIn.id == checkin.id)
            .values(words=words or None, wants_contact=wants_contact or CheckIn.wants_contact, updated_at=utcnow())
        )
        if wants_contact:
            contact.ask(session, resident=resident, checkin=checkin)
        latest = session.exec(
            select(Entry)
            .where(Entry.checkin_id == checkin.id)
            .order_by(Entry.id.desc())
            .limit(1)
            .execution_options(populate_existing=True)
        ).first()
        if latest is not None:
            latest.body = words or None
            latest.data = kinds.checkin(
                latest.data["mood"], replaced=latest.data.get("replaced", False), wants_contact=wants_contact
            )
