"""The resident's records as their advisor's page shows them beside the timeline: one statement for all of them.

The open barriers, the goals not reached with their steps, the next appointments, and the situation list
with the resident's changes are four lists of different rows. Each is an outer join from one row of a
small numbered list (0 to 3) that matches nothing else, so one round trip brings all four, each read by
the index that starts with the resident, and the rows come back as the models they are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Integer, and_, bindparam, literal_column, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from ..models import (
    Appointment,
    AppointmentStatus,
    Barrier,
    BarrierStatus,
    Goal,
    GoalStatus,
    GoalStep,
    ResidentSituation,
    Situation,
    User,
    UTCDateTime,
    utcnow,
)
from ..outcomes.situations import Change
from .appointments import GRACE

BARRIERS, GOALS, APPOINTMENTS, SITUATIONS = range(4)
GOAL_ORDER = {GoalStatus.ACTIVE: 0, GoalStatus.PAUSED: 1}


@dataclass(frozen=True)
class Overview:
    open_barriers: list[Barrier]  # newest first; neither solved nor removed
    goals: list[tuple[Goal, list[GoalStep]]]  # working on them first, then paused; each with its steps in order
    next_appointments: list[Appointment]  # planned, from two hours ago on, soonest first
    situation_choices: list[Situation]  # the active ones, in the list's order
    situation_changes: list[Change]  # the resident's, newest first (those still to start included)


@cache
def _statement(appointments: int):
    """Built once (building it costs more than running it) and run with the resident and the time as parameters."""
    resident_id = bindparam("resident_id")
    part = union_all(*(select(literal_column(str(n), Integer).label("n")) for n in range(4))).subquery("part")
    upcoming = aliased(
        Appointment,
        select(Appointment)
        .where(
            Appointment.resident_id == resident_id,
            Appointment.status == AppointmentStatus.PLANNED,
            Appointment.starts_at >= bindparam("since", type_=UTCDateTime()),
        )
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(appointments)
        .subquery("upcoming"),
    )
    recorder = aliased(User)
    return (
        select(part.c.n, Barrier, Goal, GoalStep, upcoming, Situation, ResidentSituation, recorder.display_name)
        .select_from(part)
        .outerjoin(
            Barrier,
            and_(
                part.c.n == BARRIERS,
                Barrier.resident_id == resident_id,
                Barrier.status.not_in((BarrierStatus.SOLVED, BarrierStatus.REMOVED)),
            ),
        )
        .outerjoin(Goal, and_(part.c.n == GOALS, Goal.resident_id == resident_id, Goal.status != GoalStatus.REACHED))
        .outerjoin(GoalStep, GoalStep.goal_id == Goal.id)
        .outerjoin(upcoming, part.c.n == APPOINTMENTS)
        .outerjoin(Situation, part.c.n == SITUATIONS)
        .outerjoin(
            ResidentSituation,
            and_(ResidentSituation.situation_id == Situation.id, ResidentSituation.resident_id == resident_id),
        )
        .outerjoin(recorder, recorder.id == ResidentSituation.recorded_by)
    )


def read(session: Session, *, resident: User, appointments: int = 5) -> Overview:
    rows = session.exec(_statement(appointments), params={"resident_id": resident.id, "since": utcnow() - GRACE}).all()
    barriers: dict[int, Barrier] = {}
    goals: dict[int, Goal] = {}
    steps: dict[int, dict[int, GoalStep]] = defaultdict(dict)
    coming: dict[int, Appointment] = {}
    listed: dict[int, Situation] = {}
    changes: list[Change] = []
    for _n, barrier, goal, step, appointment, situation, change, recorded_by in rows:
        if barrier is not None:
            barriers[barrier.id] = barrier
        if goal is not None:
            goals[goal.id] = goal
            if step is not None:
                steps[goal.id][step.id] = step
        if appointment is not None:
            coming[appointment.id] = appointment
        if situation is not None:
            listed[situation.id] = situation
            if change is not None:
                changes.append(Change(change, situation, recorded_by))
    return Overview(
        open_barriers=sorted(barriers.values(), key=lambda barrier: -barrier.id),
        goals=[
            (goal, [steps[goal.id][step_id] for step_id in sorted(steps[goal.id])])
            for goal in sorted(goals.values(), key=lambda goal: (GOAL_ORDER.get(goal.status, 2), -goal.id))
        ],
        next_appointments=sorted(coming.values(), key=lambda appointment: (appointment.starts_at, appointment.id)),
        situation_choices=[
            situation
            for situation in sorted(listed.values(), key=lambda situation: (situation.position, situation.id))
            if situation.active
        ],
        situation_changes=sorted(changes, key=lambda change: (change.record.starts_on, change.record.id), reverse=True),
    )
