"""Goal routes on the records blueprint."""

from __future__ import annotations

from flask import abort, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..db import get_session
from ..htmx import render
from ..models import User
from ..pages.records import goals_page
from . import catalog, goals
from .forms import CommentForm, GoalChangeForm, GoalForm, GoalStatusForm, StepDoneForm, StepForm
from .routing import acting, bp, done_at


def _goal(resident: User, goal_id: int):
    return goals.find(get_session(), resident=resident, goal_id=goal_id) or abort(404)


def _at_goal(resident: User, goal, notice: str):
    return done_at(url_for("records.goal_list", resident_id=resident.id), f"goal-{goal.id}", notice)


def _goal_name(goal) -> str:
    return catalog.label(catalog.GOAL_KINDS, goal.kind)


def _on_goal(resident_id: int, goal_id: int, action: str, form_name: str, form_class, change):
    """Validate the form for one goal, then make the change, which says what it did; a refused form is
    shown again with its errors."""
    resident = acting(resident_id, action)
    goal = _goal(resident, goal_id)
    form = form_class()
    if not form.validate():
        template, context = goals_page(get_session(), current_user, resident, (form_name, goal.id, form))
        return render(template, **context), 422
    return _at_goal(resident, goal, change(get_session(), resident, goal, form))


@bp.post("/goals")
@login_required
def add_goal(resident_id: int):
    resident = acting(resident_id, "add_goal")
    form = GoalForm()
    if not form.validate():
        template, context = goals_page(get_session(), current_user, resident, ("goal", None, form))
        return render(template, **context), 422
    goal = goals.add(
        get_session(),
        resident=resident,
        author=current_user,
        kind=form.kind.data,
        words=form.words.data,
        hours=form.hours.data,
        month=form.target_month,
        idempotency_key=form.idempotency_key.data,
    )
    return _at_goal(resident, goal, _("Saved: %(what)s", what=_goal_name(goal)))


@bp.post("/goals/<int:goal_id>")
@login_required
def change_goal(resident_id: int, goal_id: int):
    def change(db, resident, goal, form):
        goals.change(
            db,
            resident=resident,
            goal=goal,
            author=current_user,
            kind=form.kind.data,
            words=form.words.data,
            hours=form.hours.data,
            month=form.target_month,
        )
        return _("Saved: %(what)s", what=catalog.label(catalog.GOAL_KINDS, form.kind.data))

    return _on_goal(resident_id, goal_id, "change_goal", "goal_change", GoalChangeForm, change)


@bp.post("/goals/<int:goal_id>/status")
@login_required
def goal_status(resident_id: int, goal_id: int):
    def change(db, resident, goal, form):
        goals.set_status(db, resident=resident, goal=goal, author=current_user, status=form.status.data)
        return _(
            "Saved: %(what)s — %(status)s",
            what=_goal_name(goal),
            status=catalog.label(catalog.GOAL_STATUSES, form.status.data),
        )

    return _on_goal(resident_id, goal_id, "goal_status", "goal_status", GoalStatusForm, change)


@bp.post("/goals/<int:goal_id>/comments")
@login_required
def comment_goal(resident_id: int, goal_id: int):
    def change(db, resident, goal, form):
        goals.comment(
            db,
            resident=resident,
            goal=goal,
            advisor=current_user,
            text=form.text.data,
            idempotency_key=form.idempotency_key.data,
        )
        return _("Comment saved.")

    return _on_goal(resident_id, goal_id, "comment_goal", "comment", CommentForm, change)


@bp.post("/goals/<int:goal_id>/steps")
@login_required
def add_step(resident_id: int, goal_id: int):
    def change(db, resident, goal, form):
        step = goals.add_step(
            db,
            resident=resident,
            goal=goal,
            author=current_user,
            text=form.text.data,
            idempotency_key=form.idempotency_key.data,
        )
        return _("Step added: %(step)s", step=step.text)

    return _on_goal(resident_id, goal_id, "add_step", "step", StepForm, change)


@bp.post("/goals/<int:goal_id>/steps/<int:step_id>/done")
@login_required
def tick_step(resident_id: int, goal_id: int, step_id: int):
    def change(db, resident, goal, form):
        step = goals.find_step(db, goal=goal, step_id=step_id) or abort(404)
        done = form.done.data != "0"
        goals.tick_step(db, resident=resident, goal=goal, step=step, author=current_user, done=done)
        return _("Step done: %(step)s", step=step.text) if done else _("Step not done yet: %(step)s", step=step.text)

    return _on_goal(resident_id, goal_id, "tick_step", "step_done", StepDoneForm, change)
