from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from .. import policy
from ..db import get_session
from ..htmx import render
from ..models import Role
from ..policy import role_required
from ..records.views import overview_context, record_tools
from ..timeline.views import render_timeline_page
from . import services

bp = Blueprint("advisor", __name__, url_prefix="/advisor")


@bp.get("/")
@role_required(Role.ADVISOR)
def caseload():
    rows = services.caseload(get_session(), advisor=current_user)
    return render("advisor/caseload.html", rows=rows, reasons=services.REASONS, reason_icons=services.REASON_ICONS)


@bp.get("/residents/<int:resident_id>")
@role_required(Role.ADVISOR)
def resident(resident_id: int):
    return render_resident_page(policy.resident_for(get_session(), current_user, resident_id))


def render_resident_page(resident, message_form=None, status: int = 200):
    """One resident as their advisor sees them: the timeline beside the overview."""
    return render_timeline_page(
        resident, form=message_form, status=status, **record_tools(resident), **overview_context(resident),
    )
