"""Appointments: made, answered, moved, cancelled and their outcome."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from webapp.models import COPENHAGEN, Appointment, Entry, EntryKind, Goal, utcnow
from webapp.records import appointments

from .conftest import page_text
from .factories import records_of, rows, run, set_values
from .records_helpers import LANGUAGES, add_goal, entries, key, landing, local, said_in_timeline, speaking, url


def appointment_data(**extra):
    return {
        "starts_at": local(utcnow() + timedelta(days=3)),
        "place": "Jobcentret, Vejlevej 5",
        "with_whom": "caseworker",
        "interpreter": "ar",
        "needs_childcare": "y",
        "idempotency_key": key(1),
        **extra,
    }


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
    response = resident.post(
        url(accounts, f"appointments/{appointment.id}/answer"),
        data={"response": "move", "version": appointment.version},
    )
    assert response.status_code == 303
    caseload = page_text(advisor_da.get("/advisor/"))
    assert "Har bedt om at flytte en aftale eller kan ikke komme" in caseload
    moved_to = utcnow() + timedelta(days=6)
    current = rows(auth.app, Appointment)[0]
    advisor_da.post(
        url(accounts, f"appointments/{appointment.id}/move"),
        data={"starts_at": local(moved_to), "place": "Beboerhuset", "version": current.version},
    )
    assert "Appointment moved to" in page_text(resident.get("/me/"))
    kinds = [e.kind for e in rows(auth.app, Entry, Entry.appointment_id == appointment.id)]
    assert kinds == ["appointment_added", "appointment_answered", "appointment_moved"]


def test_cant_come_needs_a_reason_or_words(auth, accounts, resident, advisor_da):
    advisor_da.post(url(accounts, "appointments"), data=appointment_data())
    (appointment,) = rows(auth.app, Appointment)
    response = resident.post(
        url(accounts, f"appointments/{appointment.id}/answer"),
        data={"response": "cant_come", "version": appointment.version},
    )
    assert response.status_code == 422
    assert "Choose a reason or write a few words." in page_text(response)
    response = resident.post(
        url(accounts, f"appointments/{appointment.id}/answer"),
        data={"response": "cant_come", "reason": "sick_child", "version": appointment.version},
    )
    assert response.status_code == 303


def test_a_change_from_an_old_copy_is_refused_and_shows_the_current(auth, accounts, resident, advisor_da):
    advisor_da.post(url(accounts, "appointments"), data=appointment_data(place="Beboerhuset"))
    (appointment,) = rows(auth.app, Appointment)
    seen_version = appointment.version
    new_time = utcnow() + timedelta(days=9)
    assert (
        advisor_da.post(
            url(accounts, f"appointments/{appointment.id}/move"),
            data={"starts_at": local(new_time), "place": "Jobcentret", "version": seen_version},
        ).status_code
        == 303
    )
    response = resident.post(
        url(accounts, f"appointments/{appointment.id}/answer"), data={"response": "coming", "version": seen_version}
    )
    assert response.status_code == 409
    assert "This was just changed. Here is how it looks now." in page_text(response)
    assert "Jobcentret" in page_text(response)
    assert rows(auth.app, Appointment)[0].response is None


def test_two_advisor_changes_from_the_same_copy_do_not_overwrite(auth, accounts, advisor_da):
    advisor_da.post(url(accounts, "appointments"), data=appointment_data())
    (appointment,) = rows(auth.app, Appointment)
    first = advisor_da.post(
        url(accounts, f"appointments/{appointment.id}/move"),
        data={"starts_at": local(utcnow() + timedelta(days=4)), "place": "A", "version": 1},
    )
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
    response = resident.post(
        url(accounts, "appointments"), data=appointment_data(starts_at=starts_at(), place="Lægehuset ved torvet")
    )
    assert response.status_code == 422
    assert message in page_text(response)
    assert "Lægehuset ved torvet" in response.get_data(as_text=True)
    assert rows(auth.app, Appointment) == []


def test_advisor_marks_attended_without_sanction_words(auth, accounts, resident, advisor_da):
    advisor_da.post(url(accounts, "appointments"), data=appointment_data())
    (appointment,) = rows(auth.app, Appointment)
    run(
        auth.app, lambda s: (s.execute(update(Appointment).values(starts_at=utcnow() - timedelta(hours=1))), s.commit())
    )
    page = advisor_da.get(url(accounts, "appointments")).get_data(as_text=True)
    assert re.search(r'name="outcome" value="missed"', page)
    assert (
        advisor_da.post(
            url(accounts, f"appointments/{appointment.id}/outcome"),
            data={"outcome": "missed", "version": appointment.version},
        ).status_code
        == 303
    )
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
    response = advisor_da.post(
        url(accounts, f"appointments/{appointment.id}/outcome"),
        data={"outcome": "attended", "version": appointment.version},
    )
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


# --- What each state allows (webapp.models.records.APPOINTMENT_MOVES) ---------------------------------------

HOUR = timedelta(hours=1)
# How each state is made from a fresh appointment at version 1: its columns as the database has them.
STATES = {
    "coming": lambda: {"starts_at": utcnow() + timedelta(days=2)},
    "started": lambda: {"starts_at": utcnow() - HOUR},
    "met": lambda: {"starts_at": utcnow() - HOUR, "outcome": "attended"},
    "cancelled": lambda: {"starts_at": utcnow() - HOUR, "status": "cancelled", "updated_at": utcnow()},
    "cancelled_long_ago": lambda: {
        "starts_at": utcnow() - HOUR,
        "status": "cancelled",
        "updated_at": utcnow() - timedelta(minutes=11),
    },
}
# Who sends each action (the resident answers what the advisor made), and what the form says besides the version.
ACTIONS = {
    "move": ("advisor1", lambda: {"starts_at": local(utcnow() + timedelta(days=5)), "place": "Biblioteket"}),
    "cancel": ("advisor1", dict),
    "restore": ("advisor1", dict),
    "answer": ("resident1", lambda: {"response": "coming"}),
    "outcome": ("advisor1", lambda: {"outcome": "missed"}),
}
# (status code, changed): 409 is a refusal that shows the appointment as it is; the late undo lands with its notice.
ALLOWED = (303, True)
REFUSED = (409, False)
EXPECTED = {
    "coming": {"move": ALLOWED, "cancel": ALLOWED, "restore": REFUSED, "answer": ALLOWED, "outcome": (422, False)},
    "started": {"move": ALLOWED, "cancel": ALLOWED, "restore": REFUSED, "answer": ALLOWED, "outcome": ALLOWED},
    "met": {"move": REFUSED, "cancel": REFUSED, "restore": REFUSED, "answer": REFUSED, "outcome": REFUSED},
    "cancelled": {"move": REFUSED, "cancel": REFUSED, "restore": ALLOWED, "answer": REFUSED, "outcome": REFUSED},
    "cancelled_long_ago": {
        "move": REFUSED,
        "cancel": REFUSED,
        "restore": (303, False),
        "answer": REFUSED,
        "outcome": REFUSED,
    },
}


def appointment_in(app, accounts, state: str) -> Appointment:
    appointment = run(
        app,
        appointments.add,
        resident=accounts.resident1,
        author=accounts.advisor1,
        starts_at=utcnow() + timedelta(days=2),
        place="Beboerhuset",
        with_whom="advisor",
        interpreter=None,
        needs=set(),
        idempotency_key=key(1),
    )
    set_values(app, Appointment, Appointment.id == appointment.id, **STATES[state]())
    return rows(app, Appointment)[0]


def history(app) -> list[str]:
    return [entry.kind for entry in rows(app, Entry, Entry.appointment_id.is_not(None))]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", STATES)
def test_each_state_allows_only_its_changes(auth, accounts, state, action):
    before = appointment_in(auth.app, accounts, state)
    who, data = ACTIONS[action]

    response = auth.client_for(who).post(
        url(accounts, f"appointments/{before.id}/{action}"), data={"version": "1", **data()}
    )

    status_code, changed = EXPECTED[state][action]
    assert response.status_code == status_code
    (after,) = rows(auth.app, Appointment)
    assert (after.version == 2) is changed
    assert (len(history(auth.app)) == 2) is changed
    if not changed:
        assert (after.status, after.outcome, after.response, after.starts_at, after.updated_at) == (
            before.status,
            before.outcome,
            before.response,
            before.starts_at,
            before.updated_at,
        )


@pytest.mark.parametrize("action", ["move", "cancel", "answer", "outcome"])
def test_a_cancelled_appointment_refuses_every_change_but_the_undo_and_says_why(auth, accounts, action):
    appointment = appointment_in(auth.app, accounts, "cancelled")
    who, data = ACTIONS[action]

    response = auth.client_for(who).post(
        url(accounts, f"appointments/{appointment.id}/{action}"), data={"version": "1", **data()}
    )

    assert response.status_code == 409
    assert "This appointment is cancelled, so it can no longer be changed." in page_text(response)


@pytest.mark.parametrize("action", ["move", "cancel", "answer", "outcome"])
def test_an_appointment_with_its_outcome_refuses_every_change_and_says_why(auth, accounts, action):
    appointment = appointment_in(auth.app, accounts, "met")
    who, data = ACTIONS[action]

    response = auth.client_for(who).post(
        url(accounts, f"appointments/{appointment.id}/{action}"), data={"version": "1", **data()}
    )

    assert response.status_code == 409
    assert "This appointment is over, so it can no longer be changed." in page_text(response)


def test_cancelling_twice_adds_one_entry_and_does_not_reopen_the_undo(auth, accounts):
    appointment = appointment_in(auth.app, accounts, "coming")
    advisor = auth.client_for("advisor1")
    cancel = url(accounts, f"appointments/{appointment.id}/cancel")
    assert advisor.post(cancel, data={"version": "1"}).status_code == 303
    set_values(auth.app, Appointment, Appointment.id == appointment.id, updated_at=utcnow() - timedelta(minutes=11))

    response = advisor.post(cancel, data={"version": "2"})

    assert response.status_code == 409
    assert history(auth.app) == ["appointment_added", "appointment_cancelled"]
    assert "Undo the cancellation" not in page_text(advisor.get(url(accounts, "appointments")))


def test_a_change_from_an_old_copy_is_shown_again_against_the_current_version(auth, accounts):
    appointment = appointment_in(auth.app, accounts, "coming")
    advisor = auth.client_for("advisor1")
    move = {"starts_at": local(utcnow() + timedelta(days=5)), "place": "Biblioteket"}
    moving = url(accounts, f"appointments/{appointment.id}/move")
    assert advisor.post(moving, data={"version": "1", **move}).status_code == 303

    response = advisor.post(moving, data={"version": "1", **move, "place": "Rådhuset"})

    assert response.status_code == 409
    form = re.search(r'<form[^>]*action="[^"]*/move"[^>]*>(.*?)</form>', response.get_data(as_text=True), re.S).group(1)
    assert re.search(r'name="version"[^>]*value="2"', form)
    assert "Rådhuset" in form


def test_restore_of_an_appointment_that_is_not_cancelled_changes_nothing(auth, accounts):
    appointment = appointment_in(auth.app, accounts, "coming")

    response = auth.client_for("advisor1").post(
        url(accounts, f"appointments/{appointment.id}/restore"), data={"version": "1"}
    )

    assert response.status_code == 409
    assert "This was just changed. Here is how it looks now." in page_text(response)
    assert history(auth.app) == ["appointment_added"]


# What the page offers comes from the same table as what the server allows.
OFFERS = {
    "answer": 'name="response" value="coming"',
    "move": "Move or cancel",
    "cancel": "Yes, cancel it",
    "restore": "Undo the cancellation",
    "outcome": 'name="outcome" value="missed"',
}


@pytest.mark.parametrize("state", STATES)
def test_the_page_offers_what_the_state_allows(auth, accounts, state):
    appointment_in(auth.app, accounts, state)
    resident_page = auth.client_for("resident1").get(url(accounts, "appointments")).get_data(as_text=True)
    advisor_page = auth.client_for("advisor1").get(url(accounts, "appointments")).get_data(as_text=True)

    for action, mark in OFFERS.items():
        page = resident_page if ACTIONS[action][0] == "resident1" else advisor_page
        assert (mark in page) is (EXPECTED[state][action] == ALLOWED), action


def when(days: int) -> str:
    return (utcnow() + timedelta(days=days)).strftime("%Y-%m-%d 10:00")


def add_appointment(client, resident, n=1):
    client.post(
        f"/residents/{resident.id}/appointments",
        data={"starts_at": when(3), "place": "Lægen", "with_whom": "doctor", "idempotency_key": key(n)},
    )
    return rows_by_place(client.application, "Lægen")[0]


def rows_by_place(app, place):
    return rows(app, Appointment, Appointment.place == place)


def test_a_resident_corrects_and_cancels_an_appointment_they_added(app, auth, accounts):
    resident = accounts.resident1
    me = auth.client_for("resident1")
    appointment = add_appointment(me, resident)
    assert "Move or cancel" in page_text(me.get(f"/residents/{resident.id}/appointments"))

    moved = me.post(
        f"/residents/{resident.id}/appointments/{appointment.id}/move",
        data={"version": "1", "starts_at": when(4), "place": "Lægehuset"},
    )
    cancelled = me.post(f"/residents/{resident.id}/appointments/{appointment.id}/cancel", data={"version": "2"})

    assert (moved.status_code, cancelled.status_code) == (303, 303)
    (after,) = rows(app, Appointment, Appointment.id == appointment.id)
    assert (after.place, after.status, after.version) == ("Lægehuset", "cancelled", 3)


def test_a_resident_cannot_move_or_cancel_an_appointment_the_advisor_made(app, auth, accounts):
    resident = accounts.resident1
    appointment = records_of(app, resident, accounts.advisor1)["appointment_id"]
    me = auth.client_for("resident1")

    assert "Move or cancel" not in page_text(me.get(f"/residents/{resident.id}/appointments"))
    for action, data in (("move", {"version": "1", "starts_at": when(4), "place": "x"}), ("cancel", {"version": "1"})):
        assert me.post(f"/residents/{resident.id}/appointments/{appointment}/{action}", data=data).status_code == 403


def test_cancelling_asks_once_more_without_javascript(app, auth, accounts):
    resident = accounts.resident1
    records_of(app, resident, accounts.advisor1)

    html = auth.client_for("advisor1").get(f"/residents/{resident.id}/appointments").get_data(as_text=True)

    confirm = re.search(
        r'<details class="confirm">\s*<summary[^>]*>.*?Cancel the appointment.*?</summary>(.*?)</details>', html, re.S
    )
    assert confirm is not None
    assert "/cancel" in confirm.group(1) and "Yes, cancel it" in confirm.group(1)


def test_a_cancelled_appointment_shows_as_cancelled_and_can_be_undone_for_ten_minutes(app, auth, accounts):
    resident = accounts.resident1
    appointment = records_of(app, resident, accounts.advisor1)["appointment_id"]
    advisor = auth.client_for("advisor1")

    response = advisor.post(f"/residents/{resident.id}/appointments/{appointment}/cancel", data={"version": "1"})

    assert response.headers["Location"].endswith(f"#appointment-{appointment}")
    text = page_text(advisor.get(f"/residents/{resident.id}/appointments"))
    assert "Cancelled" in text and "Earlier" not in text
    assert "Undo the cancellation" in text
    advisor.post(f"/residents/{resident.id}/appointments/{appointment}/restore", data={"version": "2"})
    (after,) = rows(app, Appointment, Appointment.id == appointment)
    assert (after.status, after.version) == ("planned", 3)
    assert len(entries(app, EntryKind.APPOINTMENT_RESTORED)) == 1


def test_an_undo_after_ten_minutes_is_refused(app, auth, accounts):
    resident = accounts.resident1
    appointment = records_of(app, resident, accounts.advisor1)["appointment_id"]
    advisor = auth.client_for("advisor1")
    advisor.post(f"/residents/{resident.id}/appointments/{appointment}/cancel", data={"version": "1"})
    set_values(app, Appointment, Appointment.id == appointment, updated_at=utcnow() - timedelta(minutes=11))

    assert "Undo the cancellation" not in page_text(advisor.get(f"/residents/{resident.id}/appointments"))
    response = advisor.post(f"/residents/{resident.id}/appointments/{appointment}/restore", data={"version": "2"})

    assert "It is too late to undo this." in page_text(advisor.get(response.headers["Location"]))
    assert rows(app, Appointment, Appointment.id == appointment)[0].status == "cancelled"


def test_every_change_to_an_appointment_lands_at_it_and_says_what_changed(auth, accounts, resident, advisor_da):
    response = advisor_da.post(
        url(accounts, "appointments"),
        data={
            "starts_at": local(utcnow() + timedelta(days=3)),
            "place": "Beboerhuset",
            "with_whom": "advisor",
            "interpreter": "",
            "idempotency_key": key(1),
        },
    )
    (appointment,) = rows(auth.app, Appointment)
    at = f"appointment-{appointment.id}"
    anchor, notice = landing(advisor_da, response)
    assert anchor == at and notice.startswith("Gemt: Aftalen ")

    response = resident.post(
        url(accounts, f"appointments/{appointment.id}/answer"),
        data={"response": "cant_come", "reason": "sick_child", "version": 1},
    )
    anchor, notice = landing(resident, response)
    assert (anchor, notice) == (at, "Sent: I can't come")
    page = resident.get(url(accounts, "appointments")).get_data(as_text=True)
    card = page[page.index(f'id="{at}"') :]
    assert "<details open" not in card[: card.index("</article>")]  # the "I can't come" form is closed again

    version = rows(auth.app, Appointment)[0].version
    moved = local(utcnow() + timedelta(days=4))
    response = advisor_da.post(
        url(accounts, f"appointments/{appointment.id}/move"),
        data={"starts_at": moved, "place": "Beboerhuset", "version": version},
    )
    assert landing(advisor_da, response)[1].startswith("Gemt: Aftalen er nu ")
    version = rows(auth.app, Appointment)[0].version
    response = advisor_da.post(url(accounts, f"appointments/{appointment.id}/cancel"), data={"version": version})
    assert landing(advisor_da, response) == (at, "Aftalen er aflyst. Du kan fortryde i 10 minutter.")
    version = rows(auth.app, Appointment)[0].version
    response = advisor_da.post(url(accounts, f"appointments/{appointment.id}/restore"), data={"version": version})
    assert landing(advisor_da, response) == (at, "Aftalen gælder igen.")
    set_values(auth.app, Appointment, Appointment.id == appointment.id, starts_at=utcnow() - timedelta(hours=1))
    version = rows(auth.app, Appointment)[0].version
    response = advisor_da.post(
        url(accounts, f"appointments/{appointment.id}/outcome"), data={"outcome": "attended", "version": version}
    )
    assert landing(advisor_da, response) == (at, "Gemt: Vi mødtes")


@pytest.mark.parametrize(
    ("started", "section"), [(timedelta(hours=1, minutes=50), "Coming up"), (timedelta(hours=2, minutes=10), "Earlier")]
)
def test_an_appointment_stays_coming_up_for_two_hours_after_it_starts(auth, accounts, resident, started, section):
    appointment = appointment_in(auth.app, accounts, "coming")
    set_values(auth.app, Appointment, Appointment.id == appointment.id, starts_at=utcnow() - started)

    text = page_text(resident.get(url(accounts, "appointments")))

    coming_up, _, earlier = text.split("Coming up", 1)[1].partition("Earlier")  # "Earlier" is there only if needed
    assert ("Beboerhuset" in coming_up, "Beboerhuset" in earlier) == (section == "Coming up", section == "Earlier")


def test_every_need_asked_for_is_kept(auth, accounts, resident):
    data = appointment_data(interpreter="", needs_childcare="y", needs_companion="y", needs_transport="y")
    resident.post(url(accounts, "appointments"), data=data)

    (appointment,) = rows(auth.app, Appointment)

    assert (
        appointment.interpreter,
        appointment.needs_childcare,
        appointment.needs_companion,
        appointment.needs_transport,
    ) == (None, True, True, True)
    assert appointment.created_by == accounts.resident1.id


def test_cant_come_keeps_the_reason_and_words_and_a_move_asks_again(auth, accounts, resident):
    appointment = appointment_in(auth.app, accounts, "coming")
    resident.post(
        url(accounts, f"appointments/{appointment.id}/answer"),
        data={"response": "cant_come", "reason": "sick_child", "words": "Hun har feber", "version": "1"},
    )
    (answered,) = rows(auth.app, Appointment)
    assert (answered.response, answered.response_reason, answered.response_words, answered.response_version) == (
        "cant_come",
        "sick_child",
        "Hun har feber",
        2,
    )
    assert "Hun har feber" in page_text(auth.client_for("advisor1").get(url(accounts, "appointments")))

    auth.client_for("advisor1").post(
        url(accounts, f"appointments/{appointment.id}/move"),
        data={"starts_at": local(utcnow() + timedelta(days=6)), "place": "Beboerhuset", "version": "2"},
    )

    (moved,) = rows(auth.app, Appointment)
    assert (moved.response, moved.response_reason, moved.response_words, moved.version) == (None, None, None, 3)


def test_cancelling_one_appointment_leaves_the_others_as_they_were(auth, accounts, advisor_da):
    for n, place in enumerate(["Jobcentret", "Lægen", "Sprogskolen"]):
        advisor_da.post(url(accounts, "appointments"), data=appointment_data(place=place, idempotency_key=key(n)))
    by_place = {appointment.place: appointment for appointment in rows(auth.app, Appointment)}

    cancelled = advisor_da.post(url(accounts, f"appointments/{by_place['Lægen'].id}/cancel"), data={"version": 1})

    assert cancelled.status_code == 303
    assert {appointment.place: appointment.status for appointment in rows(auth.app, Appointment)} == {
        "Jobcentret": "planned",
        "Lægen": "cancelled",
        "Sprogskolen": "planned",
    }


# --- What each list shows, what each entry keeps, and the same form sent twice -----------------------------


def made(app, accounts, place: str, *, resident=None, **values) -> Appointment:
    """An appointment the advisor made, then set to `values` as the database would have them."""
    appointment = run(
        app,
        appointments.add,
        resident=resident or accounts.resident1,
        author=accounts.advisor1,
        starts_at=utcnow() + timedelta(days=2),
        place=place,
        with_whom="advisor",
        interpreter=None,
        needs=set(),
        idempotency_key=uuid.uuid4().hex,
    )
    if values:
        set_values(app, Appointment, Appointment.id == appointment.id, **values)
    return appointment


def listed(client, accounts) -> dict[str, list[str]]:
    """The places in each list of the appointments page ("Coming up", "Cancelled", "Earlier"), in order."""
    html = client.get(url(accounts, "appointments")).get_data(as_text=True)
    parts = re.split(r"<h2>(Coming up|Cancelled|Earlier)</h2>", html)
    return {
        name: list(dict.fromkeys(re.findall(r"Sted \d\d", body)))
        for name, body in zip(parts[1::2], parts[2::2], strict=True)
    }


def test_the_same_form_sent_twice_lands_both_times_at_the_one_appointment(auth, accounts, resident):
    first, second = (resident.post(url(accounts, "appointments"), data=appointment_data()) for _ in range(2))

    assert (first.status_code, second.status_code) == (303, 303)
    assert first.headers["Location"] == second.headers["Location"]
    assert history(auth.app) == ["appointment_added"]


def test_two_people_whose_forms_carry_the_same_key_each_make_their_appointment(auth, accounts, resident, advisor_da):
    resident.post(url(accounts, "appointments"), data=appointment_data(place="Lægen", idempotency_key=key(7)))
    advisor_da.post(url(accounts, "appointments"), data=appointment_data(place="Rådhuset", idempotency_key=key(7)))

    assert sorted(appointment.place for appointment in rows(auth.app, Appointment)) == ["Lægen", "Rådhuset"]


def test_the_timeline_tells_each_change_with_what_it_said(auth, accounts, resident, advisor_da):
    soon = (utcnow() + timedelta(days=3)).astimezone(COPENHAGEN).replace(hour=9, minute=30)
    advisor_da.post(url(accounts, "appointments"), data=appointment_data(starts_at=local(soon), place="Beboerhuset"))
    (appointment,) = rows(auth.app, Appointment)
    resident.post(
        url(accounts, f"appointments/{appointment.id}/answer"),
        data={"response": "cant_come", "reason": "sick_child", "words": "Hun har feber", "version": "1"},
    )
    later = soon.replace(hour=11, minute=15) + timedelta(days=1)
    advisor_da.post(
        url(accounts, f"appointments/{appointment.id}/move"),
        data={"starts_at": local(later), "place": "Rådhuset", "version": "2"},
    )
    set_values(auth.app, Appointment, Appointment.id == appointment.id, starts_at=utcnow() - HOUR)
    advisor_da.post(
        url(accounts, f"appointments/{appointment.id}/outcome"), data={"outcome": "attended", "version": "3"}
    )

    text = said_in_timeline(resident)

    assert re.search(r"New appointment: [^·]+, 09:30 Caseworker · Beboerhuset", text), text
    assert re.search(r"Answer to the appointment [^·]+, 09:30: I can't come My child is ill Hun har feber", text), text
    assert re.search(r"Appointment moved to [^·]+, 11:15 Caseworker · Rådhuset", text), text
    assert re.search(r"Appointment [^·]+: We met", text), text
    (moved,) = entries(auth.app, EntryKind.APPOINTMENT_MOVED)
    assert datetime.fromisoformat(moved.data["previous_starts_at"]) == appointment.starts_at  # the time it had


def test_the_undo_counts_ten_minutes_from_the_cancellation(auth, accounts):
    appointment = appointment_in(auth.app, accounts, "coming")
    set_values(auth.app, Appointment, Appointment.id == appointment.id, updated_at=utcnow() - HOUR)
    advisor = auth.client_for("advisor1")

    assert (
        advisor.post(url(accounts, f"appointments/{appointment.id}/cancel"), data={"version": "1"}).status_code == 303
    )

    assert "Undo the cancellation" in page_text(advisor.get(url(accounts, "appointments")))
    advisor.post(url(accounts, f"appointments/{appointment.id}/restore"), data={"version": "2"})
    assert rows(auth.app, Appointment)[0].status == "planned"


def test_another_residents_appointments_are_in_none_of_the_lists(auth, accounts, resident):
    other = accounts.resident2  # the same advisor's
    made(auth.app, accounts, "Sted 01", resident=other)
    made(auth.app, accounts, "Sted 02", resident=other, starts_at=utcnow() - timedelta(days=3))
    made(auth.app, accounts, "Sted 03", resident=other, status="cancelled", updated_at=utcnow())
    made(auth.app, accounts, "Sted 04")

    assert listed(resident, accounts) == {"Coming up": ["Sted 04"]}
    assert listed(auth.client_for("advisor1"), accounts) == {"Coming up": ["Sted 04"]}


def test_a_cancelled_appointment_is_listed_only_as_cancelled(auth, accounts, resident):
    made(auth.app, accounts, "Sted 01", status="cancelled", updated_at=utcnow())
    made(
        auth.app,
        accounts,
        "Sted 02",
        starts_at=utcnow() - timedelta(days=3),
        status="cancelled",
        updated_at=utcnow() - HOUR,
    )

    assert listed(resident, accounts) == {"Coming up": [], "Cancelled": ["Sted 01", "Sted 02"]}
    assert "Sted" not in page_text(resident.get("/me/")).split("Write to your personal job advisor here")[0]


def test_the_home_page_shows_the_next_three_appointments_soonest_first(auth, accounts, resident):
    for place, days in (("Sted 05", 5), ("Sted 02", 2), ("Sted 04", 4), ("Sted 03", 3)):
        made(auth.app, accounts, place, starts_at=utcnow() + timedelta(days=days))

    home = resident.get("/me/").get_data(as_text=True)
    coming_up = home[home.index('id="coming-up"') : home.index('<ol id="entries"')]

    assert list(dict.fromkeys(re.findall(r"Sted \d\d", coming_up))) == ["Sted 02", "Sted 03", "Sted 04"]
    assert listed(resident, accounts)["Coming up"] == ["Sted 02", "Sted 03", "Sted 04", "Sted 05"]


def test_earlier_shows_the_last_twenty_newest_first(auth, accounts, resident):
    for n in range(1, 22):  # Sted 21 is the most recent
        made(auth.app, accounts, f"Sted {n:02}", starts_at=utcnow() - timedelta(days=30 - n))

    assert listed(resident, accounts)["Earlier"] == [f"Sted {n:02}" for n in range(21, 1, -1)]


def test_cancelled_shows_the_last_twenty_cancelled_most_recent_first(auth, accounts, resident):
    for n in range(1, 22):  # Sted 21 was cancelled last; each starts a day later than the one before
        made(auth.app, accounts, f"Sted {n:02}", status="cancelled", updated_at=utcnow() - timedelta(minutes=30 - n))

    assert listed(resident, accounts)["Cancelled"] == [f"Sted {n:02}" for n in range(21, 1, -1)]


def test_an_appointment_is_reached_only_under_its_own_resident(auth, accounts):
    theirs = made(auth.app, accounts, "Sted 01", resident=accounts.resident2)  # the same advisor's
    advisor = auth.client_for("advisor1")

    for appointment_id in (theirs.id, theirs.id + 1000):
        response = advisor.post(url(accounts, f"appointments/{appointment_id}/cancel"), data={"version": "1"})
        assert response.status_code == 404
    assert rows(auth.app, Appointment)[0].status == "planned"
    assert history(auth.app) == ["appointment_added"]
