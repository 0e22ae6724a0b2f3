from __future__ import annotations

from flask import Blueprint, abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..auth import services as accounts
from ..db import get_session
from ..htmx import render, see_other
from ..models import Role, User
from ..policy import role_required
from ..validators import choices
from . import services
from .forms import ROLE_LABELS, AssignForm, StaffForm

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")

REFUSALS = {
    "self": lambda: _("You cannot deactivate your own account."),
    "has_residents": lambda: _("Move this advisor's residents to another advisor first."),
}


def assign_form(advisors: list[User], resident: User, **kwargs) -> AssignForm:
    # A prefix per resident keeps the ids unique on a page with one form per row.
    form = AssignForm(prefix=f"resident-{resident.id}", **kwargs)
    form.advisor_id.choices = choices((advisor.id, advisor.display_name) for advisor in advisors)
    return form


def _overview(status: int = 200, failed: tuple[int, AssignForm] | None = None):
    db = get_session()
    advisors = services.active_advisors(db)
    rows = []
    for resident, advisor_name in services.residents(db):
        form = failed[1] if failed and failed[0] == resident.id else assign_form(advisors, resident, formdata=None, advisor_id=resident.advisor_id)
        rows.append((resident, advisor_name, form))
    return render(
        "coordinator/overview.html",
        staff=services.staff(db),
        residents=rows,
        role_labels=ROLE_LABELS,
        is_locked=accounts.is_locked,
    ), status


@bp.get("/")
@role_required(Role.COORDINATOR)
def overview():
    return _overview()


@bp.route("/staff/new", methods=["GET", "POST"])
@role_required(Role.COORDINATOR)
def new_staff():
    db = get_session()
    form = StaffForm()
    if form.validate_on_submit():
        if accounts.find_user(db, form.username.data):
            form.username.errors.append(_("That username is taken. Please choose another."))
        else:
            try:
                user = services.create_staff(
                    db,
                    actor=current_user,
                    username=form.username.data,
                    display_name=form.display_name.data,
                    role=Role(form.role.data),
                    locale=form.locale.data,
                    password=form.password.data,
                )
            except IntegrityError:
                form.username.errors.append(_("That username is taken. Please choose another."))
            else:
                flash(_("The account for %(name)s is ready.", name=user.display_name))
                return see_other(url_for("coordinator.overview"))
    status = 422 if form.is_submitted() else 200
    return render("coordinator/new_staff.html", form=form), status


def _account(user_id: int, *roles: Role) -> User:
    user = get_session().get(User, user_id)
    if user is None or user.role not in roles:
        abort(404)
    return user


@bp.post("/staff/<int:user_id>/deactivate")
@role_required(Role.COORDINATOR)
def deactivate(user_id: int):
    return _set_active(_account(user_id, Role.ADVISOR, Role.VOLUNTEER, Role.COORDINATOR), active=False)


@bp.post("/staff/<int:user_id>/activate")
@role_required(Role.COORDINATOR)
def activate(user_id: int):
    return _set_active(_account(user_id, Role.ADVISOR, Role.VOLUNTEER, Role.COORDINATOR), active=True)


def _set_active(user: User, *, active: bool):
    try:
        services.set_active(get_session(), actor=current_user, user=user, active=active)
    except services.RefusedChange as refusal:
        flash(REFUSALS[str(refusal)]())
    else:
        flash(_("%(name)s can sign in again.", name=user.display_name) if active
              else _("%(name)s can no longer sign in.", name=user.display_name))
    return see_other(url_for("coordinator.overview"))


@bp.post("/accounts/<int:user_id>/unlock")
@role_required(Role.COORDINATOR)
def unlock(user_id: int):
    user = _account(user_id, *Role)
    accounts.unlock(get_session(), actor=current_user, user=user)
    flash(_("%(name)s can sign in again.", name=user.display_name))
    return see_other(url_for("coordinator.overview"))


@bp.post("/accounts/<int:user_id>/sign-out-everywhere")
@role_required(Role.COORDINATOR)
def sign_out_everywhere(user_id: int):
    user = _account(user_id, *Role)
    accounts.end_all_device_sessions(get_session(), user=user, actor=current_user)
    flash(_("%(name)s is signed out on every device.", name=user.display_name))
    return see_other(url_for("coordinator.overview"))


@bp.post("/residents/<int:resident_id>/advisor")
@role_required(Role.COORDINATOR)
def assign(resident_id: int):
    db = get_session()
    resident = _account(resident_id, Role.RESIDENT)
    form = assign_form(services.active_advisors(db), resident)
    if not form.validate_on_submit():
        return _overview(422, failed=(resident.id, form))
    advisor = db.get(User, form.advisor_id.data)
    if services.assign_advisor(db, actor=current_user, resident=resident, advisor=advisor):
        flash(_("%(resident)s now has %(advisor)s as personal job advisor.", resident=resident.display_name, advisor=advisor.display_name))
    return see_other(url_for("coordinator.overview"))
