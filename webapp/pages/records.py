"""The record pages of one resident (overview, barriers, goals, appointments) and the tools their templates use."""
from __future__ import annotations

from dataclasses import dataclass

from babel.lists import format_list
from flask_babel import get_locale
from flask_login import current_user

from .. import policy
from ..db import get_session
from ..htmx import render
from ..models import ResidentSituation, Situation, User
from ..outcomes import situations
from ..records import appointments, barriers, checkins, goals
from ..records.forms import (AnswerForm, AppointmentForm, BarrierForm, BarrierStatusForm, CommentForm, GoalChangeForm,
                             GoalForm, GoalStatusForm, MoveForm, OutcomeForm, SituationForm, StepDoneForm, StepForm,
                             VersionForm)

# The forms a page shows once per item; a refused one is shown again as it was sent, with its errors.
FORMS = {
    "barrier": BarrierForm, "barrier_status": BarrierStatusForm, "goal": GoalForm, "goal_change": GoalChangeForm,
    "goal_status": GoalStatusForm, "comment": CommentForm, "step": StepForm, "appointment": AppointmentForm,
    "move": MoveForm, "answer": AnswerForm, "outcome": OutcomeForm, "cancel": VersionForm, "restore": VersionForm,
    "step_done": StepDoneForm, "situation": SituationForm,
}


def form_slots(failed: tuple[str, int | None, object] | None):
    def form_for(name: str, item_id: int | None = None, **data):
        if failed and failed[0] == name and failed[1] == item_id:
            return failed[2]
        form_class = FORMS[name]
        return form_class.fresh(**data) if hasattr(form_class, "fresh") else form_class(formdata=None, **data)

    return form_for


def record_tools(resident: User, failed=None) -> dict:
    """What templates showing a resident's records need: their forms, and what this reader may do."""
    def may(action: str, record=None) -> bool:
        """What this reader may do; with a record, also what a resident may do with what they made."""
        return policy.may(current_user, action, resident, made_by=getattr(record, "created_by", None))

    return {"form_for": form_slots(failed), "may": may, "may_undo": appointments.may_undo,
            "may_remove": barriers.may_remove}


def page(template: str, resident: User, status: int = 200, failed=None, **context):
    return render(template, resident=resident, **record_tools(resident, failed), **context), status


def overview_context(resident: User) -> dict:
    db = get_session()
    return {
        "open_barriers": [b for b in barriers.of(db, resident=resident) if b.status != "solved"],
        "goal_list": goals.of(db, resident=resident, include_reached=False),
        "next_appointments": appointments.upcoming(db, resident=resident, limit=5),
    }


@dataclass(frozen=True)
class SituationNow:
    """The resident's situation now, as records/_situation_now.html shows it (like situations.Current)."""
    record: ResidentSituation
    situation: Situation


def situation_context(resident: User) -> dict:
    """The advisor's part of the situation: the list to choose from, and every change, newest first, with who
    recorded it (those still to start included)."""
    listed, changes = situations.list_and_history(get_session(), resident=resident)

    def named(asks) -> str:  # "In work, Flex job and Work placement", joined as the reader's language joins them
        return format_list([situations.label(item.key, item.name) for item in listed if asks(item)] or ["-"],
                           locale=get_locale())

    today = checkins.today()
    # The newest that has started (the history's order is the one situations.current reads): no query of its own.
    now = next((SituationNow(change.record, change.situation) for change in changes if change.record.starts_on <= today),
               None)
    return {
        "situation_now": now,
        "situation_choices": listed,
        "situation_asks": {"hours": named(lambda item: item.asks_hours), "employer": named(lambda item: item.asks_employer)},
        "situation_history": [(change.record, change.situation, change.recorded_by) for change in changes],
        "situation_today": today,
    }


def overview_page(resident: User):
    return page("records/overview.html", resident, **overview_context(resident),
                situation_now=situations.current(get_session(), resident=resident))


def barriers_page(resident: User, status: int = 200, failed=None):
    return page("records/barriers.html", resident, status, failed, barrier_list=barriers.of(get_session(), resident=resident))


def goals_page(resident: User, status: int = 200, failed=None):
    return page("records/goals.html", resident, status, failed, goal_list=goals.of(get_session(), resident=resident))


def appointments_page(resident: User, status: int = 200, failed=None, conflict=None):
    db = get_session()
    return page("records/appointments.html", resident, status, failed, conflict=conflict,
                upcoming=appointments.upcoming(db, resident=resident), earlier=appointments.earlier(db, resident=resident),
                cancelled=appointments.cancelled(db, resident=resident))
