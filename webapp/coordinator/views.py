from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import policy
from ..auth import device_sessions, pairing, password_links
from ..auth import services as accounts
from ..auth.device_cookie import current_device, request_origin, set_device_cookie
from ..db import get_session
from ..htmx import render, see_other
from ..models import STAFF_ROLES, HousingArea, Role, User
from ..pages.coordinator import choose_advisor_page, choose_area_page, overview_page
from ..pages.password_link import password_link_page
from ..params import int_param
from ..policy import role_required
from ..redirects import local_target
from ..validators import choices
from . import audit_log as audit_log_service
from . import services
from .forms import (
    NO_ADVISOR_CHOSEN,
    AreaForm,
    AssignForm,
    StaffForm,
    TabletForm,
    UserAreaForm,
)
from .routing import bp


def NAME_TAKEN() -> str:  # noqa: N802 (read like the refusals below)
    return _(
        "Another active staff member has this name. Add a middle name or an initial, so residents can tell you apart."
    )


REFUSALS = {
    "self": lambda: _("You cannot deactivate your own account."),
    "has_residents": lambda: _("Move this advisor's residents to another advisor first."),
    "name_taken": lambda: NAME_TAKEN(),
    "username_taken": lambda: _("That username is taken. Please choose another."),
    "advisor_inactive": lambda: _("That advisor was deactivated a moment ago. Please choose another advisor."),
}


def assign_form(advisors: list[tuple[int, str, bool]], resident: User, **kwargs) -> AssignForm:
    """Any active advisor may be chosen; the empty choice first, so one tap on "Assign" picks nobody."""
    # The resident's id in the field's name, as on the overview, where there is one form per shown resident.
    form = AssignForm(prefix=f"resident-{resident.id}", **kwargs)
    form.advisor_id.choices = choices(
        [(NO_ADVISOR_CHOSEN, _("Choose an advisor"))] + [(user_id, name) for user_id, name, _here in advisors]
    )
    return form


def user_area_form(areas, user: User, **kwargs) -> UserAreaForm:
    form = UserAreaForm(prefix=f"user-{user.id}", **kwargs)
    form.area_id.choices = choices([(0, _("No area"))] + [(area.id, area.name) for area in areas if area.active])
    return form


def _back() -> str:
    """Where a choice returns to: the overview as it was asked for (its search, area and pages), if it is one
    of the app's own pages."""
    return local_target(request.values.get("back")) or url_for("coordinator.overview")


def _overview(status: int = 200, area_form: AreaForm | None = None):
    args = request.args
    wanted = services.ResidentFilter(
        search=(args.get("q") or "")[:80],
        area_id=int_param(args, "area"),
        page=max(1, int_param(args, "page", 1)),
    )
    staff_page = max(1, int_param(args, "staff_page", 1))
    areas_page = max(1, int_param(args, "areas_page", 1))
    back = url_for("coordinator.overview", **{key: value for key, value in args.items() if value})
    template, context = overview_page(
        get_session(), wanted=wanted, staff_page=staff_page, areas_page=areas_page, back=back, area_form=area_form
    )
    return render(template, **context), status


@bp.get("/")
@role_required(Role.COORDINATOR)
def overview():
    return _overview()


@bp.get("/staff/new")
@role_required(Role.COORDINATOR)
def new_staff():
    return render("coordinator/new_staff.html", form=StaffForm(formdata=None))


@bp.post("/staff/new")
@role_required(Role.COORDINATOR)
def create_staff():
    """The account, and at once the page with its password link: the token is shown this once."""
    form = StaffForm()
    if not form.validate():
        return render("coordinator/new_staff.html", form=form), 422
    try:
        user, token = services.create_staff(
            get_session(),
            actor=current_user,
            username=form.username.data,
            display_name=form.display_name.data,
            role=Role(form.role.data),
            locale=form.locale.data,
        )
    except services.RefusedChange as refusal:
        field = form.username if str(refusal) == "username_taken" else form.display_name
        field.errors.append(REFUSALS[str(refusal)]())
        return render("coordinator/new_staff.html", form=form), 422
    template, context = password_link_page(user, token, just_made=True)
    return render(template, **context)


