"""Twenty taps at once on the same change leave one truth: real threads, each with its own request."""

from __future__ import annotations

import multiprocessing
from datetime import timedelta

import pytest

from webapp.models import Appointment, Entry, EntryKind, User, utcnow

from .factories import records_of, rows, set_values
from .test_lockout_parallel import at_once

TAPS = 20


@pytest.fixture
def records(app, accounts):
    return records_of(app, accounts.resident1, accounts.advisor1)


def clients(auth, username: str, count: int = TAPS):
    """One signed-in browser, as many times over: the same session cookie in each."""
    first = auth.client_for(username)
    cookie = first.get_cookie("session").value
    others = [auth.app.test_client() for _ in range(count - 1)]
    for client in others:
        client.set_cookie("session", cookie)
    return [first, *others]


def entries_of_kind(app, kind: EntryKind) -> list[Entry]:
    return rows(app, Entry, Entry.kind == kind)


def tap_at_once(auth, username: str, path: str, data: dict) -> list[int]:
    taps = clients(auth, username)
    return at_once(lambda n: taps[n].post(path, data=data).status_code, TAPS)


def test_twenty_moves_from_one_version_accept_exactly_one(app, auth, accounts, records):
    resident = accounts.resident1
    when = (utcnow() + timedelta(days=5)).strftime("%Y-%m-%d 10:00")
    path = f"/residents/{resident.id}/appointments/{records['appointment_id']}/move"

    statuses = tap_at_once(auth, "advisor1", path, {"version": "1", "starts_at": when, "place": "Jobcenter"})

    moved = entries_of_kind(app, EntryKind.APPOINTMENT_MOVED)
    (appointment,) = rows(app, Appointment, Appointment.id == records["appointment_id"])
    assert (statuses.count(303), statuses.count(409), len(moved), appointment.version) == (1, TAPS - 1, 1, 2), (
        f"{statuses.count(303)} accepted, {len(moved)} history entries, version {appointment.version}"
    )


# (who taps, the path under /residents/<id>/, what the form sends, the one history entry it leaves)
STATE_CHANGES = {
    "tick a step": ("resident1", "goals/{goal_id}/steps/{step_id}/done", {"done": "1"}, EntryKind.STEP_DONE),
    "acknowledge a barrier": ("advisor1", "barriers/{barrier_id}/acknowledge", {}, EntryKind.BARRIER_SEEN),
    "pause a goal": ("resident1", "goals/{goal_id}/status", {"status": "paused"}, EntryKind.GOAL_STATUS),
    "a barrier gets better": (
        "resident1",
        "barriers/{barrier_id}/status",
        {"status": "better"},
        EntryKind.BARRIER_STATUS,
    ),
}


@pytest.mark.parametrize("change", list(STATE_CHANGES))
def test_twenty_taps_on_one_state_change_leave_one_entry(app, auth, accounts, records, change):
    username, path, data, kind = STATE_CHANGES[change]

    statuses = tap_at_once(auth, username, f"/residents/{accounts.resident1.id}/" + path.format(**records), data)

    assert set(statuses) == {303}
    assert len(entries_of_kind(app, kind)) == 1


ROUNDS = 8


def coordinator_worker(database_url: str, job: str, advisor_id: int, resident_id: int, barrier, results) -> None:
    """One coordinator's browser in a process of its own, doing its job once per round at the barrier."""
    from tests.conftest import AuthActions, make_app

    app = make_app(database_url)
    client = AuthActions(app).client_for("coordinator")
    for _round in range(ROUNDS):
        barrier.wait()
        if job == "deactivate":
            response = client.post(f"/coordinator/staff/{advisor_id}/deactivate")
        else:
            response = client.post(
                f"/coordinator/residents/{resident_id}/advisor",
                data={f"resident-{resident_id}-advisor_id": str(advisor_id)},
            )
        results.put((job, response.status_code))
        barrier.wait()
    app.extensions["db_engine"].dispose()


def test_deactivating_an_advisor_while_assigning_them_never_strands_a_resident(app, accounts, database_url):
    # Each round, advisor2 follows nobody, so deactivating them is allowed, unless an assignment
    # to them lands first; and assigning to them is allowed, unless the deactivation lands first.
    advisor2, resident3 = accounts.advisor2, accounts.resident3
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(3), context.Queue()
    workers = [
        context.Process(
            target=coordinator_worker, args=(database_url, job, advisor2.id, resident3.id, barrier, results)
        )
        for job in ("deactivate", "assign")
    ]
    for worker in workers:
        worker.start()
    stranded, statuses = 0, []
    for _round in range(ROUNDS):
        set_values(app, User, User.id == resident3.id, advisor_id=accounts.advisor1.id)
        set_values(app, User, User.id == advisor2.id, active=True)
        barrier.wait(timeout=120)  # go
        barrier.wait(timeout=120)  # both answered
        statuses += [results.get(timeout=10) for _ in workers]
        (advisor,) = rows(app, User, User.id == advisor2.id)
        (resident,) = rows(app, User, User.id == resident3.id)
        stranded += not advisor.active and resident.advisor_id == advisor.id
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    assert all(status in (303, 422) for _job, status in statuses), statuses
    assert stranded == 0, f"{stranded} of {ROUNDS} rounds left a resident with an inactive advisor"
