"""Who opened my file: every staff opening is recorded once per visit, and the resident sees it."""
from __future__ import annotations

from datetime import timedelta

from webapp import access_log
from webapp.models import AuditEvent, Entry, EntryKind, User, utcnow

from .conftest import page_text
from .factories import STAFF_PASSWORD, rows, set_values
from .test_lockout_parallel import at_once


def openings(app) -> list[AuditEvent]:
    return [event for event in rows(app, AuditEvent) if event.action == access_log.ACTION]


def test_the_resident_sees_who_opened_their_page(app, auth, accounts):
    auth.client_for("advisor1").get(f"/advisor/residents/{accounts.resident1.id}")

    text = page_text(auth.client_for("resident1").get("/account"))

    assert "Who has looked at my page" in text
    assert "Mette (advisor1) · Personal job advisor ·" in text


def test_opening_the_page_and_its_records_within_ten_minutes_is_one_visit(app, auth, accounts):
    advisor, resident = auth.client_for("advisor1"), accounts.resident1
    for path in ("/advisor/residents/{id}", "/residents/{id}/goals", "/residents/{id}/barriers",
                 "/residents/{id}/appointments", "/residents/{id}/overview", "/advisor/residents/{id}"):
        assert advisor.get(path.format(id=resident.id)).status_code == 200

    (opening,) = openings(app)
    assert (opening.actor_id, opening.subject_id, opening.detail) == (
        accounts.advisor1.id, resident.id, {"what": "resident_page"})


def test_an_opening_after_ten_minutes_is_a_new_visit(app, auth, accounts):
    advisor, resident = auth.client_for("advisor1"), accounts.resident1
    advisor.get(f"/residents/{resident.id}/goals")
    set_values(app, AuditEvent, AuditEvent.action == access_log.ACTION, at=utcnow() - timedelta(minutes=11))

    advisor.get(f"/residents/{resident.id}/goals")

    assert [event.detail["what"] for event in openings(app)] == ["goals", "goals"]


def test_polls_and_the_residents_own_views_are_not_openings(app, auth, accounts):
    resident = accounts.resident1
    me = auth.client_for("resident1")
    me.get("/me/")
    me.get(f"/residents/{resident.id}/goals")
    advisor = auth.client_for("advisor1")
    advisor.get(f"/residents/{resident.id}/updates?after=0", headers={"HX-Request": "true"})
    advisor.get(f"/residents/{resident.id}/entries")

    assert openings(app) == []
    assert "Nobody has opened your page in the last 90 days." in page_text(me.get("/account"))


def test_parallel_openings_by_one_advisor_are_recorded_once(app, auth, accounts):
    clients = [auth.client_for("advisor1") for _ in range(8)]
    path = f"/advisor/residents/{accounts.resident1.id}"

    statuses = at_once(lambda n: clients[n].get(path).status_code, len(clients))

    assert set(statuses) == {200}
    assert len(openings(app)) == 1


def test_the_coordinator_reads_openings_in_the_audit_log(app, auth, accounts):
    auth.client_for("advisor1").get(f"/residents/{accounts.resident1.id}/goals")

    text = page_text(auth.client_for("coordinator").get("/coordinator/audit?person=advisor1"))

    assert "Opened a resident's page: Goals" in text


def test_a_new_advisor_is_named_with_their_username_in_the_timeline(app, auth, accounts):
    coordinator = auth.client_for("coordinator")
    coordinator.post(f"/coordinator/residents/{accounts.resident1.id}/advisor",
                     data={f"resident-{accounts.resident1.id}-advisor_id": str(accounts.advisor2.id)})

    (entry,) = rows(app, Entry, Entry.kind == EntryKind.ADVISOR_CHANGED)
    assert entry.data == {"advisor_name": "Jonas", "advisor_username": "advisor2"}
    set_values(app, User, User.id == accounts.resident1.id, advisor_id=accounts.advisor2.id)
    assert "Jonas ( advisor2 ) is now the personal job advisor." in page_text(auth.client_for("resident1").get("/me/"))


def test_a_staff_name_already_used_by_active_staff_is_refused(app, auth, accounts):
    coordinator = auth.client_for("coordinator")

    response = coordinator.post("/coordinator/staff/new", data={
        "display_name": " mette ", "username": "fake.mette", "role": "advisor", "locale": "da",
        "password": STAFF_PASSWORD, "repeat": STAFF_PASSWORD})

    assert response.status_code == 422
    assert "Another active staff member has this name." in page_text(response)
    assert rows(app, User, User.username == "fake.mette") == []


def test_a_deactivated_name_taken_since_cannot_come_back_as_a_twin(app, auth, accounts):
    set_values(app, User, User.id == accounts.advisor2.id, active=False, display_name="Mette")
    coordinator = auth.client_for("coordinator")

    coordinator.post(f"/coordinator/staff/{accounts.advisor2.id}/activate")

    (advisor2,) = rows(app, User, User.id == accounts.advisor2.id)
    assert not advisor2.active
    assert "Another active staff member has this name." in page_text(coordinator.get("/coordinator/"))
