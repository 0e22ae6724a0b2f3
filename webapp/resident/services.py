"""What a resident changes about themself: how their advisor reaches them, and their consent; and what
waits for them on their home page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, or_, update
from sqlmodel import Session, select

from .. import audit
from ..db import writing
from ..models import CheckIn, ContactRequest, StaffDraft, User, utcnow
from ..records.checkins import today
from ..signup import consent


@dataclass(frozen=True)
class OnHome:
    contact_request: ContactRequest | None  # their open "I want someone to contact me"
    draft: str | None  # words of theirs kept across a sign-out (timeline/drafts.py)
    todays_checkin: CheckIn | None = None  # how they said they are today


def on_home(session: Session, *, resident: User) -> OnHome:
    """All three in one query, as the advisor's `on_page`."""
    row = session.exec(
        select(ContactRequest, StaffDraft.body, CheckIn)
        .select_from(User)
        .outerjoin(ContactRequest, and_(ContactRequest.resident_id == User.id, ContactRequest.handled_at.is_(None)))
        .outerjoin(StaffDraft, and_(StaffDraft.resident_id == User.id, StaffDraft.user_id == User.id))
        .outerjoin(CheckIn, and_(CheckIn.resident_id == User.id, CheckIn.day == today()))
        .where(User.id == resident.id)
    ).first()
    return OnHome(*row) if row else OnHome(None, None)


def save_contact(session: Session, *, resident: User, phone: str | None, contact: str, device: str = "") -> bool:
    """Correct the phone number and contact preference; audit-logged (which fields, never the number)."""
    phone = phone or None
    with writing(session):
        changed = (
            session.execute(
                update(User)
                .where(
                    User.id == resident.id,
                    or_(User.phone.is_distinct_from(phone), User.contact_preference.is_distinct_from(contact)),
                )
                .values(phone=phone, contact_preference=contact)
                .execution_options(synchronize_session=False)
            ).rowcount
            == 1
        )
        if changed:
            fields = [
                name
                for name, old, new in (
                    ("phone", resident.phone, phone),
                    ("contact_preference", resident.contact_preference, contact),
                )
                if old != new
            ]
            audit.record(session, "contact_changed", actor=resident, subject=resident, device=device, fields=fields)
    resident.phone, resident.contact_preference = phone, contact
    return changed


def agree_again(session: Session, *, resident: User, locale: str) -> bool:
    """The resident agreed to the current consent, shown in `locale`."""
    with writing(session):
        agreed = consent.record_agreement(session, resident=resident, locale=locale, at=utcnow())
        if agreed:
            audit.record(
                session, "consent_given", actor=resident, subject=resident, version=consent.VERSION, locale=locale
            )
    if agreed:
        resident.consent_version = consent.VERSION
    return agreed
