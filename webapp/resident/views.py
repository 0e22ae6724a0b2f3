from __future__ import annotations

from flask import Blueprint

from ..models import Role
from ..pages.timeline import resident_home
from ..policy import role_required

bp = Blueprint("resident", __name__, url_prefix="/me")


@bp.get("/")
@role_required(Role.RESIDENT)
def home():
    """The resident's home: today's check-in first, then what is coming up, then the timeline."""
    return resident_home()
