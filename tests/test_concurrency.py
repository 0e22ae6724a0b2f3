"""Several processes writing to one resident's timeline at once lose nothing and fail nothing."""

from __future__ import annotations

import multiprocessing
import uuid

from webapp.models import Entry

from .factories import RESIDENT_PIN, STAFF_PASSWORD, pair_client, rows

WRITERS = 4
MESSAGES_EACH = 15


def write_messages(database_url: str, username: str, resident_id: int, writer: int, results) -> None:
    from tests.conftest import make_app

    app = make_app(database_url)
    client = app.test_client()
    if username.startswith("resident"):
        pair_client(app, client, username)
        signed_in = client.post("/login", data={"pin": RESIDENT_PIN})
    else:
        signed_in = client.post("/login/staff", data={"username": username, "password": STAFF_PASSWORD})
    statuses = [signed_in.status_code]
    for n in range(MESSAGES_EACH):
        response = client.post(
            f"/residents/{resident_id}/entries",
            data={"body": f"writer {writer} message {n}", "idempotency_key": uuid.uuid4().hex},
        )
        statuses.append(response.status_code)
    app.extensions["db_engine"].dispose()
    results.put((writer, statuses))


def test_concurrent_writers_lose_nothing(app, accounts, database_url):
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    usernames = ["resident1", "advisor1"] * (WRITERS // 2)
    processes = [
        context.Process(target=write_messages, args=(database_url, name, accounts.resident1.id, n, results))
        for n, name in enumerate(usernames)
    ]
    for process in processes:
        process.start()
    outcomes = dict(results.get(timeout=120) for _ in processes)
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    assert all(set(statuses) == {303} for statuses in outcomes.values()), outcomes
    bodies = {entry.body for entry in rows(app, Entry, Entry.resident_id == accounts.resident1.id)}
    assert len(bodies) == WRITERS * MESSAGES_EACH
