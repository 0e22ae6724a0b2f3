"""A reply in the message box outlives the staff idle sign-out (timeline/drafts.py), for the person who wrote it
alone."""

from __future__ import annotations

from datetime import timedelta

from webapp.models import DeviceSession, Entry, EntryKind, StaffDraft, User, utcnow

from .conftest import page_text
from .factories import STAFF_PASSWORD, rows, set_values
from .records_helpers import key


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
    advisor.post(
        f"/residents/{resident.id}/entries", data={"body": reply, "idempotency_key": key(2), "from_draft": "1"}
    )
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
