"""Every kind of timeline entry, defined once: what it keeps in `data`, and the partial that shows it
(templates/timeline/kinds/<kind>.html).

`data` is a snapshot of what the entry said at the time, so a later change to the record never
rewrites history. The record services and the demo build it with the functions here.
"""

from __future__ import annotations

from ..models import Appointment, EntryKind, Goal, ResidentSituation, Situation, User
from . import phrases

NEEDS = ("needs_childcare", "needs_companion", "needs_transport")


def partial(kind: str) -> str:
    return f"timeline/kinds/{kind}.html"


def advisor_changed(advisor: User) -> dict:
    # The username too: a display name could copy a real advisor's.
    return {"advisor_name": advisor.display_name, "advisor_username": advisor.username}


def phone_set_up(made_by: User | None, *, device: str, new_pin: bool) -> dict:
    """Whose QR code set up a phone, the kind of phone, and whether it set a new PIN."""
    maker = {"made_by_name": made_by.display_name, "made_by_username": made_by.username} if made_by else {}
    return {**maker, "device": device, "new_pin": new_pin}


def checkin(mood: int, *, replaced: bool, wants_contact: bool = False) -> dict:
    data = {"mood": mood, "replaced": replaced}
    return {**data, "wants_contact": True} if wants_contact else data


def contact_made(how: str) -> dict:
    return {"how": how}


def barrier(key: str, status: str | None = None) -> dict:
    """barrier_added, barrier_seen, barrier_removed; barrier_status with its new status."""
    return {"key": key, "status": status} if status else {"key": key}


def goal(goal: Goal, **changed) -> dict:
    """goal_added and goal_changed (the whole goal); goal_status, goal_comment and the steps name it."""
    return {
        "kind": goal.kind,
        "words": goal.words,
        "hours": goal.hours_per_week,
        "month": goal.target_month.isoformat() if goal.target_month else None,
        **changed,
    }


def goal_name(goal: Goal, **changed) -> dict:
    return {"kind": goal.kind, "words": goal.words, **changed}


def appointment(appointment: Appointment, **changed) -> dict:
    """Every appointment_* kind: the appointment as it is after the change, and what the change said
    (previous_starts_at; response, reason, words; outcome)."""
    return {
        "starts_at": appointment.starts_at.isoformat(),
        "place": appointment.place,
        "with_whom": appointment.with_whom,
        "interpreter": appointment.interpreter,
        "needs": [need for need in NEEDS if getattr(appointment, need)],
        **changed,
    }


def voice(key: str, *, seconds: float, mimetype: str) -> dict:
    """Where the recording is kept (storage.py), how long it is and what it is."""
    return {"audio": key, "seconds": seconds, "type": mimetype}


def situation(listed: Situation, record: ResidentSituation) -> dict:
    """The situation as it was said: its key (each reader reads a built-in one in their language) and its name
    (in case the list changes later), from when, and the hours and employer where it asks for them."""
    return {
        "key": listed.key,
        "name": listed.name,
        "category": listed.category,
        "starts_on": record.starts_on.isoformat(),
        "hours": record.hours_per_week,
        "employer": record.employer,
    }


def follow_up(listed: Situation, record: ResidentSituation, *, months: int, hours: int | None) -> dict:
    """ "Still there" after `months`, with the hours of now."""
    return {**situation(listed, record), "months": months, "hours": hours}


# Which function builds each kind's data (None: a message keeps only its body).
BUILDERS = {
    EntryKind.MESSAGE: None,
    EntryKind.PHRASE: phrases.stored,
    EntryKind.VOICE: voice,
    EntryKind.ADVISOR_CHANGED: advisor_changed,
    EntryKind.PHONE_SET_UP: phone_set_up,
    EntryKind.CHECKIN: checkin,
    EntryKind.CONTACT_MADE: contact_made,
    EntryKind.BARRIER_ADDED: barrier,
    EntryKind.BARRIER_STATUS: barrier,
    EntryKind.BARRIER_SEEN: barrier,
    EntryKind.BARRIER_REMOVED: barrier,
    EntryKind.GOAL_ADDED: goal,
    EntryKind.GOAL_CHANGED: goal,
    EntryKind.GOAL_STATUS: goal_name,
    EntryKind.GOAL_COMMENT: goal_name,
    EntryKind.STEP_ADDED: goal_name,
    EntryKind.STEP_DONE: goal_name,
    EntryKind.APPOINTMENT_ADDED: appointment,
    EntryKind.APPOINTMENT_MOVED: appointment,
    EntryKind.APPOINTMENT_CANCELLED: appointment,
    EntryKind.APPOINTMENT_RESTORED: appointment,
    EntryKind.APPOINTMENT_ANSWERED: appointment,
    EntryKind.APPOINTMENT_OUTCOME: appointment,
    EntryKind.SITUATION: situation,
    EntryKind.FOLLOW_UP: follow_up,
}
