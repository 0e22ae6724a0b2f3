from __future__ import annotations

from flask import Blueprint

from ..htmx import render
from ..models import Role
from ..policy import role_required

bp = Blueprint("signup", __name__, url_prefix="/volunteer")


@bp.get("/")
@role_required(Role.VOLUNTEER)
def home():
    return render("signup/home.html")
