"""The record pages of one resident (overview, barriers, goals, appointments) and the tools their templates use.
Each page is `(template, context)`, built for the viewer it is given; the view renders it."""

from __future__ import annotations

from dataclasses import dataclass

from babel.lists import format_list
from flask_babel import get_locale
from sqlmodel import Session

from .. import policy
from ..models import ResidentSituation, Situation, User
from ..models.records import allowed
from ..outcomes import situations
from ..records import appointments, barriers, checkins, goals, overview
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


def overview_context(records: overview.Overview) -> dict:
    return {
        "open_barriers": records.open_barriers,
        "goal_list": records.goals,
        "next_appointments": records.next_appointments,
    }


@dataclass(frozen=True)
class SituationNow:
    """The resident's situation now, as records/_situation_now.html shows it (like situations.Current)."""

    record: ResidentSituation
    situation: Situation


def situation_now(changes: list[situations.Change], today) -> SituationNow | None:
    """The newest that has started (the history's order is the one situations.current reads): no query of its own."""
    return next(
        (SituationNow(change.record, change.situation) for change in changes if change.record.starts_on <= today), None
    )


def situation_context(listed: list[Situation], changes: list[situations.Change]) -> dict:
    """The advisor's part of the situation: the list to choose from, and every change, newest first, with who
    recorded it (those still to start included), as `records.overview.read` reads them."""

    def named(asks) -> str:  # "In work, Flex job and Work placement", joined as the reader's language joins them
        return format_list(
            [situations.label(item.key, item.name) for item in listed if asks(item)] or ["-"], locale=get_locale()
        )

    today = checkins.today()
    return {
        "situation_now": situation_now(changes, today),
        "situation_choices": listed,
        "situation_asks": {
            "hours": named(lambda item: item.asks_hours),
            "employer": named(lambda item: item.asks_employer),
        },
        "situation_history": [(change.record, change.situation, change.recorded_by) for change in changes],
        "situation_today": today,
    }


def overview_page(db: Session, viewer: User, resident: User) -> tuple[str, dict]:
    records = overview.read(db, resident=resident)
    return page(
        "records/overview.html",
        viewer,
        resident,
        **overview_context(records),
        situation_now=situation_now(records.situation_changes, checkins.today()),
    )


def barriers_page(db: Session, viewer: User, resident: User, failed=None) -> tuple[str, dict]:
    """`failed`: a refused form as (its name, the item's id or None, the form), shown again with its errors."""
    return page("records/barriers.html", viewer, resident, failed, barrier_list=barriers.of(db, resident=resident))


def goals_page(db: Session, viewer: User, resident: User, failed=None) -> tuple[str, dict]:
    return page("records/goals.html", viewer, resident, failed, goal_list=goals.of(db, resident=resident))


def appointments_page(db: Session, viewer: User, resident: User, failed=None, conflict=None) -> tuple[str, dict]:
    listed = appointments.listed(db, resident=resident)
    return page(
        "records/appointments.html",
        viewer,
        resident,
        failed,
        conflict=conflict,
        upcoming=listed.upcoming,
        earlier=listed.earlier,
        cancelled=listed.cancelled,
    )
