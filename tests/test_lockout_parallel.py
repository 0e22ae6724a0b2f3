"""Wrong PINs sent at the same moment cannot get around the lock (real threads, not a loop)."""
from __future__ import annotations

import threading

import pytest

from webapp.models import AuditEvent, User

from .conftest import AuthActions, make_app
from .factories import RESIDENT_PIN, make_accounts, pair_client, rows

TRIES = 12  # 11 wrong PINs and the right one, all at once


@pytest.fixture
def slow_hash_app(database_url):
    # The production hash cost: the slower the check, the wider the window a race would need.
    app = make_app(database_url, ARGON2_MEMORY_KIB=19456, ARGON2_TIME_COST=2)
    make_accounts(app)
    yield app
    app.extensions["db_engine"].dispose()


def at_once(send, count: int) -> list[int]:
    start = threading.Barrier(count)
    statuses = [0] * count

    def worker(n):
        start.wait()
        statuses[n] = send(n)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def checked(app, action: str) -> list[AuditEvent]:
    return sorted((e for e in rows(app, AuditEvent) if e.action == action), key=lambda e: e.id)


def test_parallel_wrong_pins_check_at_most_five_and_the_right_pin_does_not_follow_them(slow_hash_app):
    app = slow_hash_app
    phones = [app.test_client() for _ in range(TRIES)]
    for phone in phones:
        pair_client(app, phone, "resident1")
    right = TRIES // 2

    statuses = at_once(lambda n: phones[n].post("/login", data={"pin": RESIDENT_PIN if n == right else "9999"}).status_code, TRIES)

    wrong = checked(app, "sign_in_failed")
    successes = checked(app, "sign_in")
    assert len(wrong) <= 5, f"{len(wrong)} wrong PINs were checked"
    assert set(statuses) <= {303, 422}
    if successes:
        assert len([e for e in wrong if e.id < successes[0].id]) < 5
    else:
        # The right PIN's own try counts until it is checked, so a lock may come after only 4 wrong ones.
        (resident,) = rows(app, User, User.username == "resident1")
        assert resident.locked_until is not None
        assert len(checked(app, "account_locked")) == 1


def test_parallel_wrong_current_pins_on_the_account_page_check_at_most_five(slow_hash_app):
    app = slow_hash_app
    auth = AuthActions(app)
    devices = [auth.client_for("resident1") for _ in range(TRIES)]

    statuses = at_once(lambda n: devices[n].post(
        "/account/secret", data={"current": "9999", "new": "5927", "repeat": "5927"}).status_code, TRIES)

    assert set(statuses) == {422}
    assert len(checked(app, "secret_check_failed")) == 5
    assert len(checked(app, "account_locked")) == 1
