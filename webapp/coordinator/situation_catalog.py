"""The list of situations as the coordinator keeps it: data, like the housing areas. Advisors choose from the
active ones (outcomes/situations.py); which ones count as in work or education is the partnership's choice.
Every change is audit-logged with the situation's id and name."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .. import audit
from ..db import change_if, reread, writing
from ..models import Situation, SituationCategory, User

NAME_MAX = 80
ADDED = "situation_added"
CHANGED = "situation_changed"


class NameTaken(Exception):
    """Another situation has this name, written in any case."""


def _name_key(name: str) -> str:
    return name.strip().casefold()


def name_taken(session: Session, name: str) -> bool:
    """Checked again, under a lock, when the situation is added."""
    return _name_key(name) in {_name_key(other) for other in session.exec(select(Situation.name)).all()}


def _added_with(session: Session, idempotency_key: str) -> Situation | None:
    """The situation an earlier send of the same form added."""
    return session.exec(select(Situation).where(Situation.idempotency_key == idempotency_key)).first()


def add_situation(
    session: Session,
    *,
    actor: User,
    name: str,
    category: SituationCategory,
    asks_hours: bool,
    asks_employer: bool,
    counts_as_outcome: bool,
    idempotency_key: str,
) -> Situation:
    """A new situation, last on the list and offered to advisors at once. Once per form sent; refused with
    NameTaken where another one has the same name in any case."""
    name = name.strip()
    if not 1 <= len(name) <= NAME_MAX:
        raise ValueError(name)
    try:
        return _add(
            session,
            actor=actor,
            name=name,
            category=category,
            asks_hours=asks_hours,
            asks_employer=asks_employer,
            counts_as_outcome=counts_as_outcome,
            idempotency_key=idempotency_key,
        )
    except IntegrityError:
        # Only where there was no row to lock (an empty list): the unique name then decides between twins.
        if (earlier := _added_with(session, idempotency_key)) is not None:
            return earlier
        raise NameTaken(name) from None


def _add(
    session: Session,
    *,
    actor: User,
    name: str,
    category: SituationCategory,
    asks_hours: bool,
    asks_employer: bool,
    counts_as_outcome: bool,
    idempotency_key: str,
) -> Situation:
    with writing(session):
        # Every row locked first: a parallel add waits until this one commits, and the next statement (a
        # fresh snapshot) sees its name and position. SQLite's write transactions run one at a time already.
        session.execute(select(Situation.id).with_for_update()).all()
        listed = session.execute(select(Situation.name, Situation.position)).all()
        if (earlier := _added_with(session, idempotency_key)) is not None:
            return earlier
        if _name_key(name) in {_name_key(other) for other, _ in listed}:
            raise NameTaken(name)
        situation = Situation(
            name=name,
            category=SituationCategory(category),
            asks_hours=asks_hours,
            asks_employer=asks_employer,
            counts_as_outcome=counts_as_outcome,
            position=max((position for _, position in listed), default=-1) + 1,
            idempotency_key=idempotency_key,
        )
        session.add(situation)
        session.flush()
        audit.record(
            session,
            ADDED,
            actor=actor,
            situation_id=situation.id,
            name=name,
            category=str(category),
            asks_hours=asks_hours,
            asks_employer=asks_employer,
            counts_as_outcome=counts_as_outcome,
        )
    return situation


def set_counts(session: Session, *, actor: User, situation: Situation, counts: bool) -> bool:
    """Whether the partnership counts it as in work or education. Already so: nothing changes, nothing is logged."""
    return _change(
        session,
        actor=actor,
        situation=situation,
        condition=Situation.counts_as_outcome.is_not(counts),
        counts_as_outcome=counts,
    )


def set_active(session: Session, *, actor: User, situation: Situation, active: bool) -> bool:
    """Offered to advisors or not; the residents' history keeps it either way."""
    return _change(session, actor=actor, situation=situation, condition=Situation.active.is_not(active), active=active)


def _change(session: Session, *, actor: User, situation: Situation, condition, **values) -> bool:
    with writing(session):
        changed = change_if(session, Situation, situation.id, condition, **values)
        if changed:
            audit.record(session, CHANGED, actor=actor, situation_id=situation.id, name=situation.name, **values)
    reread(session, Situation, situation.id)
    return changed
