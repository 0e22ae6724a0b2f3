"""The consent a resident gives when they join: plain words, one version at a time.

When the words change (in any language), raise VERSION: what each resident agreed to is
kept per version and language in consent_texts, stored the first time someone agrees.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, update
from sqlmodel import Session, select

from ..models import Consent, ConsentText, User

VERSION = "2026-12-06.2"

# The periods the words below name, as the retention run applies them (config.py). A test pins the two
# together: change the words and the defaults at once, and raise VERSION.
PERIODS_SAID = {"ERASE_WHEN_AWAY": 365, "ERASE_GRACE": 30, "AUDIT_ADDRESS_KEPT": 90, "AUDIT_EVENTS_KEPT": 730}


def paragraphs() -> list[tuple[str, str]]:
    """(heading, text) in the current language."""
    return [
        (
            _("What we keep"),
            _(
                "Your name, your phone number if you give it, your housing area, and what you write or say in "
                "Sammen: how you are, what stands in your way, your goals and your appointments. Also what your "
                "advisor writes to you, your situation as your advisor records it (for example in work or in "
                "education, with the hours and the employer), when you sign in and on which phone, and which staff "
                "open your page."
            ),
        ),
        (
            _("Who can see it"),
            _(
                "You and your personal job advisor from the job centre (jobcenter). If you get a new advisor, the "
                "new advisor can see it all too. The coordinator (the person who runs Sammen in the community "
                "house) can see your name, your username, who your advisor is and when you sign in. Until you "
                "have an advisor, the advisors of your housing area can see your name. The volunteer who helps "
                "you sign up can see your name for one day. Volunteers cannot see what you write. Nobody else can. "
                "The partnership that pays for Sammen (the municipality, the housing association and the fund) "
                "sees only numbers about groups of 5 residents or more, never who anyone is."
            ),
        ),
        (
            _("Your rights"),
            _(
                "Under “My data” in the app you can see all of it, correct your phone number, and download a "
                "copy. If you ask for a copy in writing, your advisor or the coordinator can make it for you, and "
                "you will see that they did. You can stop at any time under “My account”: your account closes at "
                "once, and everything is deleted after 30 days. You can also ask the coordinator to delete "
                "everything at once."
            ),
        ),
        (
            _("How long we keep it"),
            _(
                "As long as you use Sammen. If you do not sign in and nothing is written on your page for one "
                "year, everything is deleted. The record of when you signed in is kept for two years, and the "
                "internet address of your phone for 90 days."
            ),
        ),
    ]


def changes(since: str | None = None) -> list[str]:
    """What is new since the version the resident agreed to (all of it for one who agreed to none), oldest first."""
    by_version = [
        (
            "2026-12-06.1",
            [
                _(
                    "It now says that your advisor works at the job centre, "
                    "and that a new advisor can see everything too."
                ),
                _("It now says what the coordinator, the advisors of your housing area and the volunteers can see."),
                _("You can now see all your data, download it, and stop using Sammen, in the app."),
                _("It now says how long things are kept. After that, they are deleted by themselves."),
            ],
        ),
        (
            "2026-12-06.2",
            [
                _("Your advisor can now record your situation, for example when you start work or an education."),
                _(
                    "It now says that the partnership that pays for Sammen sees only numbers "
                    "about groups of 5 residents or more."
                ),
            ],
        ),
    ]
    return [change for version, said in by_version if since is None or version > since for change in said]


def as_text() -> str:
    return "\n\n".join(f"{heading}\n{text}" for heading, text in paragraphs())


def shown(locale: str, version: str | None = None) -> dict:
    """What a sign-up draft keeps when the resident agrees: the version and the language of the words on the
    screen (this version unless told). A change of the draft's language drops it (services.save_draft)."""
    return {"version": version or VERSION, "locale": locale}


def agreed_in_draft(data: dict) -> bool:
    """The resident agreed to this version, on the screen in the language their account will have."""
    given = data.get("consent")
    return isinstance(given, dict) and given == shown(data.get("locale"))


def record_agreement(session: Session, *, resident: User, locale: str, at: datetime) -> bool:
    """Inside a write: the resident agreed to this version in this language. False if they already had."""
    changed = (
        session.execute(
            update(User)
            .where(User.id == resident.id, or_(User.consent_version.is_(None), User.consent_version != VERSION))
            .values(consent_version=VERSION, consented_at=at)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )
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
        with force_locale(locale):  # the words in that language, whatever the request's own
            session.add(ConsentText(version=VERSION, locale=locale, body=as_text()))


@dataclass(frozen=True)
class Given:
    version: str
    locale: str
    agreed_at: datetime
    words: str | None  # as they were shown; None for a consent given before the words were kept


def consents_of(session: Session, *, resident: User) -> list[Given]:
    """Every version the resident agreed to, newest first, with the words they read."""
    found = session.execute(
        select(Consent.version, Consent.locale, Consent.agreed_at, ConsentText.body)
        .outerjoin(ConsentText, (ConsentText.version == Consent.version) & (ConsentText.locale == Consent.locale))
        .where(Consent.resident_id == resident.id)
        .order_by(Consent.agreed_at.desc(), Consent.id.desc())
    ).all()
    return [Given(*row) for row in found]


def is_current(user: User) -> bool:
    return user.consent_version == VERSION
