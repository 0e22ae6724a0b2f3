from __future__ import annotations

from flask import Blueprint, abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import policy
from ..db import get_session
from ..coordinator import services as coordination
from ..htmx import render, see_other
from ..models import Role, User
from ..policy import role_required
from ..timeline.forms import MessageForm
from ..records.views import overview_context, record_tools
from ..timeline.views import render_timeline_page
from . import services

bp = Blueprint("advisor", __name__, url_prefix="/advisor")
# The way the resident said they prefer to be contacted, as the first choice for "I have contacted them".
CONTACT_WAY_OF_PREFERENCE = {"call": "phone", "sms": "sms", "house": "in_person"}


@bp.get("/")
@role_required(Role.ADVISOR)
def caseload():
    db = get_session()
    rows = services.caseload(db, advisor=current_user)
    unassigned = coordination.unassigned(db, area_id=current_user.housing_area_id) if current_user.housing_area_id else []
    return render("advisor/caseload.html", rows=rows, reasons=services.REASONS, reason_icons=services.REASON_ICONS,
                  unassigned=unassigned)


@bp.post("/residents/<int:resident_id>/take")
@role_required(Role.ADVISOR)
def take(resident_id: int):
    """"I'll take them": a new resident of the advisor's own area becomes theirs."""
    db = get_session()
    resident = db.get(User, resident_id)
    if not policy.may_take(current_user, resident):
        abort(404)
    if coordination.take(db, advisor=current_user, resident=resident):
        flash(_("%(name)s is now one of your residents.", name=resident.display_name))
        return see_other(url_for("advisor.resident", resident_id=resident.id))
    flash(_("Someone else took %(name)s a moment ago.", name=resident.display_name))
    return see_other(url_for("advisor.caseload"))


@bp.get("/residents/<int:resident_id>")
@role_required(Role.ADVISOR)
def resident(resident_id: int):
    return render_resident_page(policy.resident_for(get_session(), current_user, resident_id))


def render_resident_page(resident, message_form=None, status: int = 200):
    """One resident as their advisor sees them: the timeline beside the overview."""
    request, draft = services.waiting_on_page(get_session(), advisor=current_user, resident=resident)
    if message_form is None and draft:
        message_form = MessageForm.fresh(body=draft)
        message_form.from_draft = True
    return render_timeline_page(
        resident, form=message_form, status=status, **record_tools(resident), **overview_context(resident),
        contact_request=request, contact_way=CONTACT_WAY_OF_PREFERENCE.get(resident.contact_preference, "phone"),
    )
