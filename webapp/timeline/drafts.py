"""Words in the message box when the sign-in ended, kept on the server until the same person is back.

Only on the server, per writer and resident (a resident's own words: writer and resident are the same):
phones and computers are shared, so nothing of it is kept in the browser, and only the same person,
signed in again, gets it back. Which sign-in a page belongs to is written in the page as a signed ticket,
since signing out clears the browser's cookies while the page with the words is still open.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ..db import writing
from ..models import StaffDraft, User, utcnow

TICKET_FIELD = "sign_in_ticket"


def _tickets() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="timeline.unsent-words")


def ticket(*, device_session_id: int, resident_id: int) -> str:
    """What the message form carries: this sign-in and this timeline, signed, so nobody can make one up."""
    return _tickets().dumps([device_session_id, resident_id])


def sign_in_of(text: str | None, *, resident_id: int) -> int | None:
    """The device session a ticket names, if the ticket is the app's own and was made for this timeline."""
    if not text:
        return None
    try:
        device_session_id, for_resident = _tickets().loads(text)
    except (BadSignature, TypeError, ValueError):
        return None
    if for_resident != resident_id or not isinstance(device_session_id, int):
        return None
    return device_session_id


def keep(session: Session, *, user: User, resident_id: int, body: str) -> None:
    with writing(session):
        changed = session.execute(
            update(StaffDraft)
            .where(StaffDraft.user_id == user.id, StaffDraft.resident_id == resident_id)
            .values(body=body, updated_at=utcnow())
        )
        if changed.rowcount == 0:
            try:
                with session.begin_nested():
                    session.add(StaffDraft(user_id=user.id, resident_id=resident_id, body=body))
            except IntegrityError:  # a twin request kept it a moment ago
                pass


def discard(session: Session, *, user: User, resident: User) -> None:
    """Once the message it was kept for is sent."""
    with writing(session):
        session.execute(delete(StaffDraft).where(StaffDraft.user_id == user.id, StaffDraft.resident_id == resident.id))
