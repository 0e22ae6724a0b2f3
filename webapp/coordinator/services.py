"""Accounts and assignments, as the housing-social plan's secretariat manages them."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from sqlalchemy import and_, func, literal, or_, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from .. import audit
from ..auth import device_sessions, password_links
from ..auth import services as accounts
from ..db import change_if, lock_and_read, reread, writing
from ..models import STAFF_ROLES, HousingArea, Role, User, name_order, staff_name_key, utcnow
from ..timeline.services import note_advisor_change


class RefusedChange(Exception):
    """A change the coordinator may not make; the message says why, in their language."""


# Residents and staff are listed a page at a time: at national scale there are 10^5 residents and 2,000 advisors.
PAGE_SIZE = 50

# A select longer than this is not read through on a phone: beyond it, a page of its own offers the whole list.
SHORT_LIST = 12


@dataclass(frozen=True)
class ResidentFilter:
    """What the coordinator asked for: the start of a name or a whole username, a housing area, a page (from 1)."""

    search: str = ""
    area_id: int | None = None
    page: int = 1


@dataclass
class ResidentLists:
    unassigned: list[tuple[User, None]]  # (resident, their advisor's name) as the other list, oldest first
    more_unassigned: bool  # more than a page: search or filter to find the others
    residents: list[tuple[User, str | None]]
    more_residents: bool  # a next page


def resident_lists(session: Session, wanted: ResidentFilter) -> ResidentLists:
    """In one statement: the residents nobody follows yet, oldest first, and a page of the others
    (followed, or closed) by name; both as `wanted` filters them, each half read from an index and cut at
    a page, then the rows and the advisors' names read for the ids kept."""
    unassigned = (
        _residents_matching(wanted, User.active.is_(True), User.advisor_id.is_(None))
        .order_by(User.created_at, User.id)
        .limit(PAGE_SIZE + 1)
    )
    others = (
        _residents_matching(wanted, or_(User.active.is_(False), User.advisor_id.is_not(None)))
        .order_by(name_order(User.display_name), User.id)
        .offset((wanted.page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )
    halves = [half.subquery() for half in (unassigned, others)]
    both = union_all(
        select(halves[0].c.id, literal(1).label("half")), select(halves[1].c.id, literal(2).label("half"))
    ).subquery()
    resident, advisor = aliased(User), aliased(User)
    found = session.exec(
        select(resident, advisor.display_name, both.c.half)
        .join(both, both.c.id == resident.id)
        .outerjoin(advisor, advisor.id == resident.advisor_id)
        .order_by(both.c.half, name_order(resident.display_name), resident.id)
    ).all()
    waiting = sorted((row for row in found if row[2] == 1), key=lambda row: (row[0].created_at, row[0].id))
    rest = [row for row in found if row[2] == 2]
    return ResidentLists(
        unassigned=[(user, name) for user, name, _ in waiting[:PAGE_SIZE]],
        more_unassigned=len(waiting) > PAGE_SIZE,
        residents=[(user, name) for user, name, _ in rest[:PAGE_SIZE]],
        more_residents=len(rest) > PAGE_SIZE,
    )


def _residents_matching(wanted: ResidentFilter, *where):
    """The ids of the residents `wanted` asks for. A search finds a name by its start in any case (a range
    of the index by role and name_order) or a username whole (the unique index): a search inside names
    would read every resident, as no index of both databases helps there."""
    query = select(User.id).where(User.role == Role.RESIDENT, *where)
    if wanted.area_id is not None:
        query = query.where(User.housing_area_id == wanted.area_id)
    start = wanted.search.strip().lower()
    if start:
        named = name_order(User.display_name)
        after = start[:-1] + chr(min(ord(start[-1]) + 1, sys.maxunicode))
        query = query.where(or_(and_(named >= start, named < after), User.username == start))
    return query


def staff(session: Session, *, page: int = 1) -> tuple[list[tuple[User, int]], bool]:
    """A page of staff accounts with the number of residents each advisor follows, and whether there is more."""
    resident = aliased(User)
    followed = (
        select(func.count(resident.id))
        .where(resident.advisor_id == User.id, resident.role == Role.RESIDENT, resident.active.is_(True))
        .correlate(User)
        .scalar_subquery()
    )
    found = list(
        session.exec(
            select(User, followed)
            .where(User.role.in_(STAFF_ROLES))
            .order_by(User.role, User.display_name, User.id)
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        ).all()
    )
    return found[:PAGE_SIZE], len(found) > PAGE_SIZE


def offered_advisors(session: Session, area_ids: set[int]) -> tuple[dict[int, list[tuple[int, str]]], list]:
    """For the short selects of a page, in one statement: the active advisors of each of `area_ids`, and all
    active advisors if there are at most SHORT_LIST of them (else an empty list: the assign page has them)."""
    advisor = (User.id, User.display_name, User.housing_area_id)
    active = (User.role == Role.ADVISOR, User.active.is_(True))
    few = select(*advisor).where(*active).order_by(name_order(User.display_name), User.id).limit(SHORT_LIST + 1)
    of_areas = select(*advisor).where(*active, User.housing_area_id.in_(area_ids or {-1}))
    found = session.execute(
        union_all(
            select(*few.subquery().c, literal(True).label("few")),
            select(*of_areas.subquery().c, literal(False).label("few")),
        )
    ).all()
    by_area: dict[int, list[tuple[int, str]]] = {}
    everyone = []
    for user_id, name, area_id, in_few in found:
        if in_few:
            everyone.append((user_id, name))
        else:
            by_area.setdefault(area_id, []).append((user_id, name))
    for names in by_area.values():
        names.sort(key=lambda pair: (pair[1].lower(), pair[0]))
    return by_area, (everyone if len(everyone) <= SHORT_LIST else [])


def advisors_for(session: Session, resident: User) -> list[tuple[int, str, bool]]:
    """Every active advisor as (id, name, works in the resident's area): those of the area first, then by name."""
    in_area = (User.housing_area_id == resident.housing_area_id if resident.housing_area_id else literal(False)).label(
        "in_area"
    )
    return [
        tuple(row)
        for row in session.execute(
            select(User.id, User.display_name, in_area)
            .where(User.role == Role.ADVISOR, User.active.is_(True))
            .order_by(in_area.desc(), name_order(User.display_name), User.id)
        ).all()
    ]


def active_advisor(session: Session, advisor_id: int | None) -> User | None:
    if not advisor_id:
        return None
    return session.exec(
        select(User).where(User.id == advisor_id, User.role == Role.ADVISOR, User.active.is_(True))
    ).first()


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
