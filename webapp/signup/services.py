"""Signing up a resident on the community-house tablet, led by a helper.

What the helper types is kept on the server as a draft, never in the tablet's browser, and for
an hour at most. The account is made only at the last step, when the resident has agreed and
chosen a PIN, so a sign-up left halfway leaves no account that can sign in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import audit, passwords
from ..auth import pairing
from ..db import lock_row, writing
from ..models import AuditEvent, HousingArea, Role, SignupDraft, User, utcnow
from . import consent
from .usernames import new_username

RECENT = timedelta(hours=24)
USERNAME_TRIES = 20


class TooManySignups(Exception):
    """The helper reached the hourly limit of new residents."""


class DraftGone(Exception):
    """The draft was used by a twin request (a double tap on the last step) or has expired."""


class ConsentNotGiven(Exception):
    """The draft holds no agreement to this version in the account's language (it changed since, or none was given)."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def purge_expired(session: Session) -> int:
    with writing(session):
        return session.execute(delete(SignupDraft).where(SignupDraft.expires_at <= utcnow())).rowcount


def start_draft(session: Session, *, helper: User, locale: str) -> str:
    token = secrets.token_urlsafe(24)
    now = utcnow()
    with writing(session):
        session.execute(delete(SignupDraft).where(SignupDraft.expires_at <= now))
        session.add(
            SignupDraft(
                token_hash=_hash(token),
                helper_id=helper.id,
                data={"locale": locale},
                created_at=now,
                expires_at=now + current_app.config["SIGNUP_DRAFT_LIFETIME"],
            )
        )
    return token


def find_draft(session: Session, *, helper: User, token: str | None) -> SignupDraft | None:
    if not token:
        return None
    return session.exec(
        select(SignupDraft).where(
            SignupDraft.token_hash == _hash(token),
            SignupDraft.helper_id == helper.id,
            SignupDraft.expires_at > utcnow(),
        )
    ).first()


def save_draft(session: Session, *, draft: SignupDraft, **changes) -> dict:
    """Merge what was typed into the draft. A new language drops the agreement: it was given to words in another."""
    with writing(session):
        # Merge into the row as it is now, not the copy read at the start of the request, and locked, so a
        # parallel merge (a second tab) waits for this one instead of writing over it.
        current = session.exec(select(SignupDraft.data).where(SignupDraft.id == draft.id).with_for_update()).one()
        data = {**current, **changes}
        if data.get("locale") != current.get("locale"):
            data.pop("consent", None)
        session.execute(update(SignupDraft).where(SignupDraft.id == draft.id).values(data=data))
    return data


def discard_draft(session: Session, *, draft: SignupDraft | None) -> None:
    if draft is None:
        return
    with writing(session):
        session.execute(delete(SignupDraft).where(SignupDraft.id == draft.id))


def too_many_signups(session: Session, *, helper: User) -> bool:
    """Inside the write that would add one more: the helper's row is locked first, so two parallel sign-ups
    by the same helper count one after the other (PostgreSQL; SQLite writes one at a time)."""
    lock_row(session, User, helper.id)
    count = session.exec(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "resident_signed_up",
            AuditEvent.actor_id == helper.id,
            AuditEvent.at > utcnow() - timedelta(hours=1),
        )
    ).one()
    return count >= current_app.config["SIGNUP_LIMIT_PER_HOUR"]


def create_resident(
    session: Session, *, helper: User, draft: SignupDraft, pin: str, ip: str = "", device: str = ""
) -> tuple[User, str]:
    """Make the account from a finished draft; returns it with a pairing token for the card's QR code.

    Refused with `TooManySignups`, `DraftGone`, or `ConsentNotGiven`, each decided inside the write on the
    rows as they are then.
    """
    secret_hash = passwords.hash_secret(pin)
    for _ in range(USERNAME_TRIES):
        try:
            resident = _insert_resident(
                session, helper=helper, draft=draft, secret_hash=secret_hash, ip=ip, device=device
            )
        except IntegrityError:  # someone took the same username this moment: draw another
            continue
        token = pairing.make_link(session, resident=resident, actor=helper, sets_pin=False, device=device)
        return resident, token
    raise RuntimeError("no free username")


def _insert_resident(
    session: Session, *, helper: User, draft: SignupDraft, secret_hash: str, ip: str, device: str
) -> User:
    now = utcnow()
    with writing(session):
        if too_many_signups(session, helper=helper):
            raise TooManySignups()
        # The draft as it is now, locked: a language changed in another tab since this request read it counts.
        data = session.execute(
            select(SignupDraft.data).where(SignupDraft.id == draft.id, SignupDraft.expires_at > now).with_for_update()
        ).scalar_one_or_none()
        if data is None:
            raise DraftGone()
        if not consent.agreed_in_draft(data):
            raise ConsentNotGiven()
        resident = User(
            username=new_username(),
            display_name=data["name"].strip(),
            role=Role.RESIDENT,
            locale=data["locale"],
            secret_hash=secret_hash,
            phone=data.get("phone") or None,
            contact_preference=data.get("contact"),
            housing_area_id=data.get("area_id"),
            signed_up_by_id=helper.id,
            created_at=now,
        )
        # Using up the draft is what makes the account, so a double tap makes exactly one.
        used = session.execute(delete(SignupDraft).where(SignupDraft.id == draft.id, SignupDraft.expires_at > now))
        if used.rowcount != 1:
            raise DraftGone()
        session.add(resident)
        session.flush()
        # The language and version the resident read: agreed_in_draft holds them equal to the account's and today's.
        consent.record_agreement(session, resident=resident, locale=data["consent"]["locale"], at=now)
        audit.record(
            session,
            "resident_signed_up",
            actor=helper,
            subject=resident,
            ip=ip,
            device=device,
            consent_version=consent.VERSION,
        )
    return resident


def signed_up_by(session: Session, *, helper: User) -> list[User]:
    """The residents this helper signed up in the last 24 hours: names only are shown."""
    return list(
        session.exec(
            select(User)
            .where(User.signed_up_by_id == helper.id, User.created_at > utcnow() - RECENT)
            .order_by(User.created_at.desc())
        ).all()
    )


def active_areas(session: Session) -> list[HousingArea]:
    return list(session.exec(select(HousingArea).where(HousingArea.active.is_(True)).order_by(HousingArea.name)).all())
