from __future__ import annotations

from flask import Blueprint, abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..coordinator import services as coordination
from ..db import get_session
from ..htmx import render, render_block, see_other, wants_fragment
from ..models import Role, User
from ..outcomes import situations
from ..pages.caseload import caseload_page
from ..pages.timeline import advisor_resident_page
from ..policy import role_required
from ..request_kinds import someone_reads
from ..timeline import services as timeline
from . import services
from .forms import FollowUpForm

bp = Blueprint("advisor", __name__, url_prefix="/advisor")


@bp.get("/")
@role_required(Role.ADVISOR)
def caseload():
    return _caseload()


def _caseload(*, refused: tuple[int, FollowUpForm] | None = None, list_only: bool = False):
    """The caseload page, or its list of residents alone for the "still there" form's htmx swap."""
    template, context = caseload_page(get_session(), current_user, refused=refused, list_only=list_only)
    if list_only:
        return render_block(template, "caseload", **context)
    return render(template, **context)


@bp.post("/residents/<int:resident_id>/take")
@role_required(Role.ADVISOR)
def take(resident_id: int):
    """ "I'll take them": a new resident of the advisor's own area becomes theirs."""
    db = get_session()
    resident = db.get(User, resident_id)
    if not policy.in_own_area(current_user, resident):
        abort(404)
    if policy.may_take(current_user, resident) and coordination.take(db, advisor=current_user, resident=resident):
        flash(_("%(name)s is now one of your residents.", name=resident.display_name))
        return see_other(url_for("advisor.resident", resident_id=resident.id))
    if resident.advisor_id == current_user.id:  # a second tap, after the first took them
        return see_other(url_for("advisor.resident", resident_id=resident.id))
    # Taken by another advisor, just now or while this caseload was open: said, not a "not found".
    flash(_("Someone else took %(name)s a moment ago.", name=resident.display_name))
    return see_other(url_for("advisor.caseload"))


@bp.get("/residents/<int:resident_id>")
@role_required(Role.ADVISOR)
def resident(resident_id: int):
    """One resident as their advisor sees them; opening it marks their entries seen and is recorded, after
    the page's reads and in their transaction."""
    db = get_session()
    found, on_page = services.resident_on_page(db, advisor=current_user, resident_id=resident_id)
    if not policy.may_see_timeline(current_user, found):
        abort(404)
    template, context = advisor_resident_page(db, current_user, found, on_page=on_page)
    if someone_reads():
        timeline.mark_seen_by_advisor(
            db,
            resident=found,
            advisor=current_user,
            opened=not on_page.opened_lately,
            unseen=on_page.unseen,
            locked=on_page.opening_locked,
        )
    return render(template, **context)


@bp.post("/residents/<int:resident_id>/follow-up")
@login_required
def follow_up(resident_id: int):
    """ "Still there", from the caseload row: the follow-up it offered, recorded once."""
    db = get_session()
    resident = policy.resident_for_action(db, current_user, resident_id, "follow_up")
    form = FollowUpForm()
    if not form.validate():
        if form.months.errors:
            abort(400)  # the row sends the follow-up it offers, one of 1, 3, 6 and 12 months
        return _caseload(refused=(resident.id, form), list_only=wants_fragment()), 422
    anchor = f"resident-{resident.id}"
    if situations.record_follow_up(
        db, resident=resident, advisor=current_user, months=form.months.data, hours=form.hours.data
    ):
        flash(_("Noted: %(name)s is still there.", name=resident.display_name), f"at:{anchor}")
    else:  # a second tap, or a page from before the situation changed
        flash(
            _("Nothing was recorded: this follow-up was done already, or their situation has changed."),
            f"at:{anchor}:nothing",
        )
    if wants_fragment():
        return _caseload(list_only=True)
    return see_other(url_for("advisor.caseload") + f"#{anchor}")
