"""The consent a resident gives when they join: plain words, one version at a time.

When the words change (in any language), raise VERSION: what each resident agreed to is
kept per version and language in consent_texts, stored the first time someone agrees.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlmodel import Session, select

from ..models import ConsentText

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


def keep_text(session: Session, *, locale: str) -> None:
    """Store the words of this version in this language the first time someone agrees to them."""
    exists = session.exec(
        select(ConsentText.id).where(ConsentText.version == VERSION, ConsentText.locale == locale)
    ).first()
    if exists is None:
        session.add(ConsentText(version=VERSION, locale=locale, body=as_text()))
