"""What the resident said does not vanish, and a tap does not count twice."""
from __future__ import annotations

import re
from datetime import timedelta

from webapp.advisor.services import caseload
from webapp.models import (Appointment, Barrier, CheckIn, ContactRequest, DeviceSession, Entry, EntryKind,
                           StaffDraft, User, utcnow)

from .conftest import page_text
from .factories import STAFF_PASSWORD, records_of, rows, run, set_values, write
from .test_lockout_parallel import at_once


def key(n: int) -> str:
    return f"{n:032x}"


def reasons_of(app, advisor, resident) -> list[str]:
    with app.test_request_context():
        rows_ = run(app, caseload, advisor=advisor)
    return next(row.reasons for row in rows_ if row.resident_id == resident.id)


def entries(app, kind) -> list[Entry]:
    return rows(app, Entry, Entry.kind == kind)


# --- Contact requests -------------------------------------------------------------------


def ask_for_contact(client, resident, words="Jeg har det svært"):
    client.post(f"/residents/{resident.id}/checkins", data={"mood": "1", "idempotency_key": key(1)})
    client.post(f"/residents/{resident.id}/checkins/today", data={"words": words, "wants_contact": "y"})


def test_a_later_good_check_in_keeps_the_contact_request_and_the_words(app, auth, accounts):
    resident = accounts.resident1
    me = auth.client_for("resident1")
    ask_for_contact(me, resident)

    me.post(f"/residents/{resident.id}/checkins", data={"mood": "4", "idempotency_key": key(2)})

    assert "contact" in reasons_of(app, accounts.advisor1, resident)
    (checkin,) = rows(app, CheckIn, CheckIn.resident_id == resident.id)
    assert (checkin.mood, checkin.words, checkin.wants_contact) == (4, "Jeg har det svært", True)
    first, second = sorted(entries(app, EntryKind.CHECKIN), key=lambda e: e.id)
    assert (first.body, first.data["mood"], second.data["mood"]) == ("Jeg har det svært", 1, 4)
    home = page_text(me.get("/me/"))
    assert "You asked to be contacted. Your advisor will get in touch." in home
    assert "Jeg har det svært" in home


def test_a_message_from_the_advisor_does_not_end_the_contact_request(app, auth, accounts):
    resident = accounts.resident1
    ask_for_contact(auth.client_for("resident1"), resident)

    write(app, resident, accounts.advisor1, "Hej, hvordan går det?")

    assert "contact" in reasons_of(app, accounts.advisor1, resident)


def test_i_have_contacted_them_ends_the_request_and_the_resident_sees_how(app, auth, accounts):
    resident = accounts.resident1
    me = auth.client_for("resident1")
    ask_for_contact(me, resident)
    advisor = auth.client_for("advisor1")
    page = advisor.get(f"/advisor/residents/{resident.id}").get_data(as_text=True)
    (request_id,) = re.findall(r"/contact-requests/(\d+)/handled", page)

    statuses = [advisor.post(f"/residents/{resident.id}/contact-requests/{request_id}/handled",
                             data={"how": "sms"}).status_code for _ in range(2)]

    assert statuses == [303, 303]
    assert "contact" not in reasons_of(app, accounts.advisor1, resident)
    (request,) = rows(app, ContactRequest)
    assert (request.how, request.handled_by) == ("sms", accounts.advisor1.id)
    assert len(entries(app, EntryKind.CONTACT_MADE)) == 1
    home = page_text(me.get("/me/"))
    assert "Made contact, as asked: By SMS" in home
    assert "You asked to be contacted." not in home


def test_asking_again_while_a_request_is_open_adds_nothing(app, auth, accounts):
    resident = accounts.resident1
    me = auth.client_for("resident1")
    ask_for_contact(me, resident)
    me.post(f"/residents/{resident.id}/checkins/today", data={"words": "Stadig svært", "wants_contact": "y"})

    assert len(rows(app, ContactRequest)) == 1


def test_a_way_of_contact_not_offered_is_refused(app, auth, accounts):
    resident = accounts.resident1
    ask_for_contact(auth.client_for("resident1"), resident)
    (request,) = rows(app, ContactRequest)

    response = auth.client_for("advisor1").post(
        f"/residents/{resident.id}/contact-requests/{request.id}/handled", data={"how": "pigeon"})

    assert response.status_code == 400
    assert "contact" in reasons_of(app, accounts.advisor1, resident)


