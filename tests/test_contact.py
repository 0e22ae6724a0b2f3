"""A resident's request to be contacted (records/contact.py) stays until their advisor marks it."""

from __future__ import annotations

import re

from webapp.models import CheckIn, ContactRequest, EntryKind

from .conftest import page_text
from .factories import rows, write
from .records_helpers import entries, key, reasons_of


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

    statuses = [
        advisor.post(f"/residents/{resident.id}/contact-requests/{request_id}/handled", data={"how": "sms"}).status_code
        for _ in range(2)
    ]

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
        f"/residents/{resident.id}/contact-requests/{request.id}/handled", data={"how": "pigeon"}
    )

    assert response.status_code == 400
    assert "contact" in reasons_of(app, accounts.advisor1, resident)
