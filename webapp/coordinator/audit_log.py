"""The audit log as the coordinator reads it: newest first, by person, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from .. import file_openings
from ..models import AuditEvent, User

PAGE_SIZE = 50

ACTIONS = {
    "account_created": _l("Account made"),
    "resident_signed_up": _l("Resident signed up"),
    "sign_in": _l("Signed in"),
    "sign_in_failed": _l("Wrong PIN or password"),
    "account_locked": _l("Locked after wrong tries"),
    "account_unlocked": _l("Unlocked"),
    "signed_out": _l("Signed out"),
    "signed_out_everywhere": _l("Signed out on all devices"),
    "secret_check": _l("PIN or password checked before a change"),
    "secret_check_failed": _l("Wrong current PIN or password"),
    "secret_changed": _l("PIN or password changed"),
    "pin_reset": _l("New PIN chosen with a QR code"),
    "password_link_made": _l("Password link made"),
    "password_set": _l("Password chosen with a link"),
    "password_reset_link_made": _l("Password reset link made"),
    "password_reset": _l("New password chosen with a reset link"),
    "second_factor": _l("Sign-in confirmed with the second factor"),
    "second_factor_added": _l("Second factor set up"),
    "passkey_added": _l("Passkey added"),
    "second_factor_cleared": _l("Second factor removed"),
    "voice_upload": _l("Voice message sent or tried"),
    "pairing_link_made": _l("QR code made"),
    "pairing_failed": _l("QR link refused"),
    "phone_paired": _l("Phone set up"),
    "device_removed": _l("Phone or tablet removed"),
    "tablet_registered": _l("Tablet registered"),
    "account_activated": _l("Can sign in again"),
    "account_deactivated": _l("Deactivated"),
    "advisor_assigned": _l("Advisor assigned"),
    "timeline_opened": _l("Timeline opened"),
    "file_opened": _l("Opened a resident's page"),
    "data_exported": _l("Downloaded all of a resident's data"),
    "area_added": _l("Housing area added"),
    "area_changed": _l("Housing area changed"),
    "area_assigned": _l("Housing area set"),
    "situation_added": _l("Situation added to the list"),
    "situation_changed": _l("Situation changed on the list"),
    "resident_erased": _l("A resident and all their data removed"),
    "resident_stopped": _l("Resident asked to stop"),
    "erasure_planned": _l("Deletion planned"),
    "erasure_cancelled": _l("Deletion cancelled"),
    "consent_given": _l("Agreed to a new version of the consent"),
    "contact_changed": _l("Phone number or contact wish corrected"),
}


@dataclass
class Row:
    event: AuditEvent
    actor_name: str | None
    subject_name: str | None

    @property
    def at(self) -> datetime:
        return self.event.at


def events(session: Session, *, person: User | None = None, before: int | None = None) -> tuple[list[Row], int | None]:
    """One page of events and the cursor for the next (older) page."""
    actor, subject = aliased(User), aliased(User)
    query = select(AuditEvent, actor.display_name, subject.display_name)
    if person is not None:
        picked = _newest_of(person.id, before)
        query = query.select_from(picked).join(AuditEvent, AuditEvent.id == picked.c.id)
    query = query.outerjoin(actor, actor.id == AuditEvent.actor_id).outerjoin(
        subject, subject.id == AuditEvent.subject_id
    )
    if person is None and before is not None:
        query = query.where(AuditEvent.id < before)
    found = session.exec(query.order_by(AuditEvent.id.desc()).limit(PAGE_SIZE + 1)).all()
    rows = [Row(event, actor_name, subject_name) for event, actor_name, subject_name in found[:PAGE_SIZE]]
    return rows, (rows[-1].event.id if len(found) > PAGE_SIZE else None)


def _newest_of(person_id: int, before: int | None):
    """The ids of a page of one person's events: the newest they did and the newest done to them, each
    read from its own index (actor_id, id) or (subject_id, id) backwards and cut at a page. An `OR` of the
    two reads every event of the person, or the whole table backwards; this reads at most two pages of
    ids. An event a person did to themselves comes from both halves and is kept once."""
    halves = []
    for column in (AuditEvent.actor_id, AuditEvent.subject_id):
        half = select(AuditEvent.id).where(column == person_id)
        if before is not None:
            half = half.where(AuditEvent.id < before)
        newest = half.order_by(AuditEvent.id.desc()).limit(PAGE_SIZE + 1)
        halves.append(select(newest.subquery().c.id))
    both = union_all(*halves).subquery()
    # Cut to the page before the rows and the names are read.
    return select(both.c.id).distinct().order_by(both.c.id.desc()).limit(PAGE_SIZE + 1).subquery()


# A wrong second factor is recorded as a wrong password is (it counts the same), with the factor in its detail.
WRONG_SECOND_FACTOR = _l("Wrong code or passkey")


def label(event: AuditEvent) -> str:
    if event.action == "sign_in_failed" and (event.detail or {}).get("factor"):
        return str(WRONG_SECOND_FACTOR)
    text = str(ACTIONS.get(event.action, event.action))
    if event.action in ("situation_added", "situation_changed") and (event.detail or {}).get("name"):
        return f"{text}: {event.detail['name']}"  # which one: the list is short, and names are not personal
    what = (event.detail or {}).get("what") if event.action == file_openings.ACTION else None
    return f"{text}: {file_openings.WHAT[what]}" if what in file_openings.WHAT else text
