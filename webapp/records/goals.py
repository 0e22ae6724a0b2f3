"""What the resident aims for, the small steps on the way, and how it changes."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, select

from ..db import change_if, create_once, reread, writing
from ..models import GOAL_MOVES, EntryKind, Goal, GoalStatus, GoalStep, User, utcnow
from ..timeline import kinds
from ..timeline.services import add_entry
from ..timeline.services import by_key as entry_by_key


def of(session: Session, *, resident: User) -> list[tuple[Goal, list[GoalStep]]]:
    """Goals with their steps, in one query whatever their number."""
    query = (
        select(Goal, GoalStep).outerjoin(GoalStep, GoalStep.goal_id == Goal.id).where(Goal.resident_id == resident.id)
    )
    goals: list[Goal] = []
    steps: dict[int, list[GoalStep]] = defaultdict(list)
    for goal, step in session.exec(query.order_by(Goal.id.desc(), GoalStep.id)).all():
        if not goals or goals[-1].id != goal.id:
            goals.append(goal)
        if step is not None:
            steps[goal.id].append(step)
    order = {GoalStatus.ACTIVE: 0, GoalStatus.PAUSED: 1, GoalStatus.REACHED: 2}
    goals.sort(key=lambda goal: order.get(goal.status, 3))
    return [(goal, steps[goal.id]) for goal in goals]


def find(session: Session, *, resident: User, goal_id: int) -> Goal | None:
    goal = session.get(Goal, goal_id)
    return goal if goal is not None and goal.resident_id == resident.id else None


def add(
    session: Session,
    *,
    resident: User,
    author: User,
    kind: str,
    words: str | None,
    hours: int | None,
    month: date | None,
    idempotency_key: str,
) -> Goal:
    def create() -> Goal:
        goal = Goal(
            resident_id=resident.id,
            kind=kind,
            words=words or None,
            hours_per_week=hours,
            target_month=month,
            idempotency_key=idempotency_key,
        )
        session.add(goal)
        session.flush()
        add_entry(
            session, resident=resident, author=author, kind=EntryKind.GOAL_ADDED, goal_id=goal.id, data=kinds.goal(goal)
        )
        return goal

    return create_once(session, existing=lambda: _by_key(session, resident, idempotency_key), create=create)


def _by_key(session: Session, resident: User, key: str) -> Goal | None:
    return session.exec(select(Goal).where(Goal.resident_id == resident.id, Goal.idempotency_key == key)).first()


def change(
    session: Session,
    *,
    resident: User,
    goal: Goal,
    author: User,
    kind: str,
    words: str | None,
    hours: int | None,
    month: date | None,
) -> bool:
    """Change what the goal says; sending what it already says changes and records nothing."""
    with writing(session):
        changed = change_if(
            session,
            Goal,
            goal.id,
            or_(
                Goal.kind != kind,
                Goal.words.is_distinct_from(words or None),
                Goal.hours_per_week.is_distinct_from(hours),
                Goal.target_month.is_distinct_from(month),
            ),
            kind=kind,
            words=words or None,
            hours_per_week=hours,
            target_month=month,
            updated_at=utcnow(),
        )
        if changed:
            add_entry(
                session,
                resident=resident,
                author=author,
                kind=EntryKind.GOAL_CHANGED,
                goal_id=goal.id,
                data=kinds.goal(reread(session, Goal, goal.id)),
            )
    return changed


def set_status(session: Session, *, resident: User, goal: Goal, author: User, status: str) -> bool:
    """Reached, paused, or back to working on it; only a change of status is recorded (GOAL_MOVES)."""
    with writing(session):
        changed = change_if(
            session, Goal, goal.id, *GOAL_MOVES.where(status), status=GOAL_MOVES.target(status), updated_at=utcnow()
        )
        if changed:
            current = reread(session, Goal, goal.id)
            add_entry(
                session,
                resident=resident,
                author=author,
                kind=EntryKind.GOAL_STATUS,
                goal_id=goal.id,
                data=kinds.goal_name(current, status=status),
            )
    return changed


def comment(session: Session, *, resident: User, goal: Goal, advisor: User, text: str, idempotency_key: str) -> None:
    create_once(
        session,
        existing=lambda: entry_by_key(session, advisor, idempotency_key),
        create=lambda: add_entry(
            session,
            resident=resident,
            author=advisor,
            kind=EntryKind.GOAL_COMMENT,
            goal_id=goal.id,
            body=text,
            idempotency_key=idempotency_key,
            data=kinds.goal_name(goal),
        ),
    )


def add_step(
    session: Session, *, resident: User, goal: Goal, author: User, text: str, idempotency_key: str
) -> GoalStep:
    def existing() -> GoalStep | None:
        return session.exec(
            select(GoalStep).where(GoalStep.goal_id == goal.id, GoalStep.idempotency_key == idempotency_key)
        ).first()

    def create() -> GoalStep:
        step = GoalStep(goal_id=goal.id, text=text, created_by=author.id, idempotency_key=idempotency_key)
        session.add(step)
        session.flush()
        add_entry(
            session,
            resident=resident,
            author=author,
            kind=EntryKind.STEP_ADDED,
            goal_id=goal.id,
            body=text,
            data=kinds.goal_name(goal),
        )
        return step

    return create_once(session, existing=existing, create=create)


def find_step(session: Session, *, goal: Goal, step_id: int) -> GoalStep | None:
    step = session.get(GoalStep, step_id)
    return step if step is not None and step.goal_id == goal.id else None


def tick_step(session: Session, *, resident: User, goal: Goal, step: GoalStep, author: User, done: bool) -> bool:
    """Done, or not done after all; ticking a step that is already done changes nothing."""
    values = {"done_at": utcnow(), "done_by": author.id} if done else {"done_at": None, "done_by": None}
    with writing(session):
        state_differs = GoalStep.done_at.is_(None) if done else GoalStep.done_at.is_not(None)
        changed = change_if(session, GoalStep, step.id, state_differs, **values)
        if changed and done:
            add_entry(
                session,
                resident=resident,
                author=author,
                kind=EntryKind.STEP_DONE,
                goal_id=goal.id,
                body=step.text,
                data=kinds.goal_name(goal),
            )
    return changed
