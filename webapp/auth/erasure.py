"""Removing a resident for good: every trace of the person, not just the link to them.

What goes, in one transaction:

* their account, everything in their timeline (by them or their advisor), their records, their
  situations with employers and follow-ups, how long they waited for answers, consents,
  drafts kept for them, pairing links, phones and the sign-ins made on them; their voice messages
  after the commit;
* audit events they did, and events about them that no staff member did (a wrong PIN, a lock);
* audit events that hold their username: a failed sign-in keeps the name typed when no account could
  sign in with it (a closed account, or a resident's name typed on the staff form);
* a helper's unfinished sign-up that holds their name or phone number (kept an hour at most; a second
  sign-up of the same person left halfway).

Audit events about them that staff did (an advisor opening their page, the coordinator assigning an
advisor) stay, so staff remain answerable, but lose who it was about, their detail, and the address and
kind of device; they are marked `about_erased`, and the retention run deletes them after two years.
The log keeps one line of the erasure itself: "resident_erased", when, and who did it.

Where else a resident's name could be: timeline entries copy names only of staff (`advisor_changed`
names the new advisor, `phone_set_up` whoever made the QR code), and only into the resident's own
timeline, which goes. Messages in other timelines are free text and are not searched.

On SQLite, deleted rows are zeroed in the file (`secure_delete`); `checkpoint` then empties the
write-ahead log. On PostgreSQL they stay in the table files until vacuum (docs/privacy.md).
"""

from __future__ import annotations

from sqlalchemy import delete, or_, select, update
from sqlmodel import Session

from .. import audit, oplog
from ..db import checkpoint as empty_log
from ..db import lock_row, writing
from ..models import (
    AnswerTime,
    Appointment,
    AuditEvent,
    Barrier,
    CheckIn,
    Consent,
    ContactRequest,
    DeviceSession,
    Entry,
    FollowUp,
    Goal,
    GoalStep,
    PairingLink,
    ResidentActivity,
    ResidentSituation,
    Role,
    SignupDraft,
    StaffDraft,
    TrustedDevice,
    User,
)
from ..storage import audio_store

# Children before parents: entries point at records, steps at goals, sessions at devices.
OWNED_BY_RESIDENT = (
    Entry,
    Consent,
    ContactRequest,
    StaffDraft,
    PairingLink,
    ResidentActivity,
    Appointment,
    Barrier,
    CheckIn,
    ResidentSituation,
    FollowUp,
    AnswerTime,
)


def erase_resident(
    session: Session, *, resident: User, actor: User | None, only_if=(), checkpoint: bool = True
) -> bool:
    """Erase the resident; False if they were gone already (a parallel erasure came first) or no longer
    meet `only_if`.

    `only_if`: conditions on the resident's row (`User`, with `ResidentActivity` joined), checked in the
    erasure's transaction after the row is locked, e.g. the retention run's "still due".
    `checkpoint`: empty SQLite's write-ahead log afterwards; a run that erases many does it once at the end.
    """
    if not resident.is_resident:
        raise ValueError("only residents are erased this way")
    resident_id = resident.id
    with writing(session):
        lock_row(session, User, resident_id)
        found = session.execute(
            select(User.username, User.display_name, User.phone)
            .outerjoin(ResidentActivity, ResidentActivity.resident_id == User.id)
            .where(User.id == resident_id, User.role == Role.RESIDENT, *only_if)
        ).first()
        if found is None:
            return False
        username, name, phone = found
        _delete_rows(session, resident_id)
        _forget_in_audit_log(session, resident_id, username)
        _delete_sign_ups_naming(session, name, phone)
        if resident in session:
            session.expunge(resident)
        session.execute(delete(User).where(User.id == resident_id))
        audit.record(session, "resident_erased", actor=actor)
    oplog.event("resident.erased", resident_id=resident_id, actor_id=actor.id if actor else None)
    # After the commit: if it had failed, the recordings would still belong to a resident.
    audio_store().delete_resident(resident_id)
    if checkpoint:
        empty_log(session.get_bind())
    return True


def _delete_rows(session: Session, resident_id: int) -> None:
    goal_ids = select(Goal.id).where(Goal.resident_id == resident_id)
    devices = select(TrustedDevice.id).where(TrustedDevice.resident_id == resident_id)
    session.execute(
        delete(DeviceSession).where(
            or_(DeviceSession.user_id == resident_id, DeviceSession.trusted_device_id.in_(devices))
        )
    )
    session.execute(delete(TrustedDevice).where(TrustedDevice.resident_id == resident_id))
    for model in OWNED_BY_RESIDENT:
        session.execute(delete(model).where(model.resident_id == resident_id))
    session.execute(delete(GoalStep).where(GoalStep.goal_id.in_(goal_ids)))
    session.execute(delete(Goal).where(Goal.resident_id == resident_id))


def _forget_in_audit_log(session: Session, resident_id: int, username: str) -> None:
    session.execute(
        delete(AuditEvent)
        .where(
            or_(
                AuditEvent.actor_id == resident_id,
                (AuditEvent.subject_id == resident_id) & AuditEvent.actor_id.is_(None),
                AuditEvent.detail["username"].as_string() == username,
            )
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(AuditEvent)
        .where(AuditEvent.subject_id == resident_id)
        .values(subject_id=None, detail=None, ip="", device="", about_erased=True)
        .execution_options(synchronize_session=False)
    )


def _delete_sign_ups_naming(session: Session, name: str, phone: str | None) -> None:
    """Drafts live an hour at most, so there are a handful: read them rather than search JSON in SQL."""
    wanted = name.strip().casefold()
    naming = [
        draft_id
        for draft_id, data in session.execute(select(SignupDraft.id, SignupDraft.data))
        if str(data.get("name") or "").strip().casefold() == wanted or (phone and data.get("phone") == phone)
    ]
    if naming:
        session.execute(delete(SignupDraft).where(SignupDraft.id.in_(naming)))
