from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from .. import policy
from ..db import get_session
from ..htmx import render
from ..models import Role
from ..policy import role_required
from ..timeline.views import render_timeline_page
from . import services

bp = Blueprint("advisor", __name__, url_prefix="/advisor")


@bp.get("/")
@role_required(Role.ADVISOR)
def caseload():
    rows = services.caseload(get_session(), advisor=current_user)
    return render("advisor/caseload.html", rows=rows)


@bp.get("/residents/<int:resident_id>")
@role_required(Role.ADVISOR)
def resident(resident_id: int):
    found = policy.resident_for(get_session(), current_user, resident_id)
    return render_timeline_page(found)
