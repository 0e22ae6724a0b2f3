""" "I want someone to contact me": kept until the advisor says they made contact, and how.

A later check-in the same day, or any message from the advisor, does not end it: only
"I have contacted them" does, and the resident sees that in their timeline.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..db import change_if, writing
from ..models import CheckIn, ContactRequest, EntryKind, User, utcnow
from ..timeline import kinds
from ..timeline.services import add_entry


def open_request(session: Session, *, resident: User) -> ContactRequest | None:
    return session.exec(
        select(ContactRequest).where(ContactRequest.resident_id == resident.id, ContactRequest.handled_at.is_(None))
    ).first()


def ask(session: Session, *, resident: User, checkin: CheckIn) -> None:
    """Open a request, unless one is open already. Call inside a write transaction."""
    try:
        with session.begin_nested():
            session.add(ContactRequest(resident_id=resident.id, checkin_id=checkin.id))
    except IntegrityError:
        pass  # one is open: that one stands


def mark_handled(session: Session, *, resident: User, request: ContactRequest, advisor: User, how: str) -> bool:
    """The advisor made contact. Marked once: a second tap, or a colleague at the same moment, adds nothing."""
    with writing(session):
        changed = change_if(
            session,
            ContactRequest,
            request.id,
            ContactRequest.handled_at.is_(None),
            handled_at=utcnow(),
            handled_by=advisor.id,
            how=how,
        )
        if changed:
            add_entry(
                session, resident=resident, author=advisor, kind=EntryKind.CONTACT_MADE, data=kinds.contact_made(how)
            )
    return changed


def find(session: Session, *, resident: User, request_id: int) -> ContactRequest | None:
    request = session.get(ContactRequest, request_id)
    return request if request is not None and request.resident_id == resident.id else None
