"""A resident's list of their own phones ("My phones"): each named by its kind and browser, with the day it
was paired and the day she last signed in on it, and the phone the page is open on marked and first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from ..devices import browser_of
from ..models import DeviceSession, TrustedDevice, User
from .pairing import PHONE


@dataclass(frozen=True)
class Phone:
    id: int
    device: str  # the kind, e.g. "android_phone"; see devices.py
    browser: str  # e.g. "chrome", "" when unknown or never signed in
    paired_at: datetime
    last_sign_in_at: datetime | None
    this_phone: bool  # the phone this page is open on


def phones_listed(session: Session, *, resident: User, this_phone_id: int | None = None) -> list[Phone]:
    """The resident's live phones: this phone first, then the one used most lately.

    The browser and the last sign-in come from the newest sign-in on each phone; pairing the phone again
    keeps its entry (pairing.py), so they survive a new QR code.
    """
    newest = (
        select(DeviceSession.trusted_device_id, func.max(DeviceSession.id).label("session_id"))
        .where(DeviceSession.user_id == resident.id, DeviceSession.trusted_device_id.is_not(None))
        .group_by(DeviceSession.trusted_device_id)
        .subquery()
    )
    found = session.execute(
        select(
            TrustedDevice.id,
            TrustedDevice.device,
            TrustedDevice.created_at,
            DeviceSession.created_at,
            DeviceSession.user_agent,
        )
        .outerjoin(newest, newest.c.trusted_device_id == TrustedDevice.id)
        .outerjoin(DeviceSession, DeviceSession.id == newest.c.session_id)
        .where(
            TrustedDevice.resident_id == resident.id, TrustedDevice.kind == PHONE, TrustedDevice.revoked_at.is_(None)
        )
    ).all()
    phones = [
        Phone(
            id=phone_id,
            device=device,
            browser=browser_of(agent),
            paired_at=paired_at,
            last_sign_in_at=signed_in_at,
            this_phone=phone_id == this_phone_id,
        )
        for phone_id, device, paired_at, signed_in_at, agent in found
    ]
    return sorted(
        phones,
        key=lambda phone: (not phone.this_phone, -(phone.last_sign_in_at or phone.paired_at).timestamp(), -phone.id),
    )


def phone_of(session: Session, *, resident: User, phone_id: int, this_phone_id: int | None = None) -> Phone | None:
    """One live phone of the resident's, or None: another resident's phone is not found either."""
    return next(
        (
            phone
            for phone in phones_listed(session, resident=resident, this_phone_id=this_phone_id)
            if phone.id == phone_id
        ),
        None,
    )
