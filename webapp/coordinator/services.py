"""Accounts and assignments, as the housing-social plan's secretariat manages them."""

from __future__ import annotations

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from .. import audit
from ..auth import device_sessions, password_links
from ..auth import services as accounts
from ..db import change_if, lock_and_read, reread, writing
from ..models import STAFF_ROLES, HousingArea, Role, User, staff_name_key, utcnow
from ..timeline.services import note_advisor_change


class RefusedChange(Exception):
    """A change the coordinator may not make; the message says why, in their language."""


def staff(session: Session) -> list[tuple[User, int]]:
    """Staff accounts with the number of residents each advisor follows."""
    resident = aliased(User)
    followed = (
        select(func.count(resident.id))
        .where(resident.advisor_id == User.id, resident.role == Role.RESIDENT, resident.active.is_(True))
        .correlate(User)
        .scalar_subquery()
    )
    return list(
        session.exec(
            select(User, followed).where(User.role.in_(STAFF_ROLES)).order_by(User.role, User.display_name)
        ).all()
    )


def residents(session: Session) -> list[tuple[User, str | None]]:
    advisor = aliased(User)
    return list(
        session.exec(
            select(User, advisor.display_name)
            .outerjoin(advisor, advisor.id == User.advisor_id)
            .where(User.role == Role.RESIDENT)
            .order_by(User.display_name)
        ).all()
    )


def active_advisors(session: Session) -> list[User]:
    return list(
        session.exec(
            select(User).where(User.role == Role.ADVISOR, User.active.is_(True)).order_by(User.display_name)
        ).all()
    )


def create_staff(
    session: Session, *, actor: User, username: str, display_name: str, role: Role, locale: str
) -> tuple[User, str]:
    """A staff account without a password, and the one-time link with which its owner chooses one.

    Refused with "username_taken" or "name_taken". The unique name key decides between two
    parallel creations of look-alike names, which both pass the check before the write.
    """
    if role not in STAFF_ROLES:
        raise ValueError(role)
    username = username.strip().lower()
    if accounts.find_user(session, username):
        raise RefusedChange("username_taken")
    if staff_name_taken(session, display_name):
        raise RefusedChange("name_taken")
    user = User(
        username=username,
        display_name=display_name.strip(),
        role=role,
        locale=locale,
        secret_hash=password_links.NO_PASSWORD,
        name_key=staff_name_key(display_name),
    )
    try:
        with writing(session):
            session.add(user)
            session.flush()
            audit.record(session, "account_created", actor=actor, subject=user, role=str(role))
            token = password_links.add_link(session, user=user, actor=actor, now=utcnow())
    except IntegrityError:
        raise RefusedChange("username_taken" if accounts.find_user(session, username) else "name_taken") from None
    return user, token


def staff_name_taken(session: Session, name: str, *, besides: User | None = None) -> bool:
    """Staff names are unique among active staff: a resident must not mistake one advisor for another.

    Keys are made from the names here rather than read from `name_key`, so a key left empty by an
    upgrade, or made with older confusable data, still counts.
    """
    names = session.exec(
        select(User.display_name).where(
            User.role.in_(STAFF_ROLES), User.active.is_(True), User.id != (besides.id if besides else -1)
        )
    ).all()
    return staff_name_key(name) in {staff_name_key(other) for other in names}


def set_active(session: Session, *, actor: User, user: User, active: bool) -> None:
    if not active and user.id == actor.id:
        raise RefusedChange("self")
    staff = user.role in STAFF_ROLES
    if active and staff and staff_name_taken(session, user.display_name, besides=user):
        raise RefusedChange("name_taken")
    values = {"active": active}
    if active and staff:
        # Coming back, the account takes its key afresh: the index then refuses a look-alike made meanwhile.
        values["name_key"] = staff_name_key(user.display_name)
    try:
        with writing(session):
            lock_and_read(session, User.active, user.id)  # an assignment to this advisor waits, or we wait for it
            if not active and user.role == Role.ADVISOR and _followed_by(session, user) > 0:
                raise RefusedChange("has_residents")
            changed = session.execute(
                update(User).where(User.id == user.id, User.active.is_not(active)).values(**values)
            )
            if changed.rowcount:
                audit.record(
                    session, "account_activated" if active else "account_deactivated", actor=actor, subject=user
                )
    except IntegrityError:
        raise RefusedChange("name_taken") from None
    if not active:
        device_sessions.end_all_device_sessions(session, user=user, actor=actor)