@bp.post("/staff/<int:user_id>/password-link")
@role_required(Role.COORDINATOR)
def password_link(user_id: int):
    """A fresh link for a staff member who has not chosen a password yet; the ones made before stop working."""
    user = _account(user_id, *STAFF_ROLES)
    token = password_links.make_link(get_session(), user=user, actor=current_user)
    if token is None:
        flash(_("A password link is only for an active staff account that has no password yet."))
        return see_other(url_for("coordinator.overview"))
    template, context = password_link_page(user, token)
    return render(template, **context)


@bp.post("/staff/<int:user_id>/reset-link")
@role_required(Role.COORDINATOR)
def reset_link(user_id: int):
    """A staff member forgot their password or lost their second factor: a link that sets a new password
    and clears the second factor. Links made before stop working."""
    user = get_session().get(User, user_id)
    if not policy.may_reset_password(current_user, user):
        abort(404)
    token = password_links.make_reset_link(get_session(), user=user, actor=current_user)
    if token is None:  # deactivated a moment ago
        abort(404)
    template, context = password_link_page(user, token, resets=True)
    return render(template, **context)


def _account(user_id: int, *roles: Role) -> User:
    user = get_session().get(User, user_id)
    if user is None or user.role not in roles:
        abort(404)
    return user


@bp.post("/staff/<int:user_id>/deactivate")
@role_required(Role.COORDINATOR)
def deactivate(user_id: int):
    return _set_active(_account(user_id, *STAFF_ROLES), active=False)


@bp.post("/staff/<int:user_id>/activate")
@role_required(Role.COORDINATOR)
def activate(user_id: int):
    return _set_active(_account(user_id, *STAFF_ROLES), active=True)


def _set_active(user: User, *, active: bool):
    try:
        services.set_active(get_session(), actor=current_user, user=user, active=active)
    except services.RefusedChange as refusal:
        flash(REFUSALS[str(refusal)]())
    else:
        flash(
            _("%(name)s can sign in again.", name=user.display_name)
            if active
            else _("%(name)s can no longer sign in.", name=user.display_name)
        )
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
    device_sessions.end_all_device_sessions(get_session(), user=user, actor=current_user)
    flash(_("%(name)s is signed out on every device.", name=user.display_name))
    return see_other(url_for("coordinator.overview"))


@bp.get("/residents/<int:resident_id>/advisor")
@role_required(Role.COORDINATOR)
def choose_advisor(resident_id: int):
    db = get_session()
    resident = _account(resident_id, Role.RESIDENT)
    advisors = services.advisors_for(db, resident)
    return _choose_advisor(resident, assign_form(advisors, resident, formdata=None), advisors)


def _choose_advisor(resident: User, form: AssignForm, advisors, status: int = 200):
    template, context = choose_advisor_page(
        get_session(), resident=resident, form=form, advisors=advisors, back=_back()
    )
    return render(template, **context), status


@bp.post("/residents/<int:resident_id>/advisor")
@role_required(Role.COORDINATOR)
def assign(resident_id: int):
    db = get_session()
    resident = _account(resident_id, Role.RESIDENT)
    advisors = services.advisors_for(db, resident)
    form = assign_form(advisors, resident)
    if not form.validate_on_submit():
        return _choose_advisor(resident, form, advisors, 422)
    advisor = db.get(User, form.advisor_id.data)
    try:
        assigned = services.assign_advisor(db, actor=current_user, resident=resident, advisor=advisor)
    except services.RefusedChange as refusal:
        flash(REFUSALS[str(refusal)]())
        return see_other(_back())
    if assigned:
        flash(
            _(
                "%(resident)s now has %(advisor)s as personal job advisor.",
                resident=resident.display_name,
                advisor=advisor.display_name,
            )
        )
    return see_other(_back())