# --- Barriers ----------------------------------------------------------------------------


def test_a_tile_tapped_twice_adds_one_barrier_and_says_so_where_the_page_lands(app, auth, accounts):
    resident = accounts.resident1
    me = auth.client_for("resident1")

    first = me.post(f"/residents/{resident.id}/barriers", data={"key": "digital", "idempotency_key": key(1)})
    landed = me.get(first.headers["Location"])
    second = me.post(f"/residents/{resident.id}/barriers", data={"key": "digital", "idempotency_key": key(2)})
    landed_again = me.get(second.headers["Location"])

    (barrier,) = rows(app, Barrier)
    assert first.headers["Location"] == second.headers["Location"] == f"/residents/{resident.id}/barriers#barrier-{barrier.id}"
    card = re.search(rf'id="barrier-{barrier.id}">(.*?)</li>', landed.get_data(as_text=True), re.S).group(1)
    assert "Saved: Computer and phone" in card
    assert "Computer and phone is already on your list." in landed_again.get_data(as_text=True)
    assert len(entries(app, EntryKind.BARRIER_ADDED)) == 1


def test_parallel_taps_on_one_tile_from_two_phones_add_one_barrier(app, auth, accounts):
    resident = accounts.resident1
    phones = [auth.client_for("resident1") for _ in range(6)]

    statuses = at_once(lambda n: phones[n].post(f"/residents/{resident.id}/barriers",
                                                data={"key": "transport", "idempotency_key": key(n)}).status_code, 6)

    assert set(statuses) == {303}
    assert len(rows(app, Barrier)) == 1
    assert len(entries(app, EntryKind.BARRIER_ADDED)) == 1


def test_something_else_can_be_open_more_than_once(app, auth, accounts):
    resident = accounts.resident1
    me = auth.client_for("resident1")
    for n, words in enumerate(("Min bil er gået i stykker", "Jeg skal flytte")):
        me.post(f"/residents/{resident.id}/barriers", data={"key": "other", "words": words, "idempotency_key": key(n)})

    assert len(rows(app, Barrier)) == 2


def test_a_solved_barrier_can_come_back(app, auth, accounts):
    resident = accounts.resident1
    me = auth.client_for("resident1")
    me.post(f"/residents/{resident.id}/barriers", data={"key": "money", "idempotency_key": key(1)})
    set_values(app, Barrier, Barrier.resident_id == resident.id, status="solved")

    me.post(f"/residents/{resident.id}/barriers", data={"key": "money", "idempotency_key": key(2)})

    assert sorted(b.status for b in rows(app, Barrier)) == ["present", "solved"]


def test_a_barrier_added_by_mistake_is_removed_within_a_day(app, auth, accounts):
    resident = accounts.resident1
    me = auth.client_for("resident1")
    me.post(f"/residents/{resident.id}/barriers", data={"key": "childcare", "idempotency_key": key(1)})
    (barrier,) = rows(app, Barrier)
    assert "Added by mistake? Remove it" in page_text(me.get(f"/residents/{resident.id}/barriers"))

    response = me.post(f"/residents/{resident.id}/barriers/{barrier.id}/remove")

    assert response.status_code == 303
    assert "Childcare" not in page_text(me.get(f"/residents/{resident.id}/barriers")).split("Recorded", 1)[1]
    assert "Removed, added by mistake: Childcare" in page_text(auth.client_for("advisor1").get(
        f"/advisor/residents/{resident.id}"))
    assert "barrier" not in reasons_of(app, accounts.advisor1, resident)


def test_a_barrier_older_than_a_day_is_marked_solved_instead(app, auth, accounts):
    resident = accounts.resident1
    me = auth.client_for("resident1")
    me.post(f"/residents/{resident.id}/barriers", data={"key": "childcare", "idempotency_key": key(1)})
    set_values(app, Barrier, Barrier.resident_id == resident.id, created_at=utcnow() - timedelta(days=1, minutes=1))
    (barrier,) = rows(app, Barrier)

    assert "Added by mistake? Remove it" not in page_text(me.get(f"/residents/{resident.id}/barriers"))
    response = me.post(f"/residents/{resident.id}/barriers/{barrier.id}/remove")

    assert "This can no longer be removed." in page_text(me.get(response.headers["Location"]))
    assert rows(app, Barrier)[0].status == "present"


