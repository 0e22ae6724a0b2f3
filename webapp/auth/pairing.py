"""Pairing links in QR codes, and the phones and tablets a resident's PIN works on.

A resident's PIN alone is too weak for the open internet, so it only unlocks something
they hold: a phone paired by a one-time link, or a community-house tablet a coordinator
registered. Both are a long-lived random cookie whose hash is kept here.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from .. import audit, passwords
from ..db import writing
from ..models import AuditEvent, DeviceSession, PairingLink, TrustedDevice, User, utcnow
from ..timeline.services import note_phone_set_up

PHONE, TABLET = "phone", "tablet"
SETUPS_SHOWN = 20


@dataclass(frozen=True)
class PhoneSetUp:
    at: datetime
    device: str
    new_pin: bool
    maker_name: str | None  # None: a link made on the server's command line
    maker_username: str | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def make_link(
    session: Session,
    *,
    resident: User,
    actor: User | None,
    sets_pin: bool,
    device: str = "",
    not_after: datetime | None = None,
) -> str:
    """A fresh one-time pairing link for one resident; returns the token for the QR code.

    `not_after`: the link dies then at the latest (a volunteer's help with a resident lapses).
    """
    token = secrets.token_urlsafe(24)
    now = utcnow()
    expires_at = now + current_app.config["PAIRING_LINK_LIFETIME"]
    if not_after is not None:
        expires_at = min(expires_at, not_after)
    with writing(session):
        session.add(
            PairingLink(
                resident_id=resident.id,
                token_hash=token_hash(token),
                created_by_id=actor.id if actor else None,
                sets_pin=sets_pin,
                created_at=now,
                expires_at=expires_at,
            )
        )
        audit.record(session, "pairing_link_made", actor=actor, subject=resident, device=device, sets_pin=sets_pin)
    return token


def open_link(session: Session, token: str) -> tuple[PairingLink, User] | None:
    """The link and its resident, if the link can still be used."""
    row = session.exec(
        select(PairingLink, User)
        .join(User, User.id == PairingLink.resident_id)
        .where(PairingLink.token_hash == token_hash(token))
    ).first()
    if row is None:
        return None
    link, resident = row
    if link.used_at is not None or link.expires_at <= utcnow() or not resident.active:
        return None
    return link, resident


def pair_phone(
    session: Session,
    *,
    link: PairingLink,
    resident: User,
    device: str = "",
    ip: str = "",
    new_pin: str | None = None,
    held: TrustedDevice | None = None,
) -> str | None:
    """Use a link once: the phone becomes the resident's; returns the token for its cookie.

    A link that sets a PIN resets it too. The helper who made the link is recorded as answerable for
    both, and the resident is told in their timeline (which their advisor reads too, and which their
    other phones fetch at their next poll). None when a twin request used the link first.

    `held`: what this browser's device cookie already stands for. A phone already paired with this
    resident (a forgotten PIN, a second QR code) keeps its one entry with a new key, and its sign-ins
    with the old key end; anything else gets an entry of its own.
    """
    if link.sets_pin and new_pin is None:
        raise ValueError("this link needs a new PIN")
    new_hash = passwords.hash_secret(new_pin) if link.sets_pin else None  # slow: before the transaction
    device_token = secrets.token_urlsafe(32)
    now = utcnow()
    with writing(session):
        used = session.execute(
            update(PairingLink)
            .where(PairingLink.id == link.id, PairingLink.used_at.is_(None), PairingLink.expires_at > now)
            .values(used_at=now)
        )
        if used.rowcount != 1:
            return None
        maker = session.get(User, link.created_by_id) if link.created_by_id else None
        phone_id = _pair_again(
            session, held=held, resident=resident, link=link, token=device_token, device=device, now=now
        )
        again = {"replaced": True} if phone_id is not None else {}
        if phone_id is None:
            phone = TrustedDevice(
                kind=PHONE,
                resident_id=resident.id,
                token_hash=token_hash(device_token),
                device=device,
                created_by_id=link.created_by_id,
                created_at=now,
            )
            session.add(phone)
            session.flush()
            phone_id = phone.id
        audit.record(
            session,
            "phone_paired",
            actor=maker,
            subject=resident,
            ip=ip,
            device=device,
            trusted_device=phone_id,
            link=link.id,
            new_pin=link.sets_pin,
            **again,
        )
        if new_hash is not None:
            _reset_pin(session, resident=resident, maker=maker, new_hash=new_hash, now=now, ip=ip, device=device)
        note_phone_set_up(session, resident=resident, made_by=maker, device=device, new_pin=link.sets_pin)
    return device_token


def _pair_again(
    session: Session,
    *,
    held: TrustedDevice | None,
    resident: User,
    link: PairingLink,
    token: str,
    device: str,
    now: datetime,
) -> int | None:
    """Give the resident's phone this browser already is a new key; its id, or None if it is no such phone
    (any more: removed from another phone a moment ago)."""
    if held is None or held.kind != PHONE or held.resident_id != resident.id:
        return None
    again = session.execute(
        update(TrustedDevice)
        .where(
            TrustedDevice.id == held.id,
            TrustedDevice.resident_id == resident.id,
            TrustedDevice.kind == PHONE,
            TrustedDevice.revoked_at.is_(None),
        )
        .values(token_hash=token_hash(token), device=device, created_by_id=link.created_by_id, created_at=now)
    )
    if again.rowcount != 1:
        return None
    # Sign-ins made with the old key end with it: none is left over as a second row on the account page.
    session.execute(
        update(DeviceSession)
        .where(DeviceSession.trusted_device_id == held.id, DeviceSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return held.id


def _reset_pin(
    session: Session, *, resident: User, maker: User | None, new_hash: str, now, ip: str, device: str
) -> None:
    """A helper in the community house made the link, so the lock after wrong tries opens too."""
    session.execute(
        update(User)
        .where(User.id == resident.id)
        .values(secret_hash=new_hash, failed_logins=0, lock_count=0, locked_until=None, unlock_by_staff=False)
    )
    signed_out = session.execute(
        update(DeviceSession)
        .where(DeviceSession.user_id == resident.id, DeviceSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    audit.record(
        session,
        "pin_reset",
        actor=maker,
        subject=resident,
        ip=ip,
        device=device,
        signed_out_devices=signed_out.rowcount,
    )


def setups_of(session: Session, *, resident: User) -> list[PhoneSetUp]:
    """The phones set up for the resident with a QR code, newest first: when, on what, and whose code."""
    maker = aliased(User)
    found = session.execute(
        select(AuditEvent.at, AuditEvent.device, AuditEvent.detail, maker.display_name, maker.username)
        .outerjoin(maker, maker.id == AuditEvent.actor_id)
        .where(AuditEvent.subject_id == resident.id, AuditEvent.action == "phone_paired")
        .order_by(AuditEvent.id.desc())
        .limit(SETUPS_SHOWN)
    ).all()
    return [
        PhoneSetUp(
            at=at, device=device, new_pin=bool((detail or {}).get("new_pin")), maker_name=name, maker_username=username
        )
        for at, device, detail, name, username in found
    ]


def record_failure(session: Session, *, ip: str, device: str) -> None:
    with writing(session):
        audit.record(session, "pairing_failed", ip=ip, device=device)


def too_many_failures(session: Session, *, ip: str) -> bool:
    if not ip:
        return False
    count = session.exec(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "pairing_failed", AuditEvent.ip == ip, AuditEvent.at > utcnow() - timedelta(minutes=15)
        )
    ).one()
    return count >= current_app.config["PAIRING_FAILURE_LIMIT"]


def trusted_device(session: Session, token: str | None) -> tuple[TrustedDevice, User | None] | None:
    """The live phone or tablet a device cookie stands for, with the phone's resident."""
    if not token:
        return None
    row = session.exec(
        select(TrustedDevice, User)
        .outerjoin(User, User.id == TrustedDevice.resident_id)
        .where(TrustedDevice.token_hash == token_hash(token), TrustedDevice.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    device, resident = row
    # A closed account's phone is still known until the erasure, so it can say the account is closed.
    if device.kind == PHONE and (resident is None or not (resident.active or resident.erase_after)):
        return None
    return device, resident


def register_tablet(session: Session, *, actor: User, name: str, locale: str, device: str = "", ip: str = "") -> str:
    token = secrets.token_urlsafe(32)
    with writing(session):
        tablet = TrustedDevice(
            kind=TABLET, token_hash=token_hash(token), device=device, name=name, locale=locale, created_by_id=actor.id
        )
        session.add(tablet)
        session.flush()
        audit.record(
            session, "tablet_registered", actor=actor, ip=ip, device=device, trusted_device=tablet.id, name=name
        )
    return token


def remove(
    session: Session, *, devices, actor: User | None, subject: User | None, ip: str = "", device: str = ""
) -> int:
    """Forget phones or tablets; their sign-ins end in the same transaction, so they stop at once."""
    ids = [item.id for item in devices]
    if not ids:
        return 0
    now = utcnow()
    with writing(session):
        removed = session.execute(
            update(TrustedDevice)
            .where(TrustedDevice.id.in_(ids), TrustedDevice.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        session.execute(
            update(DeviceSession)
            .where(DeviceSession.trusted_device_id.in_(ids), DeviceSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        if removed.rowcount:
            audit.record(
                session, "device_removed", actor=actor, subject=subject, ip=ip, device=device, trusted_devices=ids
            )
    return removed.rowcount


def phones_of(session: Session, *, resident: User) -> list[TrustedDevice]:
    return list(
        session.exec(
            select(TrustedDevice)
            .where(
                TrustedDevice.resident_id == resident.id,
                TrustedDevice.kind == PHONE,
                TrustedDevice.revoked_at.is_(None),
            )
            .order_by(TrustedDevice.created_at.desc())
        ).all()
    )


def tablets(session: Session) -> list[TrustedDevice]:
    return list(
        session.exec(
            select(TrustedDevice)
            .where(TrustedDevice.kind == TABLET, TrustedDevice.revoked_at.is_(None))
            .order_by(TrustedDevice.created_at.desc())
        ).all()
    )
