"""The resident's own pages about their data: "My data", the consent asked again, and "I want to stop"."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from .. import file_openings
from ..auth import device_sessions, phones
from ..contact_ways import phone as shown_phone
from ..i18n import language
from ..models import (
    Appointment,
    Barrier,
    CheckIn,
    Goal,
    HousingArea,
    ResidentActivity,
    ResidentSituation,
    StaffDraft,
    User,
)
from ..resident.forms import ContactForm
from ..roles import ROLE_LABELS
from ..signup import consent
from ..signup.forms import CONTACT_CHOICES


@dataclass(frozen=True)
class Held:
    label: str
    count: int
    url: str


def _area_advisor_and_held(db: Session, resident: User) -> tuple[HousingArea | None, User | None, list[Held]]:
    """The resident's housing area and advisor, and how much of each kind of record there is and where it is
    shown, read in one statement. The timeline's counts are kept with each new entry (`timeline/activity.py`),
    so the page costs the same at any length of history."""

    def count(model, *where):
        return select(func.count(model.id)).where(*where).scalar_subquery()

    advisor = aliased(User)
    area, advisor, timeline, checkins, barriers, goals, appointments, situations, unsent = db.exec(
        select(
            HousingArea,
            advisor,
            ResidentActivity,
            count(CheckIn, CheckIn.resident_id == resident.id),
            count(Barrier, Barrier.resident_id == resident.id),
            count(Goal, Goal.resident_id == resident.id),
            count(Appointment, Appointment.resident_id == resident.id),
            count(ResidentSituation, ResidentSituation.resident_id == resident.id),
            # The resident's own words kept when a sign-in ended before they were sent (timeline/drafts.py).
            count(StaffDraft, StaffDraft.user_id == resident.id, StaffDraft.resident_id == resident.id),
        )
        .select_from(User)
        .outerjoin(HousingArea, HousingArea.id == User.housing_area_id)
        .outerjoin(advisor, advisor.id == User.advisor_id)
        .outerjoin(ResidentActivity, ResidentActivity.resident_id == User.id)
        .where(User.id == resident.id)
    ).one()
    timeline = timeline or ResidentActivity(resident_id=resident.id)
    timeline_url = url_for("timeline.home", resident_id=resident.id)
    held = [
        Held(_l("Entries in your timeline"), timeline.entry_count, timeline_url),
        Held(_l("Messages"), timeline.message_count, timeline_url),
        Held(_l("Voice messages"), timeline.voice_count, timeline_url),
        Held(_l("Days you said how you are"), checkins, url_for("resident.home")),
        Held(_l("Barriers"), barriers, url_for("records.barrier_list", resident_id=resident.id)),
        Held(_l("Goals"), goals, url_for("records.goal_list", resident_id=resident.id)),
        Held(_l("Appointments"), appointments, url_for("records.appointment_list", resident_id=resident.id)),
        # Each change in their situation the advisor recorded; the overview shows the one they are in now.
        Held(_l("Situations"), situations, url_for("records.overview", resident_id=resident.id)),
    ]
    if unsent:
        held.append(Held(_l("Words you wrote but did not send yet"), unsent, url_for("resident.home")))
    return area, advisor, held


def my_data_page(
    db: Session, resident: User, contact_form: ContactForm | None = None, *, this_phone_id: int | None = None
) -> tuple[str, dict]:
    """`this_phone_id`: the resident's phone the page is open on, marked in the list of phones."""
    area, advisor, held = _area_advisor_and_held(db, resident)
    return "resident/my_data.html", {
        "language": language(resident.locale),
        "area": area,
        "advisor": advisor,
        "contact_label": CONTACT_CHOICES.get(resident.contact_preference or ""),
        "consents": consent.consents_of(db, resident=resident),
        "phones": phones.phones_listed(db, resident=resident, this_phone_id=this_phone_id),
        "sign_ins": device_sessions.sign_ins_of(db, user=resident),
        "looks": file_openings.looks_at(db, resident=resident),
        "held": held,
        "role_labels": ROLE_LABELS,
        "contact_form": contact_form
        or ContactForm(formdata=None, phone=shown_phone(resident.phone), contact=resident.contact_preference),
    }


def consent_again_page(resident: User) -> tuple[str, dict]:
    return "resident/consent_again.html", {
        "paragraphs": consent.paragraphs(),
        "changes": consent.changes(since=resident.consent_version),
        "version": consent.VERSION,
    }


def stop_page(db: Session, resident: User, *, refused: bool = False) -> tuple[str, dict]:
    return "resident/stop.html", {"refused": refused}
