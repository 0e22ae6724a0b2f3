"""Appointments: made, answered, moved, cancelled and their outcome."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from webapp.models import COPENHAGEN, Appointment, Entry, Goal, utcnow

from .conftest import page_text
from .factories import rows, run
from .records_helpers import LANGUAGES, add_goal, key, local, speaking, url


def appointment_data(**extra):
    return {"starts_at": local(utcnow() + timedelta(days=3)), "place": "Jobcentret, Vejlevej 5", "with_whom": "caseworker",
            "interpreter": "ar", "needs_childcare": "y", "idempotency_key": key(1), **extra}


@pytest.mark.parametrize("locale", LANGUAGES)
def test_resident_records_an_appointment_needing_an_interpreter(auth, accounts, resident, advisor_da, locale):
    speaking(auth.app, accounts.resident1, locale)
    assert resident.post(url(accounts, "appointments"), data=appointment_data()).status_code == 303
    (appointment,) = rows(auth.app, Appointment)
    assert appointment.interpreter == "ar" and appointment.needs_childcare
    page = page_text(advisor_da.get(url(accounts, "appointments")))
    assert "Tolk: Arabisk" in page and "Sagsbehandler" in page


def test_appointment_day_is_written_out_in_the_readers_language(auth, accounts, resident):
    moment = utcnow().replace(hour=9, minute=0) + timedelta(days=10)
    resident.post(url(accounts, "appointments"), data=appointment_data(starts_at=local(moment)))
    speaking(auth.app, accounts.resident1, "ar")
    from babel.dates import format_date

    weekday = format_date(moment.astimezone(COPENHAGEN), "EEEE", locale="ar")
    assert weekday in page_text(resident.get("/me/"))


def test_advisor_makes_an_appointment_and_the_resident_asks_to_move_it(auth, accounts, resident, advisor_da):
    advisor_da.post(url(accounts, "appointments"), data=appointment_data(with_whom="advisor", place="Beboerhuset"))
    (appointment,) = rows(auth.app, Appointment)
    assert "New appointment" in page_text(resident.get("/me/"))
    response = resident.post(url(accounts, f"appointments/{appointment.id}/answer"),
                             data={"response": "move", "version": appointment.version})
    assert response.status_code == 303
    caseload = page_text(advisor_da.get("/advisor/"))
    assert "Har bedt om at flytte en aftale eller kan ikke komme" in caseload
    moved_to = utcnow() + timedelta(days=6)
    current = rows(auth.app, Appointment)[0]
    advisor_da.post(url(accounts, f"appointments/{appointment.id}/move"),
                    data={"starts_at": local(moved_to), "place": "Beboerhuset", "version": current.version})
    assert "Appointment moved to" in page_text(resident.get("/me/"))
    kinds = [e.kind for e in rows(auth.app, Entry, Entry.appointment_id == appointment.id)]
    assert kinds == ["appointment_added", "appointment_answered", "appointment_moved"]


def test_cant_come_needs_a_reason_or_words(auth, accounts, resident, advisor_da):
    advisor_da.post(url(accounts, "appointments"), data=appointment_data())
    (appointment,) = rows(auth.app, Appointment)
    response = resident.post(url(accounts, f"appointments/{appointment.id}/answer"),
                             data={"response": "cant_come", "version": appointment.version})
    assert response.status_code == 422
    assert "Choose a reason or write a few words." in page_text(response)
    response = resident.post(url(accounts, f"appointments/{appointment.id}/answer"),
                             data={"response": "cant_come", "reason": "sick_child", "version": appointment.version})
    assert response.status_code == 303


def test_a_change_from_an_old_copy_is_refused_and_shows_the_current(auth, accounts, resident, advisor_da):
    advisor_da.post(url(accounts, "appointments"), data=appointment_data(place="Beboerhuset"))
    (appointment,) = rows(auth.app, Appointment)
    seen_version = appointment.version
    new_time = utcnow() + timedelta(days=9)
    assert advisor_da.post(url(accounts, f"appointments/{appointment.id}/move"),
                           data={"starts_at": local(new_time), "place": "Jobcentret", "version": seen_version}).status_code == 303
    response = resident.post(url(accounts, f"appointments/{appointment.id}/answer"),
                             data={"response": "coming", "version": seen_version})
    assert response.status_code == 409
    assert "This was just changed. Here is how it looks now." in page_text(response)
    assert "Jobcentret" in page_text(response)
    assert rows(auth.app, Appointment)[0].response is None


def test_two_advisor_changes_from_the_same_copy_do_not_overwrite(auth, accounts, advisor_da):
    advisor_da.post(url(accounts, "appointments"), data=appointment_data())
    (appointment,) = rows(auth.app, Appointment)
    first = advisor_da.post(url(accounts, f"appointments/{appointment.id}/move"),
                            data={"starts_at": local(utcnow() + timedelta(days=4)), "place": "A", "version": 1})
    second = advisor_da.post(url(accounts, f"appointments/{appointment.id}/cancel"), data={"version": 1})
    assert (first.status_code, second.status_code) == (303, 409)
    assert rows(auth.app, Appointment)[0].status == "planned"


@pytest.mark.parametrize(
    ("starts_at", "message"),
    [
        (lambda: local(utcnow() - timedelta(hours=1)), "Choose a time that has not passed yet."),
        (lambda: local(utcnow() + timedelta(days=400)), "Choose a time within the next year."),
        (lambda: "next tuesday", "Write the date and time like \u20662027-03-02 10:00\u2069."),
        (lambda: "", "Choose the day and the time."),  # the picker left empty: no format to copy
    ],
)
def test_appointment_time_out_of_range_is_refused_with_place_kept(auth, accounts, resident, starts_at, message):
    response = resident.post(url(accounts, "appointments"), data=appointment_data(starts_at=starts_at(), place="Lægehuset ved torvet"))
    assert response.status_code == 422
    assert message in page_text(response)
    assert "Lægehuset ved torvet" in response.get_data(as_text=True)
    assert rows(auth.app, Appointment) == []


def test_advisor_marks_attended_without_sanction_words(auth, accounts, resident, advisor_da):
    advisor_da.post(url(accounts, "appointments"), data=appointment_data())
    (appointment,) = rows(auth.app, Appointment)
    run(auth.app, lambda s: (s.execute(update(Appointment).values(starts_at=utcnow() - timedelta(hours=1))), s.commit()))
    page = advisor_da.get(url(accounts, "appointments")).get_data(as_text=True)
    assert re.search(r'name="outcome" value="missed"', page)
    assert advisor_da.post(url(accounts, f"appointments/{appointment.id}/outcome"),
                           data={"outcome": "missed", "version": appointment.version}).status_code == 303
    text = page_text(resident.get(url(accounts, "appointments")))
    assert "We did not meet" in text
    for word in ("sanction", "penalty", "absent", "no-show", "failed"):
        assert word not in text.lower()


def test_same_appointment_form_twice_makes_one(auth, accounts, resident):
    for _ in range(2):
        resident.post(url(accounts, "appointments"), data=appointment_data())
    assert len(rows(auth.app, Appointment)) == 1


def test_outcome_before_the_appointment_is_refused(auth, accounts, advisor_da):
    advisor_da.post(url(accounts, "appointments"), data=appointment_data())
    (appointment,) = rows(auth.app, Appointment)
    response = advisor_da.post(url(accounts, f"appointments/{appointment.id}/outcome"),
                               data={"outcome": "attended", "version": appointment.version})
    assert response.status_code == 422
    assert rows(auth.app, Appointment)[0].outcome is None


def test_overview_shows_open_barriers_goals_with_steps_and_next_appointments(auth, accounts, resident):
    resident.post(url(accounts, "barriers"), data={"key": "transport", "idempotency_key": key(1)})
    add_goal(resident, accounts, words="Lagerjob", idempotency_key=key(2))
    (goal,) = rows(auth.app, Goal)
    resident.post(url(accounts, f"goals/{goal.id}/steps"), data={"text": "Truckkort", "idempotency_key": key(3)})
    resident.post(url(accounts, "appointments"), data=appointment_data(idempotency_key=key(4)))
    text = page_text(resident.get(url(accounts, "overview")))
    for expected in ("Transport", "Lagerjob", "Truckkort", "Jobcentret, Vejlevej 5"):
        assert expected in text
