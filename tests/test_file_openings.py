"""Who opened my file: every staff opening is recorded once per visit, and the resident sees it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from webapp import file_openings
from webapp.models import AuditEvent, Entry, EntryKind, User, utcnow

from .conftest import page_text
from .factories import STAFF_PASSWORD, rows, send_voice, set_values, write
from .test_lockout_parallel import at_once


def openings(app) -> list[AuditEvent]:
    return [event for event in rows(app, AuditEvent) if event.action == file_openings.ACTION]


def test_the_resident_sees_who_opened_their_page(app, auth, accounts):
    auth.client_for("advisor1").get(f"/advisor/residents/{accounts.resident1.id}")

    text = page_text(auth.client_for("resident1").get("/account"))

    assert "Who has looked at my page" in text
    assert "Mette (advisor1) · Personal job advisor ·" in text


def test_opening_the_page_and_its_records_within_ten_minutes_is_one_visit(app, auth, accounts):
    advisor, resident = auth.client_for("advisor1"), accounts.resident1
    for path in (
        "/advisor/residents/{id}",
        "/residents/{id}/goals",
        "/residents/{id}/barriers",
        "/residents/{id}/appointments",
        "/residents/{id}/overview",
        "/advisor/residents/{id}",
    ):
        assert advisor.get(path.format(id=resident.id)).status_code == 200

    (opening,) = openings(app)
    assert (opening.actor_id, opening.subject_id, opening.detail) == (
        accounts.advisor1.id,
        resident.id,
        {"what": "resident_page"},
    )


def test_an_opening_after_ten_minutes_is_a_new_visit(app, auth, accounts):
    advisor, resident = auth.client_for("advisor1"), accounts.resident1
    advisor.get(f"/residents/{resident.id}/goals")
    set_values(app, AuditEvent, AuditEvent.action == file_openings.ACTION, at=utcnow() - timedelta(minutes=11))

    advisor.get(f"/residents/{resident.id}/goals")

    assert [event.detail["what"] for event in openings(app)] == ["goals", "goals"]


def test_the_residents_own_views_are_not_openings(app, auth, accounts):
    resident = accounts.resident1
    me = auth.client_for("resident1")
    me.get("/me/")
    me.get(f"/residents/{resident.id}/goals")
    me.get(f"/residents/{resident.id}/updates?after=0", headers={"HX-Request": "true"})
    me.get(f"/residents/{resident.id}/entries")

    assert openings(app) == []
    assert "Nobody has opened your page in the last 90 days." in page_text(me.get("/account"))


@pytest.mark.parametrize(
    ("path", "what"),
    [
        ("/residents/{id}/updates?after=0", "updates"),
        ("/residents/{id}/entries?before=999999", "older_entries"),
        ("/residents/{id}/voice/{voice}", "voice"),
    ],
)
def test_every_staff_read_without_an_opening_is_recorded(app, auth, accounts, path, what):
    resident = accounts.resident1
    write(app, resident, resident, "Jeg har det svært")
    voice = send_voice(app, resident, resident)
    advisor = auth.client_for("advisor1")

    read = advisor.get(path.format(id=resident.id, voice=voice), headers={"HX-Request": "true"})

    assert read.status_code == 200
    (opening,) = openings(app)
    assert (opening.actor_id, opening.subject_id, opening.detail) == (accounts.advisor1.id, resident.id, {"what": what})
    assert "Mette (advisor1) · Personal job advisor ·" in page_text(auth.client_for("resident1").get("/account"))


def test_reads_while_the_page_is_open_are_part_of_the_same_visit(app, auth, accounts):
    resident = accounts.resident1
    advisor = auth.client_for("advisor1")
    advisor.get(f"/advisor/residents/{resident.id}")
    write(app, resident, resident, "Hej")

    advisor.get(f"/residents/{resident.id}/updates?after=0", headers={"HX-Request": "true"})
    advisor.get(f"/residents/{resident.id}/entries?before=999999")

    assert [event.detail["what"] for event in openings(app)] == ["resident_page"]


def test_a_poll_that_finds_nothing_new_records_nothing(app, auth, accounts):
    resident = accounts.resident1
    newest = write(app, resident, resident, "Hej").id
    advisor = auth.client_for("advisor1")
    since = utcnow().isoformat()

    poll = advisor.get(
        f"/residents/{resident.id}/updates",
        query_string={"after": newest, "since": since},
        headers={"HX-Request": "true"},
    )

    assert poll.status_code == 204
    assert openings(app) == []


def test_parallel_openings_by_one_advisor_are_recorded_once(app, auth, accounts):
    clients = [auth.client_for("advisor1") for _ in range(8)]
    path = f"/advisor/residents/{accounts.resident1.id}"

    statuses = at_once(lambda n: clients[n].get(path).status_code, len(clients))

    assert set(statuses) == {200}
    assert len(openings(app)) == 1


def test_the_page_and_its_records_opened_at_once_are_one_visit(app, auth, accounts):
    """Each page locks the advisor's row in its first read when it is to record the opening, and records it after
    its reads: whichever records it first, the others find it and add nothing."""
    resident_id = accounts.resident1.id
    paths = [f"/advisor/residents/{resident_id}"] + [
        f"/residents/{resident_id}/{page}" for page in ("overview", "barriers", "goals", "appointments")
    ]
    clients = [auth.client_for("advisor1") for _ in range(2 * len(paths))]

    statuses = at_once(lambda n: clients[n].get(paths[n % len(paths)]).status_code, len(clients))

    assert set(statuses) == {200}
    assert len(openings(app)) == 1


def test_the_coordinator_reads_openings_in_the_audit_log(app, auth, accounts):
    auth.client_for("advisor1").get(f"/residents/{accounts.resident1.id}/goals")

    text = page_text(auth.client_for("coordinator").get("/coordinator/audit?person=advisor1"))

    assert "Opened a resident's page: Goals" in text


def test_a_new_advisor_is_named_with_their_username_in_the_timeline(app, auth, accounts):
    coordinator = auth.client_for("coordinator")
    coordinator.post(
        f"/coordinator/residents/{accounts.resident1.id}/advisor",
        data={f"resident-{accounts.resident1.id}-advisor_id": str(accounts.advisor2.id)},
    )

    (entry,) = rows(app, Entry, Entry.kind == EntryKind.ADVISOR_CHANGED)
    assert entry.data == {"advisor_name": "Jonas", "advisor_username": "advisor2"}
    set_values(app, User, User.id == accounts.resident1.id, advisor_id=accounts.advisor2.id)
    assert "Jonas ( advisor2 ) is now the personal job advisor." in page_text(auth.client_for("resident1").get("/me/"))


def test_a_staff_name_already_used_by_active_staff_is_refused(app, auth, accounts):
    coordinator = auth.client_for("coordinator")

    response = coordinator.post(
        "/coordinator/staff/new",
        data={
            "display_name": " mette ",
            "username": "fake.mette",
            "role": "advisor",
            "locale": "da",
            "password": STAFF_PASSWORD,
            "repeat": STAFF_PASSWORD,
        },
    )

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
