"""Who may see or change what. Every access decision in the app is made here.

A resident's timeline is seen by the resident and by their current personal job advisor,
nobody else: not volunteers, not coordinators, not other residents or advisors. A request
for data the user may not see answers 404, so it does not even confirm the data exists.
"""

from __future__ import annotations

from datetime import timedelta
from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlmodel import Session

from .models import Role, User, utcnow


def may_see_timeline(user: User, resident: User | None) -> bool:
    if resident is None or not user.is_authenticated or resident.role != Role.RESIDENT:
        return False
    if user.role == Role.RESIDENT:
        return user.id == resident.id
    if user.role == Role.ADVISOR:
        return resident.advisor_id == user.id
    return False


def may_write_in_timeline(user: User, resident: User | None) -> bool:
    return may_see_timeline(user, resident) and resident.active


def is_advisor_of(user: User, resident: User) -> bool:
    return user.role == Role.ADVISOR and resident.advisor_id == user.id


HELPERS = (Role.VOLUNTEER, Role.ADVISOR, Role.COORDINATOR)
# How long the helper who signed a resident up may still reprint their card or make a new QR code.
HELPER_WINDOW = timedelta(hours=24)


def _open_account(resident: User | None) -> bool:
    """A resident whose account is open. A closed one (stopped, or to be erased) gets no card, QR code or
    change of phones: it cannot sign in, and cancelling the erasure opens it with the phones it had."""
    return resident is not None and resident.role == Role.RESIDENT and resident.active


def may_help_sign_in(user: User, resident: User | None) -> bool:
    """Reprint the sign-in card and make a new pairing QR code. Names only: no timeline, no number."""
    if not _open_account(resident) or user.role not in HELPERS:
        return False
    if user.role == Role.COORDINATOR or is_advisor_of(user, resident):
        return True
    return resident.signed_up_by_id == user.id and resident.created_at > utcnow() - HELPER_WINDOW


def may_make_pin_link(user: User, resident: User | None) -> bool:
    """A QR code that also sets a new PIN hands over the account, so only the one person answerable for
    the resident may make it: their own advisor, or the coordinator while nobody has taken them."""
    if not may_help_sign_in(user, resident):
        return False
    if user.role == Role.COORDINATOR:
        return resident.advisor_id is None
    return is_advisor_of(user, resident)


def helper_window_ends(user: User, resident: User):
    """When a volunteer's help with this resident ends; None for staff, whose help does not lapse."""
    if user.role == Role.VOLUNTEER:
        return resident.created_at + HELPER_WINDOW
    return None


def may_remove_devices(user: User, resident: User | None) -> bool:
    if not _open_account(resident):
        return False
    return user.role == Role.COORDINATOR or is_advisor_of(user, resident)


def may_take(user: User, resident: User | None) -> bool:
    """An advisor may take an unassigned resident of their own housing area."""
    return in_own_area(user, resident) and resident.advisor_id is None


def in_own_area(user: User, resident: User | None) -> bool:
    """A resident of the advisor's housing area: one they were offered to take, taken since or not."""
    # Two missing areas are not the same area: an advisor with none is offered nobody.
    return (
        _open_account(resident)
        and user.role == Role.ADVISOR
        and user.housing_area_id is not None
        and resident.housing_area_id == user.housing_area_id
    )


def helped_resident(session: Session, user: User, resident_id: int, check=may_help_sign_in) -> User:
    resident = session.get(User, resident_id)
    if not check(user, resident):
        abort(404)
    return resident


def resident_for(session: Session, user: User, resident_id: int, *, write: bool = False) -> User:
    """The resident whose timeline the user asks for, or 404."""
    resident = session.get(User, resident_id)
    allowed = may_write_in_timeline if write else may_see_timeline
    if not allowed(user, resident):
        abort(404)
    return resident


def role_required(*roles: Role):
    """Only these roles may open the view; others get 403 (the area, not a person's data)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return login_required(wrapped)

    return decorator


# What the resident themself and their advisor may each do with the resident's records.
# OWN: the resident, with a record they made themself (an appointment they added can be corrected).
SELF, ADVISOR, OWN = "self", "advisor", "own"
RECORD_ACTIONS = {
    "check_in": {SELF},
    "add_barrier": {SELF},
    "barrier_status": {SELF, ADVISOR},
    "acknowledge_barrier": {ADVISOR},
    "remove_barrier": {SELF},
    "handle_contact": {ADVISOR},
    "add_goal": {SELF, ADVISOR},
    "change_goal": {SELF, ADVISOR},
    "goal_status": {SELF, ADVISOR},
    "comment_goal": {ADVISOR},
    "add_step": {SELF, ADVISOR},
    "tick_step": {SELF, ADVISOR},
    "add_appointment": {SELF, ADVISOR},
    "answer_appointment": {SELF},
    "move_appointment": {ADVISOR, OWN},
    "cancel_appointment": {ADVISOR, OWN},
    "restore_appointment": {ADVISOR, OWN},
    "appointment_outcome": {ADVISOR},
    "record_situation": {ADVISOR},
    "follow_up": {ADVISOR},
}


def may(user: User, action: str, resident: User, *, made_by: int | None = None) -> bool:
    """`made_by`: who made the record acted on, for the actions a resident may take on their own records."""
    if not may_write_in_timeline(user, resident):
        return False
    allowed = RECORD_ACTIONS[action]
    if user.id == resident.id:
        return SELF in allowed or (OWN in allowed and made_by == resident.id)
    return ADVISOR in allowed


def resident_for_action(session: Session, user: User, resident_id: int, action: str) -> User:
    """The resident whose record the user wants to change: 404 if not theirs to see, 403 if not theirs to do.

    For actions allowed on one's own records only, this checks the resident may see them;
    `may(..., made_by=)` decides once the record is known.
    """
    resident = resident_for(session, user, resident_id, write=True)
    if not may(user, action, resident, made_by=resident.id if OWN in RECORD_ACTIONS[action] else None):
        abort(403)
    return resident


def check_own_record(user: User, action: str, resident: User, made_by: int) -> None:
    """403 unless the user may take `action` on this record (see OWN)."""
    if not may(user, action, resident, made_by=made_by):
        abort(403)


def may_use_password_link(user: User, staff: User) -> bool:
    """A password link is only for the person it was made for: nobody signed in as someone else may
    open it, the coordinator who made it included, or they would know the password chosen with it."""
    return not user.is_authenticated or user.id == staff.id


def may_erase(user: User, resident: User | None) -> bool:
    """Deleting a resident, now or later, and cancelling it: the coordinator alone."""
    return resident is not None and resident.role == Role.RESIDENT and user.role == Role.COORDINATOR


def resident_to_erase(session: Session, user: User, resident_id: int) -> User:
    resident = session.get(User, resident_id)
    if not may_erase(user, resident):
        abort(404)
    return resident


def may_export(user: User, resident: User | None) -> bool:
    """A copy of everything held about the resident: the resident, their own advisor, and the coordinator
    (who answers a written request, also for a resident with no advisor or a closed account)."""
    if resident is None or resident.role != Role.RESIDENT or not user.is_authenticated:
        return False
    return user.id == resident.id or is_advisor_of(user, resident) or user.role == Role.COORDINATOR


def may_reset_password(user: User, staff: User | None) -> bool:
    """A reset link (new password, second factor cleared) for an active staff member: the coordinator alone."""
    return (
        staff is not None
        and staff.is_staff
        and staff.active
        and user.is_authenticated
        and user.role == Role.COORDINATOR
    )
