"""The pages that hold a timeline: the resident's home, and the advisor's page of one resident."""
from __future__ import annotations

from flask import current_app, request, url_for
from flask_login import current_user

from .. import policy
from ..advisor import services as advising
from ..db import get_session
from ..htmx import render
from ..models import User, utcnow
from ..records import appointments, checkins, contact
from ..records.forms import CheckInForm, CheckInWordsForm
from ..timeline import services
from ..timeline.forms import MessageForm
from .records import overview_context, record_tools

# The way the resident said they prefer to be contacted, as the first choice for "I have contacted them".
CONTACT_WAY_OF_PREFERENCE = {"call": "phone", "sms": "sms", "house": "in_person"}


def home_of_timeline(resident: User) -> str:
    if current_user.is_resident:
        return url_for("resident.home")
    return url_for("advisor.resident", resident_id=resident.id)


def timeline_page(resident: User, template: str, form: MessageForm | None = None, status: int = 200, **extra):
    """A page with the resident's newest entries and the message box."""
    page = services.page(get_session(), resident=resident, size=current_app.config["TIMELINE_PAGE_SIZE"])
    context = dict(
        resident=resident,
        page=page,
        form=form or MessageForm.fresh(),
        newest_id=services.newest_id(page.entries),
        checked_at=utcnow(),
        may_write=policy.may_write_in_timeline(current_user, resident),
        **extra,
    )
    return render(template, **context), status


def resident_home(checkin_form: CheckInForm | None = None, words_form: CheckInWordsForm | None = None,
                  message_form=None, status: int = 200):
    """The resident's home: today's check-in first, then what is coming up, then the timeline."""
    db = get_session()
    resident = current_user
    todays = checkins.todays(db, resident=resident)
    if words_form is None and todays is not None:
        words_form = CheckInWordsForm(formdata=None, words=todays.words, wants_contact=todays.wants_contact)
    return timeline_page(
        resident,
        "resident/home.html",
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


def advisor_resident_page(resident: User, message_form=None, status: int = 200,
                          on_page: advising.OnPage | None = None):
    """One resident as their advisor sees them: the timeline beside the overview.

    The caller marks the resident's entries seen first (`services.mark_seen_by_advisor`).
    """
    on_page = on_page or advising.on_page(get_session(), advisor=current_user, resident=resident)
    if message_form is None and on_page.draft:
        message_form = MessageForm.fresh(body=on_page.draft)
        message_form.from_draft = True
    return timeline_page(
        resident, "advisor/resident.html", form=message_form, status=status, **record_tools(resident),
        **overview_context(resident), contact_request=on_page.contact_request,
        contact_way=CONTACT_WAY_OF_PREFERENCE.get(resident.contact_preference, "phone"),
    )


def viewer_page(resident: User, **kwargs):
    """The page the viewer wrote from, shown again (e.g. with a refused message kept in the box)."""
    if current_user.is_resident:
        return resident_home(**kwargs)
    return advisor_resident_page(resident, **kwargs)
