"""Download a resident's data as one ZIP: the resident themself, their advisor, or the coordinator."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app
from flask_login import current_user, login_required

from ..auth.device_cookie import request_origin
from ..db import get_session
from ..models import COPENHAGEN, Role, User
from ..policy import may_export, role_required
from . import archive, services

bp = Blueprint("export", __name__)


@bp.post("/me/data/export")
@role_required(Role.RESIDENT)
def mine():
    if current_user.on_shared_device:
        abort(403)  # the file would stay on the community-house tablet for the next person
    return _download(current_user._get_current_object())


@bp.post("/residents/<int:resident_id>/export")
@login_required
def for_resident(resident_id: int):
    """For a written request: the advisor or the coordinator makes the copy, and the resident sees who did."""
    resident = get_session().get(User, resident_id)
    if not may_export(current_user, resident):
        abort(404)
    return _download(resident)


def _download(resident: User) -> Response:
    db = get_session()
    made_at = services.note_export(db, actor=current_user, resident=resident, **request_origin())
    chunks = archive.stream(current_app._get_current_object(), resident_id=resident.id, made_at=made_at)
    response = Response(chunks, mimetype="application/zip")
    response.headers["Content-Disposition"] = f"attachment; filename={_file_name(resident, made_at)}"
    response.headers["Cache-Control"] = "no-store"
    return response


def _file_name(resident: User, made_at) -> str:
    """sammen-<username>-<date>.zip, in letters, digits and dashes only: safe in any header and file system."""
    name = re.sub(r"[^A-Za-z0-9-]+", "-", resident.username).strip("-") or str(resident.id)
    return f"sammen-{name}-{made_at.astimezone(COPENHAGEN):%Y-%m-%d}.zip"