@bp.post("/areas")
@role_required(Role.COORDINATOR)
def add_area():
    form = AreaForm()
    if not form.validate_on_submit():
        return _overview(422, area_form=form)
    try:
        area = services.add_area(get_session(), actor=current_user, name=form.name.data)
    except IntegrityError:
        form.name.errors.append(_("There is already an area with that name."))
        return _overview(422, area_form=form)
    flash(_("%(name)s is added to the housing areas.", name=area.name))
    return see_other(url_for("coordinator.overview"))


@bp.post("/areas/<int:area_id>/active")
@role_required(Role.COORDINATOR)
def area_active(area_id: int):
    db = get_session()
    area = db.get(HousingArea, area_id) or abort(404)
    active = request.form.get("active") == "yes"
    services.set_area_active(db, actor=current_user, area=area, active=active)
    flash(
        _("%(name)s can be chosen at sign-up again.", name=area.name)
        if active
        else _("%(name)s is no longer offered at sign-up.", name=area.name)
    )
    return see_other(url_for("coordinator.overview"))


@bp.get("/staff/<int:user_id>/area")
@role_required(Role.COORDINATOR)
def choose_area(user_id: int):
    """An advisor's housing area, on a page of its own when there are too many areas for a select at each row."""
    db = get_session()
    user = _account(user_id, Role.ADVISOR)
    form = user_area_form(services.areas(db), user, formdata=None, area_id=user.housing_area_id or 0)
    template, context = choose_area_page(db, user=user, form=form, back=_back())
    return render(template, **context)


@bp.post("/staff/<int:user_id>/area")
@role_required(Role.COORDINATOR)
def user_area(user_id: int):
    db = get_session()
    user = _account(user_id, Role.ADVISOR)
    form = user_area_form(services.areas(db), user)
    if not form.validate_on_submit():
        flash(_("Please choose one of the options."))
        return see_other(_back())
    services.set_user_area(db, actor=current_user, user=user, area_id=form.area_id.data or None)
    flash(_("The housing area of %(name)s is saved.", name=user.display_name))
    return see_other(_back())


@bp.get("/tablets")
@role_required(Role.COORDINATOR)
def tablets():
    """Register the device in hand as a community-house tablet, and see the others."""
    return _tablets_page(TabletForm(formdata=None))


@bp.post("/tablets")
@role_required(Role.COORDINATOR)
def register_tablet():
    form = TabletForm()
    if not form.validate():
        return _tablets_page(form), 422
    token = pairing.register_tablet(
        get_session(), actor=current_user, name=form.name.data, locale=form.locale.data, **request_origin()
    )
    flash(_("This device is now a community-house tablet. Residents can sign in here with their username and PIN."))
    return set_device_cookie(see_other(url_for("coordinator.tablets")), token)


def _tablets_page(form):
    this = current_device()
    return render(
        "coordinator/tablets.html",
        form=form,
        tablets=pairing.tablets(get_session()),
        this_tablet=this[0].id if this and this[0].kind == pairing.TABLET else None,
        this_is_phone=bool(this and this[0].kind == pairing.PHONE),
    )


@bp.post("/tablets/<int:tablet_id>/remove")
@role_required(Role.COORDINATOR)
def remove_tablet(tablet_id: int):
    db = get_session()
    tablet = next((t for t in pairing.tablets(db) if t.id == tablet_id), None)
    if tablet is None:
        abort(404)
    pairing.remove(db, devices=[tablet], actor=current_user, subject=None, **request_origin())
    flash(_("The tablet is removed. Residents can no longer sign in on it."))
    return see_other(url_for("coordinator.tablets"))


@bp.get("/audit")
@role_required(Role.COORDINATOR)
def audit_log():
    db = get_session()
    wanted = (request.args.get("person") or "").strip()
    person = accounts.find_user(db, wanted) if wanted else None
    before = int_param(request.args, "before")
    rows, older = audit_log_service.events(db, person=person, before=before) if person or not wanted else ([], None)
    return render(
        "coordinator/audit.html", rows=rows, older=older, person=person, wanted=wanted, label=audit_log_service.label
    )
