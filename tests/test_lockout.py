"""The lock on a resident's account after wrong PINs, and the limit on wrong tries from one address
(webapp/auth/services.py). test_auth has the first lock and the longer ones; test_lockout_parallel has
tries sent at the same moment."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from flask_babel import force_locale

from webapp import dates
from webapp.auth import services
from webapp.models import AuditEvent, User, utcnow

from .conftest import make_app, page_text
from .factories import STAFF_PASSWORD, register_tablet, rows, run, set_values

LIMIT = 3
WRONG = "9999"
LOCKED = "Too many wrong tries. You can try again at"
FROM_HERE = "Too many wrong tries from this place"


@pytest.fixture
def app(database_url):
    """An address may send LIMIT wrong tries in 15 minutes."""
    app = make_app(database_url, ADDRESS_FAILED_LOGIN_LIMIT=LIMIT)
    yield app
    app.extensions["db_engine"].dispose()


def browser_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def flood(client) -> None:
    for attempt in range(LIMIT):
        client.post("/login/staff", data={"username": f"nobody{attempt}", "password": "x" * 12})


def user(app, account) -> User:
    return run(app, lambda session: session.get(User, account.id))


def lock_badges(auth) -> int:
    return page_text(auth.client_for("coordinator").get("/coordinator/")).count("Locked after wrong tries")


# The address limit


def test_an_address_at_its_limit_holds_back_only_itself(app, auth, accounts):
    flood(browser_at(app, "192.0.2.1"))

    held_back = auth.sign_in(browser_at(app, "192.0.2.1"), "advisor1")
    elsewhere = auth.sign_in(browser_at(app, "192.0.2.2"), "advisor1")

    assert held_back.status_code == 422 and FROM_HERE in page_text(held_back)
    assert elsewhere.status_code == 303


@pytest.mark.parametrize(("minutes_ago", "status"), [(14, 422), (16, 303)])
def test_wrong_tries_from_an_address_count_for_15_minutes(app, auth, accounts, minutes_ago, status):
    flood(browser_at(app, "192.0.2.1"))
    set_values(app, AuditEvent, AuditEvent.action == "sign_in_failed", at=utcnow() - timedelta(minutes=minutes_ago))

    assert auth.sign_in(browser_at(app, "192.0.2.1"), "advisor1").status_code == status


def test_right_sign_ins_from_an_address_never_hold_it_back(app, auth, accounts):
    browser = browser_at(app, "192.0.2.1")
    for _ in range(LIMIT):
        assert auth.sign_in(browser, "advisor1").status_code == 303
        browser.post("/logout")

    assert auth.sign_in(browser, "advisor2").status_code == 303


def test_wrong_passwords_for_a_real_account_count_against_the_address(app, auth, accounts):
    browser = browser_at(app, "192.0.2.1")
    for _ in range(LIMIT):
        auth.sign_in(browser, "advisor1", "not-the-password")

    held_back = auth.sign_in(browser, "advisor2")

    assert held_back.status_code == 422 and FROM_HERE in page_text(held_back)


def test_wrong_pins_on_a_paired_phone_count_against_its_address_but_never_hold_the_phone_back(app, auth, accounts):
    phone = browser_at(app, "192.0.2.1")
    for _ in range(LIMIT):
        assert "That PIN is not right" in page_text(auth.sign_in(phone, "resident1", WRONG))

    staff_form = auth.sign_in(browser_at(app, "192.0.2.1"), "advisor1")

    assert staff_form.status_code == 422 and FROM_HERE in page_text(staff_form)
    assert auth.sign_in(phone, "resident1").status_code == 303


# The lock on a resident's account


def test_the_lock_message_gives_the_time_the_lock_ends(app, auth, accounts):
    phone = browser_at(app, "192.0.2.1")
    for _ in range(4):
        auth.sign_in(phone, "resident1", WRONG)

    locked = page_text(auth.sign_in(phone, "resident1", WRONG))

    with app.test_request_context(), force_locale("en"):
        ends = dates.clock(user(app, accounts.resident1).locked_until)
    assert f"{LOCKED} {ends}." in locked


def test_a_lock_locks_the_account_tried_and_no_other(app, auth, accounts):
    # resident2's fifth wrong PIN is being checked at this very moment, from another phone.
    set_values(app, User, User.id == accounts.resident2.id, failed_logins=5)
    phone = browser_at(app, "192.0.2.1")
    for _ in range(5):
        auth.sign_in(phone, "resident1", WRONG)

    resident2 = user(app, accounts.resident2)
    assert (resident2.lock_count, resident2.locked_until) == (0, None)
    assert lock_badges(auth) == 1
    assert auth.sign_in(browser_at(app, "192.0.2.2"), "resident3").status_code == 303


def test_after_a_lock_ends_the_resident_has_five_tries_again(app, auth, accounts):
    phone = browser_at(app, "192.0.2.1")
    for _ in range(5):
        auth.sign_in(phone, "resident1", WRONG)
    set_values(app, User, User.id == accounts.resident1.id, locked_until=utcnow() - timedelta(seconds=1))

    for _ in range(4):
        assert "That PIN is not right" in page_text(auth.sign_in(phone, "resident1", WRONG))
    assert LOCKED in page_text(auth.sign_in(phone, "resident1", WRONG))


def lock_length(app, account) -> timedelta:
    return user(app, account).locked_until - utcnow()


def test_signing_in_forgives_earlier_locks(app, auth, accounts):
    phone = browser_at(app, "192.0.2.1")
    for _ in range(5):
        auth.sign_in(phone, "resident1", WRONG)
    set_values(app, User, User.id == accounts.resident1.id, locked_until=utcnow() - timedelta(seconds=1))
    assert auth.sign_in(phone, "resident1").status_code == 303
    phone.post("/logout")

    for _ in range(5):
        auth.sign_in(phone, "resident1", WRONG)

    assert timedelta(minutes=14) < lock_length(app, accounts.resident1) <= timedelta(minutes=15)


def test_a_lock_that_comes_in_while_the_right_pin_is_checked_holds(app, auth, accounts, monkeypatch):
    real_check = services.passwords.verify_secret

    def check_while_other_phones_lock_the_account(stored_hash, secret):
        set_values(
            app, User, User.id == accounts.resident1.id, locked_until=utcnow() + timedelta(minutes=15), lock_count=1
        )
        return real_check(stored_hash, secret)

    monkeypatch.setattr(services.passwords, "verify_secret", check_while_other_phones_lock_the_account)

    answer = auth.sign_in(browser_at(app, "192.0.2.1"), "resident1")

    assert answer.status_code == 422 and LOCKED in page_text(answer)
    assert user(app, accounts.resident1).lock_count == 1


# Unlock


def test_unlocking_one_account_leaves_another_locked(app, auth, accounts):
    for account in (accounts.resident1, accounts.resident2):
        set_values(app, User, User.id == account.id, unlock_by_staff=True, lock_count=4)

    auth.client_for("coordinator").post(f"/coordinator/accounts/{accounts.resident1.id}/unlock")

    assert auth.sign_in(browser_at(app, "192.0.2.1"), "resident1").status_code == 303
    still = auth.sign_in(browser_at(app, "192.0.2.2"), "resident2")
    assert still.status_code == 422 and "ask the staff in the community house" in page_text(still)
    assert lock_badges(auth) == 1


def test_unlock_opens_a_timed_lock(app, auth, accounts):
    set_values(
        app, User, User.id == accounts.resident1.id, lock_count=2, locked_until=utcnow() + timedelta(hours=1)
    )  # a second lock, of an hour

    auth.client_for("coordinator").post(f"/coordinator/accounts/{accounts.resident1.id}/unlock")

    assert lock_badges(auth) == 0
    assert auth.sign_in(browser_at(app, "192.0.2.1"), "resident1").status_code == 303


def test_after_unlock_the_next_lock_is_a_first_one_again(app, auth, accounts):
    set_values(app, User, User.id == accounts.resident1.id, lock_count=2, locked_until=utcnow() + timedelta(hours=1))
    auth.client_for("coordinator").post(f"/coordinator/accounts/{accounts.resident1.id}/unlock")

    phone = browser_at(app, "192.0.2.1")
    for _ in range(5):
        auth.sign_in(phone, "resident1", WRONG)

    assert timedelta(minutes=14) < lock_length(app, accounts.resident1) <= timedelta(minutes=15)


# What the audit log keeps of wrong tries, locks and unlocks (the coordinator's "Audit log")

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


def audited(app, action: str) -> list[AuditEvent]:
    return rows(app, AuditEvent, AuditEvent.action == action)


def test_a_lock_is_audited_with_the_account_the_address_the_device_and_which_lock_it_is(app, auth, accounts):
    phone = browser_at(app, "192.0.2.1")
    phone.environ_base["HTTP_USER_AGENT"] = IPHONE
    for _ in range(5):
        auth.sign_in(phone, "resident1", WRONG)

    [locked] = audited(app, "account_locked")
    assert (locked.subject_id, locked.ip, locked.device, locked.detail) == (
        accounts.resident1.id,
        "192.0.2.1",
        "iphone",
        {"lock_count": 1},
    )
    assert {(row.subject_id, row.ip, row.device) for row in audited(app, "sign_in_failed")} == {
        (accounts.resident1.id, "192.0.2.1", "iphone")
    }


def test_a_name_typed_on_the_staff_form_is_audited_as_typed_whether_or_not_it_has_an_account_here(app, auth, accounts):
    browser = browser_at(app, "192.0.2.1")
    browser.environ_base["HTTP_USER_AGENT"] = IPHONE
    browser.post("/login/staff", data={"username": " Nobody ", "password": "x" * 12})
    browser.post("/login/staff", data={"username": "resident1", "password": "x" * 12})  # no staff account

    assert sorted(
        (row.subject_id, row.ip, row.device, row.detail["username"]) for row in audited(app, "sign_in_failed")
    ) == [(None, "192.0.2.1", "iphone", "nobody"), (None, "192.0.2.1", "iphone", "resident1")]


def test_a_deactivated_staff_member_is_refused_with_the_right_password(app, auth, accounts):
    set_values(app, User, User.id == accounts.advisor1.id, active=False)

    answer = auth.sign_in(browser_at(app, "192.0.2.1"), "advisor1")

    assert answer.status_code == 422 and "The username or password is not right" in page_text(answer)


def test_the_right_staff_password_from_a_quiet_address_gets_through_a_wait(app, auth, accounts):
    for n in range(5):  # from five addresses, none at its limit
        auth.sign_in(browser_at(app, f"192.0.2.{10 + n}"), "advisor1", "not-the-password")
    assert user(app, accounts.advisor1).locked_until > utcnow()  # waiting

    assert auth.sign_in(browser_at(app, "192.0.2.2"), "advisor1").status_code == 303


def test_wrong_current_passwords_on_the_account_page_make_staff_wait_but_the_right_one_gets_through(
    app, auth, accounts
):
    advisor = auth.client_for("advisor1")
    new = "a new long password 42"
    for _ in range(5):
        wrong = advisor.post("/account/secret", data={"current": "not-the-password", "new": new, "repeat": new})
        assert wrong.status_code == 422
    assert user(app, accounts.advisor1).locked_until > utcnow()

    right = advisor.post("/account/secret", data={"current": STAFF_PASSWORD, "new": new, "repeat": new})

    assert right.status_code == 303
    assert not user(app, accounts.advisor1).unlock_by_staff


def test_a_resident_locked_until_staff_open_it_is_told_so(app, auth, accounts):
    set_values(app, User, User.id == accounts.resident1.id, unlock_by_staff=True, lock_count=4)

    answer = auth.sign_in(browser_at(app, "192.0.2.1"), "resident1")

    assert "ask the staff in the community house to open your account again" in page_text(answer)


def test_a_try_while_the_last_free_ones_are_checked_is_told_to_wait(app, auth, accounts):
    set_values(app, User, User.id == accounts.resident1.id, failed_logins=5)  # the fifth is being checked

    answer = auth.sign_in(browser_at(app, "192.0.2.1"), "resident1")

    assert answer.status_code == 422 and FROM_HERE in page_text(answer)


def test_unlock_gives_back_all_five_tries(app, auth, accounts):
    set_values(app, User, User.id == accounts.resident1.id, failed_logins=3)
    auth.client_for("coordinator").post(f"/coordinator/accounts/{accounts.resident1.id}/unlock")

    phone = browser_at(app, "192.0.2.1")
    for _ in range(4):
        assert "That PIN is not right" in page_text(auth.sign_in(phone, "resident1", WRONG))


@pytest.mark.parametrize(
    "trace",
    [
        {"failed_logins": 1},
        {"lock_count": 1},
        {"locked_until": utcnow() - timedelta(minutes=1)},
        {"unlock_by_staff": True},
    ],
)
def test_unlock_clears_any_trace_of_wrong_tries_and_is_audited(app, auth, accounts, trace):
    set_values(app, User, User.id == accounts.resident1.id, **trace)

    auth.client_for("coordinator").post(f"/coordinator/accounts/{accounts.resident1.id}/unlock")

    opened = user(app, accounts.resident1)
    assert (opened.failed_logins, opened.lock_count, opened.locked_until, opened.unlock_by_staff) == (0, 0, None, False)
    [unlocked] = audited(app, "account_unlocked")
    assert (unlocked.actor_id, unlocked.subject_id) == (accounts.coordinator.id, accounts.resident1.id)


def test_unlocking_an_account_with_no_wrong_tries_changes_nothing_and_audits_nothing(app, auth, accounts):
    auth.client_for("coordinator").post(f"/coordinator/accounts/{accounts.resident1.id}/unlock")

    assert audited(app, "account_unlocked") == []


def waiting(app, account, *, waits: int) -> None:
    """The staff account waits after five wrong passwords; `waits`: tries let through a wait so far."""
    set_values(
        app,
        User,
        User.id == account.id,
        failed_logins=5,
        lock_count=waits,
        locked_until=utcnow() + timedelta(minutes=5),
    )


def test_a_wrong_password_let_through_a_wait_counts_as_one_more_let_through(app, auth, accounts):
    waiting(app, accounts.advisor1, waits=3)

    answer = auth.sign_in(browser_at(app, "192.0.2.1"), "advisor1", "not-the-password")

    assert answer.status_code == 422
    assert user(app, accounts.advisor1).lock_count == 4


@pytest.mark.parametrize(
    ("waits", "status"), [(services.TRIES_LET_THROUGH - 1, 303), (services.TRIES_LET_THROUGH, 422)]
)
def test_after_ten_tries_let_through_a_wait_even_a_quiet_address_waits(app, auth, accounts, waits, status):
    waiting(app, accounts.advisor1, waits=waits)

    assert auth.sign_in(browser_at(app, "192.0.2.1"), "advisor1").status_code == status


def test_a_try_the_account_was_not_ready_for_is_audited_as_unchecked(app, auth, accounts):
    waiting(app, accounts.advisor1, waits=services.TRIES_LET_THROUGH)

    auth.sign_in(browser_at(app, "192.0.2.1"), "advisor1")

    [row] = audited(app, "sign_in_failed")
    assert (row.subject_id, row.detail) == (accounts.advisor1.id, {"unchecked": True})


def test_a_right_pin_refused_by_a_lock_that_came_in_meanwhile_is_audited_as_refused(app, auth, accounts, monkeypatch):
    real_check = services.passwords.verify_secret

    def check_while_other_phones_lock_the_account(stored_hash, secret):
        set_values(
            app, User, User.id == accounts.resident1.id, locked_until=utcnow() + timedelta(minutes=15), lock_count=1
        )
        return real_check(stored_hash, secret)

    monkeypatch.setattr(services.passwords, "verify_secret", check_while_other_phones_lock_the_account)
    auth.sign_in(browser_at(app, "192.0.2.1"), "resident1")

    [row] = audited(app, "sign_in_failed")
    assert (row.subject_id, row.detail) == (accounts.resident1.id, {"locked": True})
    assert audited(app, "sign_in") == []


def test_on_the_account_page_staff_wait_while_their_address_sent_wrong_passwords_lately(app, auth, accounts):
    advisor = auth.client_for("advisor1")
    app.test_client().post("/login/staff", data={"username": "nobody", "password": "x" * 12})  # same address
    waiting(app, accounts.advisor1, waits=0)
    new = "a new long password 42"

    answer = advisor.post("/account/secret", data={"current": STAFF_PASSWORD, "new": new, "repeat": new})

    assert answer.status_code == 422


def test_the_operators_log_tells_a_staff_members_wait_as_a_wait(app, auth, accounts, caplog):
    advisor = auth.client_for("advisor1")
    waiting(app, accounts.advisor1, waits=services.TRIES_LET_THROUGH)
    new = "a new long password 42"

    advisor.post("/account/secret", data={"current": STAFF_PASSWORD, "new": new, "repeat": new})

    assert [record.reason for record in caplog.records if record.getMessage() == "signin.failed"] == ["waiting"]


def test_a_sign_in_is_kept_as_the_accounts_last_one(app, auth, accounts):
    before = utcnow()

    auth.sign_in(browser_at(app, "192.0.2.1"), "resident1")

    assert user(app, accounts.resident1).last_sign_in_at >= before


def test_a_wrong_pin_on_the_tablet_while_the_fifth_try_is_checked_locks_nothing(app, auth, accounts, monkeypatch):
    """The phone's fifth try in a row, the right PIN, is being checked when a wrong PIN for the same account is
    typed on the tablet: the account may take no try then, so that one is refused and locks nothing."""
    set_values(app, User, User.id == accounts.resident1.id, failed_logins=4)
    tablet = browser_at(app, "192.0.2.2")
    register_tablet(app, tablet)
    real_check, answers = services.passwords.verify_secret, []

    def check_while_the_tablet_tries(stored_hash, secret):
        if not answers:  # the phone's check: the tablet's try is sent, as from another request, and answered
            answers.append(None)
            typed = threading.Thread(target=lambda: answers.append(auth.sign_in(tablet, "resident1", WRONG)))
            typed.start()
            typed.join(timeout=60)
        return real_check(stored_hash, secret)

    monkeypatch.setattr(services.passwords, "verify_secret", check_while_the_tablet_tries)

    phone = auth.sign_in(browser_at(app, "192.0.2.1"), "resident1")

    assert answers[1].status_code == 422
    assert phone.status_code == 303
    after = user(app, accounts.resident1)
    assert (after.lock_count, after.locked_until, after.failed_logins) == (0, None, 0)
