"""The records blueprint, and what its view modules share: whose records, and where a form returns to."""

from __future__ import annotations

from flask import Blueprint, flash, request
from flask_login import current_user

from .. import file_openings, policy
from ..db import get_session
from ..htmx import see_other
from ..models import User
from ..redirects import local_target
from ..request_kinds import someone_reads

bp = Blueprint("records", __name__, url_prefix="/residents/<int:resident_id>")


def viewable(resident_id: int, page_name: str) -> User:
    """The resident whose page this is; a staff member opening it is recorded for the resident to see."""
    resident = policy.resident_for(get_session(), current_user, resident_id)
    if current_user.id != resident.id and someone_reads():
        file_openings.note_opening(get_session(), staff=current_user, resident=resident, what=page_name)
    return resident


def acting(resident_id: int, action: str) -> User:
    return policy.resident_for_action(get_session(), current_user, resident_id, action)


def back(default: str, fragment: str | None = None):
    """Back to the page the form was on (only a page of the app), at `fragment` if given."""
    return see_other((local_target(request.form.get("return_to")) or default) + (f"#{fragment}" if fragment else ""))


def done_at(default: str, anchor: str, notice: str):
    """Back to the page, landing at the item that changed with a notice beside it (`notice_at` in
    _partials.html) in words: the result is in view and read out, with JavaScript or without."""
    flash(notice, f"at:{anchor}")
    return back(default, fragment=anchor)
