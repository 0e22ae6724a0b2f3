"""The records blueprint, and what its view modules share: whose records, and where a form returns to."""

from __future__ import annotations

from flask import Blueprint, abort, after_this_request, flash, request
from flask_login import current_user

from .. import file_openings, policy
from ..db import get_session, writing_after_reads
from ..htmx import see_other
from ..models import User
from ..redirects import local_target
from ..request_kinds import someone_reads

bp = Blueprint("records", __name__, url_prefix="/residents/<int:resident_id>")


def viewable(resident_id: int, page_name: str) -> User:
    """The resident whose page this is; a staff member opening it is recorded for the resident to see, once the
    page has read what it shows, in the transaction that read it (`writing_after_reads`)."""
    db = get_session()
    if current_user.id == resident_id or not someone_reads():
        return policy.resident_for(db, current_user, resident_id)
    resident, opened_lately = file_openings.read_for_opening(db, staff=current_user, resident_id=resident_id)
    if not policy.may_see_timeline(current_user, resident):
        abort(404)
    if not opened_lately:
        staff = current_user._get_current_object()

        @after_this_request
        def record_opening(response):
            if response.status_code == 200:
                with writing_after_reads(db):
                    file_openings.record_opening(db, staff=staff, resident=resident, what=page_name, locked=True)
            return response

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
