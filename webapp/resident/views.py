from __future__ import annotations

from flask import Blueprint, request
from flask_login import current_user

from ..db import get_session
from ..models import Role
from ..policy import role_required
from ..records import appointments, checkins, contact
from ..records.forms import CheckInForm, CheckInWordsForm
from ..records.views import record_tools
from ..timeline.views import render_timeline_page

bp = Blueprint("resident", __name__, url_prefix="/me")


def render_home(checkin_form: CheckInForm | None = None, words_form: CheckInWordsForm | None = None,
                message_form=None, status: int = 200):
    """The resident's home: today's check-in first, then what is coming up, then the timeline."""
    db = get_session()
    resident = current_user
    todays = checkins.todays(db, resident=resident)
    if words_form is None and todays is not None:
        words_form = CheckInWordsForm(formdata=None, words=todays.words, wants_contact=todays.wants_contact)
    return render_timeline_page(
        resident,
        form=message_form,
        status=status,
        todays_checkin=todays,
        checkin_form=checkin_form or CheckInForm.fresh(),
        words_form=words_form,
        replaced=request.args.get("replaced") == "1",
        thanks=request.args.get("thanks") == "1",
        next_appointments=appointments.upcoming(db, resident=resident, limit=3),
        contact_request=contact.open_request(db, resident=resident),
        **record_tools(resident),
    )


@bp.get("/")
@role_required(Role.RESIDENT)
def home():
    return render_home()