def _followed_by(session: Session, advisor: User) -> int:
    return session.exec(
        select(func.count(User.id)).where(
            User.advisor_id == advisor.id, User.role == Role.RESIDENT, User.active.is_(True)
        )
    ).one()


def assign_advisor(session: Session, *, actor: User, resident: User, advisor: User) -> bool:
    """Give a resident a (new) personal job advisor. The whole timeline goes with them.

    Refused if the advisor was deactivated in the meantime: nobody would read the resident's messages.
    """
    with writing(session):
        if not lock_and_read(session, User.active, advisor.id):
            raise RefusedChange("advisor_inactive")
        previous = session.execute(select(User.advisor_id).where(User.id == resident.id)).scalar_one()
        if previous == advisor.id:
            return False
        session.execute(update(User).where(User.id == resident.id).values(advisor_id=advisor.id))
        note_advisor_change(session, resident=resident, advisor=advisor, actor=actor)
        audit.record(
            session,
            "advisor_assigned",
            actor=actor,
            subject=resident,
            advisor_id=advisor.id,
            previous_advisor_id=previous,
        )
    return True


def unassigned(session: Session, *, area_id: int | None = None) -> list[User]:
    """New residents nobody follows yet, oldest first; for an advisor only those of their area."""
    query = select(User).where(User.role == Role.RESIDENT, User.active.is_(True), User.advisor_id.is_(None))
    if area_id is not None:
        query = query.where(User.housing_area_id == area_id)
    return list(session.exec(query.order_by(User.created_at)).all())


def take(session: Session, *, advisor: User, resident: User) -> bool:
    """ "I'll take them": only if nobody took them first, and only while the advisor is active."""
    with writing(session):
        if not lock_and_read(session, User.active, advisor.id):
            return False
        if not change_if(session, User, resident.id, User.advisor_id.is_(None), advisor_id=advisor.id):
            reread(session, User, resident.id)  # the caller's copy now says who took them first
            return False
        note_advisor_change(session, resident=resident, advisor=advisor, actor=advisor)
        audit.record(
            session,
            "advisor_assigned",
            actor=advisor,
            subject=resident,
            advisor_id=advisor.id,
            previous_advisor_id=None,
        )
        reread(session, User, resident.id)  # the caller's copy as written; set by hand it would wait to be flushed
    return True


def areas(session: Session) -> list[HousingArea]:
    return list(session.exec(select(HousingArea).order_by(HousingArea.active.desc(), HousingArea.name)).all())


def add_area(session: Session, *, actor: User, name: str) -> HousingArea:
    area = HousingArea(name=name.strip())
    with writing(session):
        session.add(area)
        session.flush()
        audit.record(session, "area_added", actor=actor, area=area.name)
    return area


def set_area_active(session: Session, *, actor: User, area: HousingArea, active: bool) -> None:
    with writing(session):
        changed = session.execute(
            update(HousingArea)
            .where(HousingArea.id == area.id, HousingArea.active.is_not(active))
            .values(active=active)
        )
        if changed.rowcount:
            audit.record(session, "area_changed", actor=actor, area=area.name, active=active)


def set_user_area(session: Session, *, actor: User, user: User, area_id: int | None) -> None:
    with writing(session):
        changed = session.execute(
            update(User)
            .where(User.id == user.id, User.housing_area_id.is_distinct_from(area_id))
            .values(housing_area_id=area_id)
        )
        if changed.rowcount:
            audit.record(session, "area_assigned", actor=actor, subject=user, area_id=area_id)
