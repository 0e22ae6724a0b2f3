"""The consent a resident gives when they join: plain words, one version at a time.

When the words change (in any language), raise VERSION: what each resident agreed to is
kept per version and language in consent_texts, stored the first time someone agrees.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, update
from sqlmodel import Session, select

from ..models import Consent, ConsentText, User

VERSION = "2026-11-25.2"


def paragraphs() -> list[tuple[str, str]]:
    """(heading, text) in the current language."""
    return [
        (_("What we keep"),
         _("Your name, your phone number if you give it, your housing area, and what you write or record in Sammen: how you are, what stands in your way, your goals and your appointments.")),
        (_("Who can see it"),
         _("You and your personal job advisor. The coordinator can see your name and who your advisor is. Volunteers cannot see what you write. Nobody else can.")),
        (_("Your rights"),
         _("You can see all of it in the app, at any time. You can ask your advisor or the community house to delete it, and it will be deleted.")),
        (_("How long we keep it"),
         _("As long as you use Sammen. When you stop, or one year after your last visit, it is deleted.")),
    ]


def as_text() -> str:
    return "\n\n".join(f"{heading}\n{text}" for heading, text in paragraphs())


def shown(locale: str) -> dict:
    """What a sign-up draft keeps when the resident agrees: this version, in the language it was shown in."""
    return {"version": VERSION, "locale": locale}


def agreed_in_draft(data: dict) -> bool:
    """The resident agreed to this version, on the screen in the language their account will have."""
    given = data.get("consent")
    return isinstance(given, dict) and given == shown(data.get("locale"))


def record_agreement(session: Session, *, resident: User, locale: str, at: datetime) -> bool:
    """Inside a write: the resident agreed to this version in this language. False if they already had."""
    changed = session.execute(
        update(User).where(User.id == resident.id,
                           or_(User.consent_version.is_(None), User.consent_version != VERSION))
        .values(consent_version=VERSION, consented_at=at).execution_options(synchronize_session=False)
    ).rowcount == 1
    if changed:
        keep_text(session, locale=locale)
        session.add(Consent(resident_id=resident.id, version=VERSION, locale=locale, agreed_at=at))
    return changed


def keep_text(session: Session, *, locale: str) -> None:
    """Store the words of this version in this language the first time someone agrees to them."""
    exists = session.exec(
        select(ConsentText.id).where(ConsentText.version == VERSION, ConsentText.locale == locale)
    ).first()
    if exists is None:
        session.add(ConsentText(version=VERSION, locale=locale, body=as_text()))