def test_only_the_resident_removes_a_barrier(app, auth, accounts):
    resident = accounts.resident1
    barrier = records_of(app, resident, accounts.advisor1)["barrier_id"]

    response = auth.client_for("advisor1").post(f"/residents/{resident.id}/barriers/{barrier}/remove")

    assert response.status_code == 403


# --- Appointments ------------------------------------------------------------------------


def when(days: int) -> str:
    return (utcnow() + timedelta(days=days)).strftime("%Y-%m-%d 10:00")


def add_appointment(client, resident, n=1):
    client.post(f"/residents/{resident.id}/appointments", data={
        "starts_at": when(3), "place": "Lægen", "with_whom": "doctor", "idempotency_key": key(n)})
    return rows_by_place(client.application, "Lægen")[0]


def rows_by_place(app, place):
    return rows(app, Appointment, Appointment.place == place)


def test_a_resident_corrects_and_cancels_an_appointment_they_added(app, auth, accounts):
    resident = accounts.resident1
    me = auth.client_for("resident1")
    appointment = add_appointment(me, resident)
    assert "Move or cancel" in page_text(me.get(f"/residents/{resident.id}/appointments"))

    moved = me.post(f"/residents/{resident.id}/appointments/{appointment.id}/move",
                    data={"version": "1", "starts_at": when(4), "place": "Lægehuset"})
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

    confirm = re.search(r'<details class="confirm">\s*<summary[^>]*>.*?Cancel the appointment.*?</summary>(.*?)</details>',
                        html, re.S)
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


# --- A reply across the staff idle sign-out -------------------------------------------------


def lapse(app, username):
    (user,) = rows(app, User, User.username == username)
    set_values(app, DeviceSession, DeviceSession.user_id == user.id, last_seen_at=utcnow() - timedelta(minutes=31))


def test_a_reply_sent_after_the_idle_sign_out_is_kept_and_given_back_after_signing_in(app, auth, accounts):
    resident = accounts.resident1
    advisor = auth.client_for("advisor1")
    lapse(app, "advisor1")
    reply = "Kære Fatima, jeg har talt med kommunen. " * 20

    response = advisor.post(f"/residents/{resident.id}/entries", data={"body": reply, "idempotency_key": key(1)})

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login/staff?next=")
    assert rows(app, Entry, Entry.kind == EntryKind.MESSAGE) == []
    signed_in = advisor.post(response.headers["Location"], data={"username": "advisor1", "password": STAFF_PASSWORD})
    assert signed_in.headers["Location"] == f"/advisor/residents/{resident.id}"
    page = advisor.get(signed_in.headers["Location"])
    assert reply.strip() in page.get_data(as_text=True)
    assert "Here is what you were writing when you were signed out." in page_text(page)
    advisor.post(f"/residents/{resident.id}/entries", data={"body": reply, "idempotency_key": key(2), "from_draft": "1"})
    assert rows(app, StaffDraft) == []
    assert "Here is what you were writing" not in page_text(advisor.get(f"/advisor/residents/{resident.id}"))


def test_a_kept_reply_is_never_shown_to_someone_else_on_the_same_computer(app, auth, accounts):
    resident = accounts.resident1
    computer = auth.client_for("advisor1")
    lapse(app, "advisor1")
    computer.post(f"/residents/{resident.id}/entries", data={"body": "Privat svar", "idempotency_key": key(1)})
    set_values(app, User, User.id == resident.id, advisor_id=accounts.advisor2.id)

    auth.sign_in(computer, "advisor2")
    page = computer.get(f"/advisor/residents/{resident.id}").get_data(as_text=True)

    assert "Privat svar" not in page
    assert len(rows(app, StaffDraft)) == 1


def test_after_signing_out_nothing_is_kept(app, auth, accounts):
    resident = accounts.resident1
    advisor = auth.client_for("advisor1")
    (user,) = rows(app, User, User.username == "advisor1")
    set_values(app, DeviceSession, DeviceSession.user_id == user.id, revoked_at=utcnow())

    response = advisor.post(f"/residents/{resident.id}/entries", data={"body": "Hej", "idempotency_key": key(1)})

    assert response.headers["Location"].startswith("/login")
    assert rows(app, StaffDraft) == []
