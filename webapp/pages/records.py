"""The record pages of one resident (overview, barriers, goals, appointments) and the tools their templates use.
Each page is `(template, context)`, built for the viewer it is given; the view renders it."""

from __future__ import annotations

from dataclasses import dataclass

from babel.lists import format_list
from flask_babel import get_locale
from sqlmodel import Session

from .. import policy
from ..models import BarrierStatus, ResidentSituation, Situation, User
from ..models.records import allowed
from ..outcomes import situations
from ..records import appointments, barriers, checkins, goals
from ..records.forms import (
    AnswerForm,
    AppointmentForm,
    BarrierForm,
    BarrierStatusForm,
    CommentForm,
    GoalChangeForm,
    GoalForm,
    GoalStatusForm,
    MoveForm,
    OutcomeForm,
    SituationForm,
    StepDoneForm,
    StepForm,
    VersionForm,
)

# The forms a page shows once per item; a refused one is shown again as it was sent, with its errors.
FORMS = {
    "barrier": BarrierForm,
    "barrier_status": BarrierStatusForm,
    "goal": GoalForm,
    "goal_change": GoalChangeForm,
    "goal_status": GoalStatusForm,
    "comment": CommentForm,
    "step": StepForm,
    "appointment": AppointmentForm,
    "move": MoveForm,
    "answer": AnswerForm,
    "outcome": OutcomeForm,
    "cancel": VersionForm,
    "restore": VersionForm,
    "step_done": StepDoneForm,
    "situation": SituationForm,
}


def form_slots(failed: tuple[str, int | None, object] | None):
    def form_for(name: str, item_id: int | None = None, **data):
        if failed and failed[0] == name and failed[1] == item_id:
            return failed[2]
        form_class = FORMS[name]
        return form_class.fresh(**data) if hasattr(form_class, "fresh") else form_class(formdata=None, **data)

    return form_for


def record_tools(viewer: User, resident: User, failed=None) -> dict:
    """What templates showing a resident's records need: their forms, and what this reader may do."""

    def may(action: str, record=None) -> bool:
        """What this reader may do; with a record, also what a resident may do with what they made."""
        return policy.may(viewer, action, resident, made_by=getattr(record, "created_by", None))

    # `allowed(record, action)`: what the record's state allows, from the table the writes check (models/records.py).
    return {"form_for": form_slots(failed), "may": may, "allowed": allowed}


def page(template: str, viewer: User, resident: User, failed=None, **context) -> tuple[str, dict]:
    return template, dict(resident=resident, **record_tools(viewer, resident, failed), **context)


def overview_context(db: Session, resident: User) -> dict:
    return {
        "open_barriers": [b for b in barriers.of(db, resident=resident) if b.status != BarrierStatus.SOLVED],
        "goal_list": goals.of(db, resident=resident, include_reached=False),
        "next_appointments": appointments.upcoming(db, resident=resident, limit=5),
    }


@dataclass(frozen=True)
class SituationNow:
    """The resident's situation now, as records/_situation_now.html shows it (like situations.Current)."""

    record: ResidentSituation
    situation: Situation


def situation_context(db: Session, resident: User) -> dict:
    """The advisor's part of the situation: the list to choose from, and every change, newest first, with who
    recorded it (those still to start included)."""
    listed, changes = situations.list_and_history(db, resident=resident)

    def named(asks) -> str:  # "In work, Flex job and Work placement", joined as the reader's language joins them
        return format_list(
            [situations.label(item.key, item.name) for item in listed if asks(item)] or ["-"], locale=get_locale()
        )

    today = checkins.today()
    # The newest that has started (the history's order is the one situations.current reads): no query of its own.
    now = next(
        (SituationNow(change.record, change.situation) for change in changes if change.record.starts_on <= today), None
    )
    return {
        "situation_now": now,
        "situation_choices": listed,
        "situation_asks": {
            "hours": named(lambda item: item.asks_hours),
            "employer": named(lambda item: item.asks_employer),
        },
        "situation_history": [(change.record, change.situation, change.recorded_by) for change in changes],
        "situation_today": today,
    }


def overview_page(db: Session, viewer: User, resident: User) -> tuple[str, dict]:
    return page(
        "records/overview.html",
        viewer,
        resident,
        **overview_context(db, resident),
        situation_now=situations.current(db, resident=resident),
    )


def barriers_page(db: Session, viewer: User, resident: User, failed=None) -> tuple[str, dict]:
    """`failed`: a refused form as (its name, the item's id or None, the form), shown again with its errors."""
    return page("records/barriers.html", viewer, resident, failed, barrier_list=barriers.of(db, resident=resident))


def goals_page(db: Session, viewer: User, resident: User, failed=None) -> tuple[str, dict]:
    return page("records/goals.html", viewer, resident, failed, goal_list=goals.of(db, resident=resident))


def appointments_page(db: Session, viewer: User, resident: User, failed=None, conflict=None) -> tuple[str, dict]:
    return page(
        "records/appointments.html",
        viewer,
        resident,
        failed,
        conflict=conflict,
        upcoming=appointments.upcoming(db, resident=resident),
        earlier=appointments.earlier(db, resident=resident),
        cancelled=appointments.cancelled(db, resident=resident),
    )
