"""A resident stops, or the coordinator deletes them now or in 30 days, and a planned deletion is cancelled."""

from __future__ import annotations

from datetime import timedelta

from webapp.models import AuditEvent, DeviceSession, Entry, User, utcnow

from .conftest import page_text
from .factories import rows, write


def resident_row(app, resident) -> User | None:
    found = rows(app, User, User.id == resident.id)
    return found[0] if found else None


def test_the_stop_screen_says_what_happens_before_anything_does(app, accounts, auth):
    phone = auth.client_for("resident1")

    page = page_text(phone.get("/me/stop"))

    assert "Your account closes now" in page and "After 30 days, everything about you is deleted" in page
    assert resident_row(app, accounts.resident1).active


def test_stopping_needs_the_second_tap(app, accounts, auth):
    phone = auth.client_for("resident1")

    refused = phone.post("/me/stop", data={})

    assert refused.status_code == 422
    assert resident_row(app, accounts.resident1).stopped_at is None


def test_a_resident_who_stops_is_signed_out_everywhere_and_erased_in_30_days(app, accounts, auth):
    phone = auth.client_for("resident1")
    other_phone = auth.client_for("resident1")

    stopped = phone.post("/me/stop", data={"confirm": "stop"})

    assert stopped.status_code == 303 and stopped.headers["Location"] == "/login"
    resident = resident_row(app, accounts.resident1)
    assert not resident.active and resident.stopped_at is not None
    assert abs(resident.erase_after - (utcnow() + timedelta(days=30))) < timedelta(minutes=1)
    assert all(row.revoked_at for row in rows(app, DeviceSession, DeviceSession.user_id == resident.id))
    assert other_phone.get("/me/").status_code == 302
    closed = page_text(phone.get("/login"))
    assert "Your account is closed" in closed and "Write your PIN" not in closed
    assert rows(app, AuditEvent, AuditEvent.action == "resident_stopped", AuditEvent.subject_id == resident.id)


def test_the_advisor_sees_that_the_resident_wants_to_stop_and_cannot_write(app, accounts, auth):
    auth.client_for("resident1").post("/me/stop", data={"confirm": "stop"})
    advisor = auth.client_for("advisor1")

    page = advisor.get(f"/advisor/residents/{accounts.resident1.id}")
    sent = advisor.post(
        f"/residents/{accounts.resident1.id}/entries", data={"body": "Hej", "idempotency_key": "k" * 32}
    )

    assert "wants to stop using Sammen" in page_text(page)
    assert sent.status_code == 404
    assert not rows(app, Entry, Entry.body == "Hej")


def test_a_pin_on_a_closed_account_is_not_checked(app, accounts, auth):
    phone = auth.client_for("resident1")
    phone.post("/me/stop", data={"confirm": "stop"})

    again = phone.post("/login", data={"pin": "2468"})

    assert again.status_code == 422
    assert "Your account is closed" in page_text(again)


def test_the_coordinator_deletes_a_resident_now_after_typing_the_username(app, accounts, auth):
    write(app, accounts.resident1, accounts.resident1, "Min hemmelighed")
    coordinator = auth.client_for("coordinator")
    url = f"/coordinator/residents/{accounts.resident1.id}/erase"
    assert "Delete" in page_text(coordinator.get(url))

    refused = coordinator.post(url, data={"username": "resident2", "when": "now"})
    assert refused.status_code == 422 and 'value="resident2"' in refused.get_data(as_text=True)
    assert resident_row(app, accounts.resident1) is not None

    erased = coordinator.post(url, data={"username": " Resident1 ", "when": "now"})

    assert erased.status_code == 303
    assert resident_row(app, accounts.resident1) is None
    assert not rows(app, Entry, Entry.body == "Min hemmelighed")
    kept = rows(app, AuditEvent, AuditEvent.action == "resident_erased")
    assert [(event.actor_id, event.subject_id) for event in kept] == [(accounts.coordinator.id, None)]


def test_the_coordinator_plans_a_deletion_in_30_days_and_cancels_it(app, accounts, auth):
    coordinator = auth.client_for("coordinator")
    url = f"/coordinator/residents/{accounts.resident1.id}/erase"

    coordinator.post(url, data={"username": "resident1", "when": "later"})

    planned = resident_row(app, accounts.resident1)
    assert not planned.active and planned.erase_after > utcnow() + timedelta(days=29)
    overview = page_text(coordinator.get("/coordinator/"))
    assert "Will be deleted on" in overview and "Cancel the deletion" in overview

    cancelled = coordinator.post(f"{url}/cancel", data={})

    assert cancelled.status_code == 303
    back = resident_row(app, accounts.resident1)
    assert back.active and back.erase_after is None and back.stopped_at is None
    assert auth.client_for("resident1").get("/me/").status_code == 200
    actions = [event.action for event in rows(app, AuditEvent, AuditEvent.subject_id == accounts.resident1.id)]
    assert "erasure_planned" in actions and "erasure_cancelled" in actions


def test_a_resident_who_stopped_can_be_let_back_in_by_the_coordinator(app, accounts, auth):
    auth.client_for("resident1").post("/me/stop", data={"confirm": "stop"})
    coordinator = auth.client_for("coordinator")

    coordinator.post(f"/coordinator/residents/{accounts.resident1.id}/erase/cancel", data={})

    assert auth.client_for("resident1").get("/me/").status_code == 200


def test_cancelling_twice_records_once(app, accounts, auth):
    auth.client_for("resident1").post("/me/stop", data={"confirm": "stop"})
    coordinator = auth.client_for("coordinator")
    for _ in range(2):
        coordinator.post(f"/coordinator/residents/{accounts.resident1.id}/erase/cancel", data={})

    assert len(rows(app, AuditEvent, AuditEvent.action == "erasure_cancelled")) == 1


def test_stopping_twice_records_once(app, accounts, auth):
    from webapp.auth import leaving

    from .factories import run

    for _ in range(2):
        run(app, lambda session: leaving.stop(session, resident=resident_row(app, accounts.resident1)))

    assert len(rows(app, AuditEvent, AuditEvent.action == "resident_stopped")) == 1


def test_only_the_coordinator_deletes(app, accounts, auth):
    for username in ("advisor1", "volunteer1", "resident1"):
        client = auth.client_for(username)
        answer = client.post(
            f"/coordinator/residents/{accounts.resident1.id}/erase", data={"username": "resident1", "when": "now"}
        )
        assert answer.status_code == 403, username
    assert resident_row(app, accounts.resident1) is not None
