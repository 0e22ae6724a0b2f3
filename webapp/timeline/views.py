"""Routes shared by everyone who may read a resident's timeline; the policy decides who that is."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, abort, current_app, redirect, request
from flask_login import current_user, login_required

from .. import policy
from ..db import get_session
from ..htmx import render, render_block, see_other, wants_fragment
from ..pages.timeline import home_of_timeline, viewer_page
from ..params import int_param
from ..security import passive
from . import drafts, services
from .forms import MessageForm

bp = Blueprint("timeline", __name__, url_prefix="/residents/<int:resident_id>")


@bp.get("/")
@login_required
def home(resident_id: int):
    resident = policy.resident_for(get_session(), current_user, resident_id)
    return redirect(home_of_timeline(resident))


@bp.get("/entries")
@login_required
def older(resident_id: int):
    resident = policy.resident_for(get_session(), current_user, resident_id)
    before = int_param(request.args, "before")
    page = services.page(get_session(), resident=resident, before=before, size=current_app.config["TIMELINE_PAGE_SIZE"])
    return render("timeline/older.html", block="older", resident=resident, page=page)


@bp.get("/updates")
@login_required
@passive
def updates(resident_id: int):
    db = get_session()
    resident = policy.resident_for(db, current_user, resident_id)
    if not wants_fragment():
        return redirect(home_of_timeline(resident))
    after = int_param(request.args, "after", default=0)
    since = _parse_moment(request.args.get("since"))
    if not services.anything_new(db, resident=resident, after=after, seen_since=since):
        # htmx keeps the page as it is; the poller asks again with the same question.
        return "", 204
    found = services.updates(db, resident=resident, after=after, seen_since=since)
    if policy.is_advisor_of(current_user, resident) and any(
            entry.by_resident and entry.seen_at is None for entry in found.entries):
        services.mark_seen_by_advisor(db, resident=resident, advisor=current_user, opened=False)
    return render_block("timeline/_updates.html", "updates", resident=resident, updates=found, oob_poller=False)


@bp.post("/entries")
@login_required
def post_message(resident_id: int):
    db = get_session()
    resident = policy.resident_for(db, current_user, resident_id, write=True)
    form = MessageForm()
    if not form.validate():
        if wants_fragment():
            return render_block("timeline/_message_form.html", "message_form", resident=resident, form=form), 422
        if policy.is_advisor_of(current_user, resident):  # the timeline is in front of them again
            services.mark_seen_by_advisor(db, resident=resident, advisor=current_user, opened=False)
        return viewer_page(resident, message_form=form, status=422)
    services.post_message(
        db,
        resident=resident,
        author=current_user,
        body=form.body.data,
        idempotency_key=form.idempotency_key.data,
    )
    if request.form.get("from_draft"):  # the reply kept across a sign-out is sent now
        drafts.discard(db, user=current_user, resident=resident)
    if not wants_fragment():
        return see_other(home_of_timeline(resident))
    after = int_param(request.form, "after", default=0)
    found = services.updates(
        db, resident=resident, after=after, seen_since=_parse_moment(request.form.get("since"))
    )
    fresh = render_block("timeline/_message_form.html", "message_form", resident=resident, form=MessageForm.fresh())
    return fresh + render_block("timeline/_updates.html", "updates", resident=resident, updates=found, oob_poller=True)


def _parse_moment(text: str | None) -> datetime | None:
    """An ISO moment with its offset, as the page sent it; in UTC, or a 400."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            abort(400)
        return moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):  # not a moment, or one before year 1 once in UTC
        abort(400)
