"""Wrong PINs and passwords sent at the same moment cannot get around the lock or the wait (real threads,
not a loop)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from webapp.auth.services import FAILURES_BEFORE_LOCK, FAILURES_BEFORE_WAIT, staff_wait
from webapp.models import AuditEvent, User, utcnow

from .conftest import AuthActions, make_app
from .factories import RESIDENT_PIN, STAFF_PASSWORD, make_accounts, pair_client, rows

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


def tried(app, action: str) -> list[AuditEvent]:
    """On a form where a name is typed, every try leaves a row and counts against the address, whether its
    secret was checked or not."""
    return sorted((e for e in rows(app, AuditEvent) if e.action == action), key=lambda e: e.id)


def checked(app, action: str) -> list[AuditEvent]:
    """The wrong secrets checked: not the tries refused unchecked while the account was locked or waiting,
    nor a right PIN refused because a lock came in while it was checked."""
    return [e for e in tried(app, action) if not (e.detail or {}).keys() & {"unchecked", "locked"}]


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

    statuses = at_once(
        lambda n: phones[n].post("/login", data={"pin": RESIDENT_PIN if n == right else "9999"}).status_code, TRIES
    )

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

    statuses = at_once(
        lambda n: (
            devices[n].post("/account/secret", data={"current": "9999", "new": "5927", "repeat": "5927"}).status_code
        ),
        TRIES,
    )

    assert set(statuses) == {422}
    assert len(checked(app, "secret_check_failed")) == 5
    assert len(checked(app, "account_locked")) == 1


def assert_at_most_five_checked_before_the_first_wait_ended(app) -> None:
    wrong = checked(app, "sign_in_failed")
    assert len(wrong) >= FAILURES_BEFORE_WAIT
    fifth = wrong[FAILURES_BEFORE_WAIT - 1]
    # On a slow machine the burst may outlast the first wait (1 s); a try taken after it is a fair one.
    later = fifth.at + staff_wait(FAILURES_BEFORE_WAIT) - timedelta(milliseconds=50)
    assert all(event.at >= later for event in wrong[FAILURES_BEFORE_WAIT:]), [e.at for e in wrong]


def test_parallel_wrong_staff_passwords_check_at_most_five_and_then_wait_without_a_lock(slow_hash_app):
    app = slow_hash_app
    computers = [app.test_client() for _ in range(TRIES)]

    statuses = at_once(
        lambda n: (
            computers[n].post("/login/staff", data={"username": "advisor1", "password": "not-the-password"}).status_code
        ),
        TRIES,
    )

    assert set(statuses) == {422}
    assert len(tried(app, "sign_in_failed")) == TRIES
    assert_at_most_five_checked_before_the_first_wait_ended(app)
    (advisor,) = rows(app, User, User.username == "advisor1")
    assert advisor.locked_until is not None and not advisor.unlock_by_staff
    assert tried(app, "account_locked") == []


def test_the_right_staff_password_among_parallel_wrong_ones_gets_in_at_once_or_after_the_wait(slow_hash_app):
    app = slow_hash_app
    computers = [app.test_client() for _ in range(TRIES)]
    right = TRIES // 2

    def send(n: int) -> int:
        password = STAFF_PASSWORD if n == right else "not-the-password"
        return computers[n].post("/login/staff", data={"username": "advisor1", "password": password}).status_code

    statuses = at_once(send, TRIES)

    assert set(statuses) <= {303, 422}
    if statuses[right] == 422:  # its try came after the fifth wrong one: it waits, like every try from here
        (advisor,) = rows(app, User, User.username == "advisor1")
        assert not advisor.unlock_by_staff
        wait = advisor.locked_until - utcnow()
        assert wait <= timedelta(seconds=4), f"a wait of {wait} after a few wrong passwords"
        time.sleep(max(0.0, wait.total_seconds()) + 0.05)
        assert send(right) == 303
    assert len(tried(app, "sign_in")) == 1
