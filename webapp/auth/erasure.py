"""Removing a resident for good: their account, everything they and others wrote in their timeline,
their records, their devices, and their voice messages.

The audit log keeps that it happened, but no longer who it was: events about them or by them lose
the link to the account, their details, and the address and kind of device they came from.
"""
from __future__ import annotations

from sqlalchemy import delete, or_, select, update
from sqlmodel import Session

from .. import audit
from ..db import writing
from ..models import (Appointment, AuditEvent, Barrier, CheckIn, Consent, ContactRequest, DeviceSession, Entry, Goal,
                      GoalStep, PairingLink, ResidentActivity, StaffDraft, TrustedDevice, User)
from ..storage import audio_store

# Children before parents: entries point at records, steps at goals, sessions at devices.
OWNED_BY_RESIDENT = (Entry, Consent, ContactRequest, StaffDraft, PairingLink, ResidentActivity, Appointment, Barrier,
                     CheckIn)


def erase_resident(session: Session, *, resident: User, actor: User | None) -> None:
    if not resident.is_resident:
        raise ValueError("only residents are erased this way")
    resident_id = resident.id
    with writing(session):
        goal_ids = select(Goal.id).where(Goal.resident_id == resident_id)
        devices = select(TrustedDevice.id).where(TrustedDevice.resident_id == resident_id)
        session.execute(delete(DeviceSession).where(or_(DeviceSession.user_id == resident_id,
                                                        DeviceSession.trusted_device_id.in_(devices))))
        session.execute(delete(TrustedDevice).where(TrustedDevice.resident_id == resident_id))
        for model in OWNED_BY_RESIDENT:
            session.execute(delete(model).where(model.resident_id == resident_id))
        session.execute(delete(GoalStep).where(GoalStep.goal_id.in_(goal_ids)))
        session.execute(delete(Goal).where(Goal.resident_id == resident_id))
        session.execute(update(AuditEvent).where(AuditEvent.subject_id == resident_id)
                        .values(subject_id=None, detail=None, ip="", device=""))
        session.execute(update(AuditEvent).where(AuditEvent.actor_id == resident_id)
                        .values(actor_id=None, detail=None, ip="", device=""))
        session.expunge(resident)
        session.execute(delete(User).where(User.id == resident_id))
        audit.record(session, "resident_erased", actor=actor)
    # After the commit: if it had failed, the recordings would still belong to a resident.
    audio_store().delete_resident(resident_id)
