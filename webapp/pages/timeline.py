"""The pages that hold a timeline: the resident's home, and the advisor's page of one resident.
Each page is `(template, context)`, built for the viewer it is given; the view renders it."""

from __future__ import annotations

from flask import current_app, url_for
from sqlmodel import Session

from .. import i18n, policy
from ..advisor import services as advising
from ..models import User, utcnow
from ..records import appointments, overview
from ..records.forms import CheckInForm, CheckInWordsForm
from ..resident import services as residing
from ..timeline import drafts, phrases, services
from ..timeline.forms import MessageForm, VoiceForm
from .records import overview_context, record_tools, situation_context

# The way the resident said they prefer to be contacted, as the first choice for "I have contacted them".
CONTACT_WAY_OF_PREFERENCE = {"call": "phone", "sms": "sms", "house": "in_person"}


def home_of_timeline(viewer: User, resident: User) -> str:
    if viewer.is_resident:
        return url_for("resident.home")
    return url_for("advisor.resident", resident_id=resident.id)


def composer(db: Session, writer: User, resident: User, places: list[str] | None = None) -> dict:
    """What the message box offers the writer: their phrase book, and who reads what they send.

    When the other side reads another script (Dari and Danish, say), the phrase book opens first.
    `places`: where a phrase may say to meet, if the page already knows (otherwise they are looked up).
    """
    writer_is_resident = writer.is_resident
    reader_locale = None if writer_is_resident else resident.locale
    book = phrases.book_for(writer_is_resident)
    takes_place = any(phrases.PLACE in phrase.params for group in book for phrase in group.phrases)
    if not takes_place:
        places = []
    elif places is None:
        places = services.places_used(db, resident=resident)
    return {
        "phrase_book": book,
        "phrase_places": places,
        "reader_locale": reader_locale,
        "phrases_first": reader_locale is not None
        and i18n.script_of_language(reader_locale) != i18n.script_of_language(writer.locale),
        # Whose words are in the box, should the sign-in end before they are sent (timeline/drafts.py).
        "sign_in_ticket": drafts.ticket(device_session_id=writer._device_session_id, resident_id=resident.id),
    }


def timeline_page(
    db: Session,
    viewer: User,
    resident: User,
    template: str,
    form: MessageForm | None = None,
    voice_form: VoiceForm | None = None,
    places: list[str] | None = None,
    **extra,
) -> tuple[str, dict]:
    """A page with the resident's newest entries and the message box."""
    page = services.page(db, resident=resident, size=current_app.config["TIMELINE_PAGE_SIZE"])
    context = dict(
        resident=resident,
        page=page,
        form=form or MessageForm.fresh(),
        voice_form=voice_form or VoiceForm.fresh(),
        newest_id=services.newest_id(page.entries),
        checked_at=utcnow(),
        may_write=policy.may_write_in_timeline(viewer, resident),
        **composer(db, viewer, resident, places),
        **extra,
    )
    return template, context


def resident_home(
    db: Session,
    resident: User,
    checkin_form: CheckInForm | None = None,
    words_form: CheckInWordsForm | None = None,
    message_form=None,
    voice_form=None,
    *,
    replaced: bool = False,
    thanks: bool = False,
) -> tuple[str, dict]:
    """The resident's home, as they see it: today's check-in first, then what is coming up, then the timeline.
    `replaced`, `thanks`: the check-in just sent replaced today's earlier one; its words were just sent."""
    waiting = residing.on_home(db, resident=resident)
    todays = waiting.todays_checkin
    if message_form is None and waiting.draft:
        message_form = MessageForm.fresh(body=waiting.draft)
        message_form.from_draft = True
    if words_form is None and todays is not None:
        words_form = CheckInWordsForm(formdata=None, words=todays.words, wants_contact=todays.wants_contact)
    return timeline_page(
        db,
        resident,
        resident,
        "resident/home.html",
        form=message_form,
        voice_form=voice_form,
        todays_checkin=todays,
        checkin_form=checkin_form or CheckInForm.fresh(),
        words_form=words_form,
        replaced=replaced,
        thanks=thanks,
        next_appointments=appointments.upcoming(db, resident=resident, limit=3),
        contact_request=waiting.contact_request,
        **record_tools(resident, resident),
    )


def advisor_resident_page(
    db: Session,
    advisor: User,
    resident: User,
    message_form=None,
    on_page: advising.OnPage | None = None,
    voice_form=None,
    failed=None,
) -> tuple[str, dict]:
    """One resident as their advisor sees them: the timeline beside the overview and their situation.
    `failed`: a refused record form, shown again with its errors (see `records.form_slots`).

    Read-only: the caller marks the resident's entries seen afterwards (`services.mark_seen_by_advisor`).
    """
    on_page = on_page or advising.on_page(db, advisor=advisor, resident=resident)
    if message_form is None and on_page.draft:
        message_form = MessageForm.fresh(body=on_page.draft)
        message_form.from_draft = True
    records = overview.read(db, resident=resident)
    # The places of the coming appointments, already read for the overview: no query of its own.
    places = list(dict.fromkeys(appointment.place for appointment in records.next_appointments))
    return timeline_page(
        db,
        advisor,
        resident,
        "advisor/resident.html",
        form=message_form,
        voice_form=voice_form,
        places=places,
        **record_tools(advisor, resident, failed),
        **overview_context(records),
        **situation_context(records.situation_choices, records.situation_changes),
        contact_request=on_page.contact_request,
        contact_way=CONTACT_WAY_OF_PREFERENCE.get(resident.contact_preference, "phone"),
    )


def viewer_page(db: Session, viewer: User, resident: User, **kwargs) -> tuple[str, dict]:
    """The page the viewer wrote from, shown again (e.g. with a refused message kept in the box)."""
    if viewer.is_resident:
        return resident_home(db, viewer, **kwargs)
    return advisor_resident_page(db, viewer, resident, **kwargs)
