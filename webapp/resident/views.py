from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from ..models import Role
from ..policy import role_required
from ..timeline.views import render_timeline_page

bp = Blueprint("resident", __name__, url_prefix="/me")


@bp.get("/")
@role_required(Role.RESIDENT)
def home():
    return render_timeline_page(current_user)
