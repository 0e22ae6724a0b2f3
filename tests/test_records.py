"""Check-ins, barriers, goals and appointments, as residents and their advisors use them."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from webapp.auth.services import set_locale
from webapp.models import Appointment, Barrier, CheckIn, Entry, EntryKind, Goal, GoalStep, User, utcnow
from webapp.records.forms import COPENHAGEN

from .conftest import page_text
from .factories import rows, run

LANGUAGES = ["da", "ar", "fa_AF", "en"]


def key(n: int) -> str:
    return f"{n:032x}"


def speaking(app, user, locale):
    run(app, set_locale, user=rows(app, User, User.id == user.id)[0], locale=locale)


def local(moment) -> str:
    return moment.astimezone(COPENHAGEN).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def resident(auth, accounts):
    return auth.client_for("resident1")


@pytest.fixture
def advisor_da(auth, accounts):
    speaking(auth.app, accounts.advisor1, "da")
    return auth.client_for("advisor1")


def url(accounts, path):
    return f"/residents/{accounts.resident1.id}/{path}"


# --- Check-ins --------------------------------------------------------------------


@pytest.mark.parametrize("locale", LANGUAGES)
def test_check_in_in_any_language_reaches_the_advisor_in_danish(auth, accounts, resident, advisor_da, locale):
    speaking(auth.app, accounts.resident1, locale)
    response = resident.post(url(accounts, "checkins"), data={"mood": "4", "idempotency_key": key(1)})
    assert response.status_code == 303
    home = resident.get("/me/")
    assert 'aria-pressed="true"' in home.get_data(as_text=True)
    assert "Check-in: Godt" in page_text(advisor_da.get(f"/advisor/residents/{accounts.resident1.id}"))


def test_second_check_in_the_same_day_replaces_the_first_and_says_so(auth, accounts, resident):
    resident.post(url(accounts, "checkins"), data={"mood": "2", "idempotency_key": key(1)})
    response = resident.post(url(accounts, "checkins"), data={"mood": "4", "idempotency_key": key(2)})
    assert "replaced=1" in response.headers["Location"]
    assert "This replaces what you said earlier today." in page_text(resident.get(response.headers["Location"]))
    (checkin,) = rows(auth.app, CheckIn)
    assert checkin.mood == 4
    assert len(rows(auth.app, Entry, Entry.kind == EntryKind.CHECKIN)) == 2  # the history keeps both


def test_the_same_check_in_tap_twice_counts_once(auth, accounts, resident):
    for _ in range(2):
        resident.post(url(accounts, "checkins"), data={"mood": "3", "idempotency_key": key(1)})
    assert len(rows(auth.app, Entry, Entry.kind == EntryKind.CHECKIN)) == 1


def test_very_bad_check_in_offers_contact_and_flags_it(auth, accounts, resident, advisor_da):
    resident.post(url(accounts, "checkins"), data={"mood": "1", "idempotency_key": key(1)})
    assert "I want someone to contact me" in page_text(resident.get("/me/"))
    resident.post(url(accounts, "checkins/today"), data={"words": "Svær dag", "wants_contact": "y"})
    assert rows(auth.app, CheckIn)[0].wants_contact
    caseload = page_text(advisor_da.get("/advisor/"))
    assert caseload.index("فاطمة") < caseload.index("مریم")
    assert "Har bedt om at blive kontaktet" in caseload


def test_contact_is_not_offered_on_a_good_day(auth, accounts, resident):
    resident.post(url(accounts, "checkins"), data={"mood": "4", "idempotency_key": key(1)})
    assert "I want someone to contact me" not in page_text(resident.get("/me/"))
    resident.post(url(accounts, "checkins/today"), data={"words": "", "wants_contact": "y"})
    assert not rows(auth.app, CheckIn)[0].wants_contact


@pytest.mark.parametrize("mood", ["0", "6", "good", ""])
def test_a_mood_outside_the_five_is_refused(auth, accounts, resident, mood):
    response = resident.post(url(accounts, "checkins"), data={"mood": mood, "idempotency_key": key(1)})
    assert response.status_code == 422
    assert "Please choose one of the options." in page_text(response)
    assert rows(auth.app, CheckIn) == []


def test_check_in_words_too_long_are_refused_and_kept(auth, accounts, resident):
    resident.post(url(accounts, "checkins"), data={"mood": "3", "idempotency_key": key(1)})
    words = "ord " * 300
    response = resident.post(url(accounts, "checkins/today"), data={"words": words})
    assert response.status_code == 422
    assert "At most 1,000 characters" in page_text(response)
    assert words.strip() in response.get_data(as_text=True)


# --- Barriers ---------------------------------------------------------------------


@pytest.mark.parametrize("locale", LANGUAGES)
def test_barrier_picked_in_any_language_shows_in_danish_to_the_advisor(auth, accounts, resident, advisor_da, locale):
    speaking(auth.app, accounts.resident1, locale)
    response = resident.post(url(accounts, "barriers"), data={"key": "childcare", "words": "الروضة تغلق الساعة الثالثة",
                                                              "idempotency_key": key(1)})
    assert response.status_code == 303
    (barrier,) = rows(auth.app, Barrier)
    assert barrier.key == "childcare"
    page = page_text(advisor_da.get(url(accounts, "barriers")))
    assert "Børnepasning" in page and "الروضة تغلق" in page
    assert "Ny forhindring: Børnepasning" in page_text(advisor_da.get(f"/advisor/residents/{accounts.resident1.id}"))


def test_barrier_status_changes_keep_their_history(auth, accounts, resident):
    resident.post(url(accounts, "barriers"), data={"key": "transport", "idempotency_key": key(1)})
    (barrier,) = rows(auth.app, Barrier)
    for status in ("better", "better", "solved"):
        assert resident.post(url(accounts, f"barriers/{barrier.id}/status"), data={"status": status}).status_code == 303
    history = [e.data["status"] for e in rows(auth.app, Entry, Entry.barrier_id == barrier.id, Entry.kind == EntryKind.BARRIER_STATUS)]
    assert history == ["better", "solved"]
    assert rows(auth.app, Barrier)[0].status == "solved"


def test_advisor_acknowledges_a_barrier_and_the_resident_sees_it(auth, accounts, resident, advisor_da):
    resident.post(url(accounts, "barriers"), data={"key": "danish", "idempotency_key": key(1)})
    (barrier,) = rows(auth.app, Barrier)
    assert "Ny forhindring" in page_text(advisor_da.get("/advisor/"))
    assert advisor_da.post(url(accounts, f"barriers/{barrier.id}/acknowledge")).status_code == 303
    assert "Your advisor has seen this" in page_text(resident.get(url(accounts, "barriers")))
    assert "Ny forhindring" not in page_text(advisor_da.get("/advisor/"))


def test_unknown_barrier_key_is_refused_with_own_words_kept(auth, accounts, resident):
    response = resident.post(url(accounts, "barriers"), data={"key": "dragons", "words": "mine egne ord", "idempotency_key": key(1)})
    assert response.status_code == 422
    assert "Please choose one of the options." in page_text(response)
    assert "mine egne ord" in response.get_data(as_text=True)
    assert rows(auth.app, Barrier) == []


def test_same_barrier_tap_twice_makes_one(auth, accounts, resident):
    for _ in range(2):
        resident.post(url(accounts, "barriers"), data={"key": "money", "idempotency_key": key(7)})
    assert len(rows(auth.app, Barrier)) == 1


def test_resident_cannot_acknowledge_and_advisor_cannot_check_in(auth, accounts, resident, advisor_da):
    resident.post(url(accounts, "barriers"), data={"key": "money", "idempotency_key": key(1)})
    (barrier,) = rows(auth.app, Barrier)
    assert resident.post(url(accounts, f"barriers/{barrier.id}/acknowledge")).status_code == 403
    assert advisor_da.post(url(accounts, "checkins"), data={"mood": "3", "idempotency_key": key(2)}).status_code == 403


# --- Goals ------------------------------------------------------------------------


def add_goal(client, accounts, **data):
    return client.post(url(accounts, "goals"), data={"kind": "job", "idempotency_key": key(1), **data})


@pytest.mark.parametrize("locale", LANGUAGES)
def test_goal_with_steps_reaches_the_advisor_in_danish(auth, accounts, resident, advisor_da, locale):
    speaking(auth.app, accounts.resident1, locale)
    month = (utcnow() + timedelta(days=70)).astimezone(COPENHAGEN).strftime("%Y-%m")
    assert add_goal(resident, accounts, kind="own", words="مطبخ مشترك", hours="١٠", month=month).status_code == 303
    (goal,) = rows(auth.app, Goal)
    assert goal.hours_per_week == 10 and goal.target_month.strftime("%Y-%m") == month
    for n, text in enumerate(["Besøge køkkenet", "Hygiejnekursus"]):
        resident.post(url(accounts, f"goals/{goal.id}/steps"), data={"text": text, "idempotency_key": key(10 + n)})
    page = page_text(advisor_da.get(url(accounts, "goals")))
    assert "Mit eget mål" in page
    assert "10 timer om ugen" in page
    assert "Besøge køkkenet" in page and "Hygiejnekursus" in page


def test_steps_are_ticked_off_by_either_and_the_history_kept(auth, accounts, resident, advisor_da):
    add_goal(resident, accounts)
    (goal,) = rows(auth.app, Goal)
    advisor_da.post(url(accounts, f"goals/{goal.id}/steps"), data={"text": "Skriv CV", "idempotency_key": key(2)})
    (step,) = rows(auth.app, GoalStep)
    assert resident.post(url(accounts, f"goals/{goal.id}/steps/{step.id}/done"), data={"done": "1"}).status_code == 303
    assert rows(auth.app, GoalStep)[0].done_at is not None
    assert rows(auth.app, Entry, Entry.kind == EntryKind.STEP_DONE)[0].body == "Skriv CV"


def test_goal_reached_paused_changed_with_history(auth, accounts, resident, advisor_da):
    add_goal(resident, accounts, words="Lager")
    (goal,) = rows(auth.app, Goal)
    resident.post(url(accounts, f"goals/{goal.id}"), data={"kind": "internship", "words": "Butik", "hours": "12"})
    resident.post(url(accounts, f"goals/{goal.id}/status"), data={"status": "paused"})
    advisor_da.post(url(accounts, f"goals/{goal.id}/status"), data={"status": "reached"})
    kinds = [e.kind for e in rows(auth.app, Entry, Entry.goal_id == goal.id)]
    assert kinds == ["goal_added", "goal_changed", "goal_status", "goal_status"]
    assert rows(auth.app, Entry, Entry.kind == EntryKind.GOAL_ADDED)[0].data["words"] == "Lager"
    assert rows(auth.app, Goal)[0].status == "reached"


def test_advisor_comments_on_a_goal_and_it_answers_the_resident(auth, accounts, resident, advisor_da):
    add_goal(resident, accounts)
    (goal,) = rows(auth.app, Goal)
    response = advisor_da.post(url(accounts, f"goals/{goal.id}/comments"), data={"text": "Godt mål!", "idempotency_key": key(5)})
    assert response.status_code == 303
    assert "Godt mål!" in page_text(resident.get("/me/"))
    assert resident.post(url(accounts, f"goals/{goal.id}/comments"), data={"text": "x", "idempotency_key": key(6)}).status_code == 403


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"hours": "40"}, "Hours a week are from 1 to 37."),
        ({"hours": "0"}, "Hours a week are from 1 to 37."),
        ({"hours": "ti"}, "Write a whole number, like 10."),
        ({"month": "2020-01"}, "Choose this month or a later one."),
        ({"month": "marts"}, "Write the month like 2027-03."),
        ({"kind": "lottery"}, "Please choose one of the options."),
        ({"words": "x" * 501}, "At most 500 characters, please."),
    ],
)
def test_bad_goal_is_refused_next_to_the_field_and_text_kept(auth, accounts, resident, data, message):
    data = {"words": "Mit eget køkken", **data}
    response = add_goal(resident, accounts, **data)
    assert response.status_code == 422
    assert message in page_text(response)
    assert "Mit eget køkken" in response.get_data(as_text=True) or "x" * 501 in response.get_data(as_text=True)
    assert rows(auth.app, Goal) == []


def test_step_text_is_required_and_limited(auth, accounts, resident):
    add_goal(resident, accounts)
    (goal,) = rows(auth.app, Goal)
    response = resident.post(url(accounts, f"goals/{goal.id}/steps"), data={"text": "s" * 201, "idempotency_key": key(3)})
    assert response.status_code == 422 and "At most 200 characters" in page_text(response)
    assert "s" * 201 in response.get_data(as_text=True)


# --- Appointments -------------------------------------------------------------------


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
        (lambda: "next tuesday", "Write the date and time like 2027-03-02 10:00."),
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


def test_overview_shows_open_barriers_goals_with_steps_and_next_appointments(auth, accounts, resident):
    resident.post(url(accounts, "barriers"), data={"key": "transport", "idempotency_key": key(1)})
    add_goal(resident, accounts, words="Lagerjob", idempotency_key=key(2))
    (goal,) = rows(auth.app, Goal)
    resident.post(url(accounts, f"goals/{goal.id}/steps"), data={"text": "Truckkort", "idempotency_key": key(3)})
    resident.post(url(accounts, "appointments"), data=appointment_data(idempotency_key=key(4)))
    text = page_text(resident.get(url(accounts, "overview")))
    for expected in ("Transport", "Lagerjob", "Truckkort", "Jobcentret, Vejlevej 5"):
        assert expected in text


def test_outcome_before_the_appointment_is_refused(auth, accounts, advisor_da):
    advisor_da.post(url(accounts, "appointments"), data=appointment_data())
    (appointment,) = rows(auth.app, Appointment)
    response = advisor_da.post(url(accounts, f"appointments/{appointment.id}/outcome"),
                               data={"outcome": "attended", "version": appointment.version})
    assert response.status_code == 422
    assert rows(auth.app, Appointment)[0].outcome is None
