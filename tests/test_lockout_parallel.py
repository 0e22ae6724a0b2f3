"""Wrong PINs sent at the same moment cannot get around the lock (real threads, not a loop)."""
from __future__ import annotations

import threading

import pytest

from webapp.auth.services import FAILURES_BEFORE_LOCK
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


def paired_phones(app, count: int = TRIES):
    phones = [app.test_client() for _ in range(count)]
    for phone in phones:
        pair_client(app, phone, "resident1")
    return phones


def assert_locked_once(app) -> None:
    (resident,) = rows(app, User, User.username == "resident1")
    assert resident.locked_until is not None
    assert len(checked(app, "account_locked")) == 1


def test_parallel_wrong_pins_check_at_most_five_and_then_lock(slow_hash_app):
    app = slow_hash_app
    phones = paired_phones(app)

    statuses = at_once(lambda n: phones[n].post("/login", data={"pin": "9999"}).status_code, TRIES)

    assert set(statuses) == {422}
    assert len(checked(app, "sign_in_failed")) <= FAILURES_BEFORE_LOCK
    assert_locked_once(app)


def test_the_right_pin_among_parallel_wrong_ones_never_gets_in_after_five_of_them(slow_hash_app):
    app = slow_hash_app
    phones = paired_phones(app)
    right = TRIES // 2

    statuses = at_once(lambda n: phones[n].post("/login", data={"pin": RESIDENT_PIN if n == right else "9999"}).status_code, TRIES)

    wrong = checked(app, "sign_in_failed")
    successes = checked(app, "sign_in")
    assert set(statuses) <= {303, 422}
    if successes:
        assert len([e for e in wrong if e.id < successes[0].id]) < FAILURES_BEFORE_LOCK
        # Signing in starts a fresh count: the wrong PINs whose tries were already taken finish,
        # and at most five more are checked before the next lock.
        assert len(wrong) <= (FAILURES_BEFORE_LOCK - 1) + FAILURES_BEFORE_LOCK, f"{len(wrong)} wrong PINs were checked"
    else:
        # The right PIN's own try counts until it is checked, so a lock may come after only 4 wrong ones.
        assert len(wrong) <= FAILURES_BEFORE_LOCK, f"{len(wrong)} wrong PINs were checked"
        assert_locked_once(app)


def test_parallel_wrong_current_pins_on_the_account_page_check_at_most_five(slow_hash_app):
    app = slow_hash_app
    auth = AuthActions(app)
    devices = [auth.client_for("resident1") for _ in range(TRIES)]

    statuses = at_once(lambda n: devices[n].post(
        "/account/secret", data={"current": "9999", "new": "5927", "repeat": "5927"}).status_code, TRIES)

    assert set(statuses) == {422}
    assert len(checked(app, "secret_check_failed")) == 5
    assert len(checked(app, "account_locked")) == 1
