from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from webapp.auth.services import Refusal, staff_wait
from webapp.models import AuditEvent, DeviceSession, User, utcnow

from .conftest import AuthActions, make_app, page_text
from .factories import (
    RESIDENT_PIN,
    STAFF_PASSWORD,
    make_accounts,
    pair_client,
    register_tablet,
    rows,
    run,
    set_values,
)


@pytest.mark.parametrize("pin", ["4827", "٤٨٢٧", "۴۸۲۷", " 4827 "])
def test_resident_signs_in_with_pin_in_any_digits(auth, client, pin):
    response = auth.sign_in(client, "resident1", pin)
    assert response.status_code == 303
    assert response.headers["Location"] == "/me/"
    assert client.get("/me/").status_code == 200


def test_paired_phone_asks_only_for_the_pin_and_names_its_resident(app, client, accounts):
    pair_client(app, client, "resident1")
    response = client.get("/login")
    html = response.get_data(as_text=True)
    assert html.count('type="password"') == 1
    assert 'inputmode="numeric"' in html
    assert 'name="pin"' in html
    assert 'name="username"' not in html
    assert "Hello, فاطمة" in page_text(response)
    assert "Not فاطمة" in page_text(response)


def test_wrong_pin_on_a_paired_phone_is_refused(auth, client):
    response = auth.sign_in(client, "resident1", "1111")
    assert response.status_code == 422
    assert "That PIN is not right" in page_text(response)


def test_tablet_asks_for_username_and_pin_and_keeps_the_username(app, auth, client, accounts):
    register_tablet(app, client)
    response = auth.sign_in(client, "resident1", "1111")
    assert response.status_code == 422
    assert "The username or PIN is not right" in page_text(response)
    assert 'value="resident1"' in response.get_data(as_text=True)
    assert auth.sign_in(client, "resident1").status_code == 303


def test_unknown_user_on_the_tablet_gets_the_same_answer_as_a_wrong_pin(app, auth, client, accounts):
    register_tablet(app, client)
    response = auth.sign_in(client, "nobody", "4827", staff=False)
    assert response.status_code == 422
    assert "The username or PIN is not right" in page_text(response)


def test_staff_cannot_sign_in_on_the_residents_form_nor_residents_on_the_staff_form(app, auth, client, accounts):
    register_tablet(app, client)
    assert auth.sign_in(client, "advisor1", STAFF_PASSWORD, staff=False).status_code == 422
    response = client.post("/login/staff", data={"username": "resident1", "password": RESIDENT_PIN})
    assert response.status_code == 422
    assert "not right" in page_text(response)


def test_pin_that_is_not_digits_is_explained_next_to_the_field(auth, client):
    response = auth.sign_in(client, "resident1", "12ab")
    assert response.status_code == 422
    assert "A PIN is 4 to 8 digits." in page_text(response)


def test_staff_signs_in_with_password(auth, client):
    response = auth.sign_in(client, "advisor1")
    assert response.headers["Location"] == "/advisor/"


def test_five_wrong_tries_lock_the_account_even_for_the_right_pin(app, auth, client, accounts):
    for _ in range(4):
        assert "not right" in page_text(auth.sign_in(client, "resident1", "9999"))
    locked = auth.sign_in(client, "resident1", "9999")
    assert "Too many wrong tries. You can try again at" in page_text(locked)
    with_right_pin = auth.sign_in(client, "resident1", RESIDENT_PIN)
    assert with_right_pin.status_code == 422
    assert "Too many wrong tries" in page_text(with_right_pin)
    user = run(app, lambda s: s.get(User, accounts.resident1.id))
    assert timedelta(minutes=14) < user.locked_until - utcnow() <= timedelta(minutes=15)


def test_lock_message_is_in_the_users_language(auth, client):
    client.get("/login?lang=ar")
    for _ in range(5):
        response = auth.sign_in(client, "resident1", "9999")
    assert 'lang="ar"' in response.get_data(as_text=True)
    assert "Too many wrong tries" not in page_text(response)
    assert "محاولات خاطئة كثيرة. يمكنك المحاولة مرة أخرى الساعة" in page_text(response)


def test_locks_grow_longer_and_then_need_staff(app, auth, client, accounts):
    where = User.id == accounts.resident1.id
    expected = [timedelta(minutes=15), timedelta(hours=1), timedelta(hours=4)]
    for length in expected:
        for _ in range(5):
            auth.sign_in(client, "resident1", "9999")
        user = run(app, lambda s: s.get(User, accounts.resident1.id))
        assert length - timedelta(minutes=1) < user.locked_until - utcnow() <= length
        set_values(app, User, where, locked_until=utcnow() - timedelta(seconds=1))
    for _ in range(5):
        response = auth.sign_in(client, "resident1", "9999")
    assert "ask the staff in the community house" in page_text(response)
    assert "ask the staff" in page_text(auth.sign_in(client, "resident1", RESIDENT_PIN))


def test_coordinator_unlocks_an_account(app, auth, client, accounts):
    set_values(app, User, User.id == accounts.resident1.id, unlock_by_staff=True)
    coordinator = auth.client_for("coordinator")
    overview = page_text(coordinator.get("/coordinator/"))
    assert overview.count("Locked after wrong tries") == 1  # resident1's row, and no other account's
    response = coordinator.post(f"/coordinator/accounts/{accounts.resident1.id}/unlock")
    assert response.status_code == 303
    assert auth.sign_in(client, "resident1").status_code == 303
    actions = [event.action for event in rows(app, AuditEvent)]
    assert "account_unlocked" in actions


def test_right_pin_after_some_wrong_ones_resets_the_count(app, auth, client, accounts):
    for _ in range(4):
        auth.sign_in(client, "resident1", "9999")
    assert auth.sign_in(client, "resident1").status_code == 303
    assert run(app, lambda s: s.get(User, accounts.resident1.id)).failed_logins == 0


def test_one_community_house_address_is_not_locked_out_by_many_residents(app, auth, accounts):
    client = app.test_client()
    for name in ("resident1", "resident2", "resident3") * 4:  # 12 wrong tries from one address
        auth.sign_in(client, name, "9999" if name != "resident3" else "9998")
        set_values(app, User, User.username == name, failed_logins=0)
    assert auth.sign_in(client, "resident2").status_code == 303


@pytest.fixture
def flooded(database_url):
    """An app whose one address (every test client's) has reached its limit of wrong tries."""
    app = make_app(database_url, ADDRESS_FAILED_LOGIN_LIMIT=3)
    make_accounts(app)
    browser = app.test_client()
    for attempt in range(3):
        browser.post("/login/staff", data={"username": f"nobody{attempt}", "password": "x" * 12})
    yield app
    app.extensions["db_engine"].dispose()


def test_an_address_flooding_wrong_tries_is_refused_where_no_device_vouches_for_it(flooded):
    response = AuthActions(flooded).sign_in(flooded.test_client(), "advisor1")
    assert response.status_code == 422
    assert "Too many wrong tries from this place" in page_text(response)


def test_the_right_pin_on_a_paired_phone_gets_in_although_the_address_is_at_its_limit(flooded):
    auth, phone = AuthActions(flooded), flooded.test_client()
    wrong = auth.sign_in(phone, "resident1", "9999")
    assert wrong.status_code == 422 and "That PIN is not right" in page_text(wrong)
    assert auth.sign_in(phone, "resident1").status_code == 303


def test_the_right_pin_on_a_tablet_gets_in_although_the_address_is_at_its_limit(flooded):
    auth, tablet = AuthActions(flooded), flooded.test_client()
    register_tablet(flooded, tablet)
    wrong = auth.sign_in(tablet, "resident1", "9999")
    assert wrong.status_code == 422 and "The username or PIN is not right" in page_text(wrong)
    assert auth.sign_in(tablet, "resident1").status_code == 303


def test_staff_on_a_tablet_get_in_although_the_address_is_at_its_limit(flooded):
    auth, tablet = AuthActions(flooded), flooded.test_client()
    register_tablet(flooded, tablet)
    wrong = auth.sign_in(tablet, "advisor1", "not-the-password")
    assert wrong.status_code == 422 and "The username or password is not right" in page_text(wrong)
    assert auth.sign_in(tablet, "advisor1").status_code == 303


@pytest.mark.parametrize(
    ("failures", "wait"),
    [
        (4, None),
        (5, timedelta(seconds=1)),
        (6, timedelta(seconds=2)),
        (7, timedelta(seconds=4)),
        (14, timedelta(seconds=512)),
        (15, timedelta(minutes=15)),
        (1000, timedelta(minutes=15)),
    ],
)
def test_a_staff_account_waits_longer_after_each_wrong_try_up_to_15_minutes(failures, wait):
    assert staff_wait(failures) == wait


def test_wrong_staff_passwords_only_ever_slow_the_account_and_the_right_one_gets_in_after_the_wait(
    app, auth, client, accounts
):
    where = User.id == accounts.advisor1.id
    for failures in range(1, 25):
        assert auth.sign_in(client, "advisor1", "not-the-password").status_code == 422
        advisor = run(app, lambda s: s.get(User, accounts.advisor1.id))
        assert (advisor.failed_logins, advisor.unlock_by_staff) == (failures, False)
        wait = staff_wait(failures)
        if wait is None:
            assert advisor.locked_until is None
        else:
            assert wait - timedelta(seconds=2) < advisor.locked_until - utcnow() <= wait
        set_values(app, User, where, locked_until=utcnow() - timedelta(seconds=1))  # the wait has passed
    assert auth.sign_in(client, "advisor1").status_code == 303
    advisor = run(app, lambda s: s.get(User, accounts.advisor1.id))
    assert (advisor.failed_logins, advisor.locked_until, advisor.unlock_by_staff) == (0, None, False)
    assert [e for e in rows(app, AuditEvent) if e.action == "account_locked"] == []


def test_the_right_staff_password_waits_like_a_wrong_one_and_the_answer_does_not_say_so(app, auth, client, accounts):
    for _ in range(5):
        wrong = auth.sign_in(client, "advisor1", "not-the-password")
    set_values(app, User, User.id == accounts.advisor1.id, locked_until=utcnow() + timedelta(minutes=15))
    waiting = auth.sign_in(client, "advisor1")
    assert waiting.status_code == 422
    assert waiting.get_data() == wrong.get_data()
    assert "there have been many wrong tries" in page_text(waiting)
    set_values(app, User, User.id == accounts.advisor1.id, locked_until=utcnow() - timedelta(seconds=1))
    assert auth.sign_in(client, "advisor1").status_code == 303


def test_a_staff_account_locked_by_an_earlier_version_opens_with_the_right_password(app, auth, client, accounts):
    set_values(app, User, User.id == accounts.advisor1.id, unlock_by_staff=True, lock_count=4)
    assert auth.sign_in(client, "advisor1").status_code == 303
    assert run(app, lambda s: s.get(User, accounts.advisor1.id)).unlock_by_staff is False


def comparable(response, username: str) -> tuple[int, str]:
    """The page as a person sees it, with the name they typed and the session's CSRF token left out."""
    html = response.get_data(as_text=True).replace(f'value="{username}"', 'value="…"')
    return response.status_code, re.sub(r'(name="csrf_token" value|data-csrf)="[^"]*"', r'\1=""', html)


@pytest.mark.parametrize(("known", "form"), [("advisor1", "staff"), ("resident1", "tablet")])
def test_a_name_without_an_account_gets_the_same_page_as_one_with_after_any_number_of_wrong_tries(
    app, auth, accounts, known, form
):
    unknown = "nobody.here"
    answers = {}
    for name in (known, unknown):
        browser = app.test_client()
        if form == "tablet":
            register_tablet(app, browser)
        wrong = "not-the-password" if form == "staff" else "9999"
        pages = [comparable(auth.sign_in(browser, name, wrong, staff=form == "staff"), name) for _ in range(10)]
        answers[name] = [pages[n - 1] for n in (1, 5, 6, 10)]
    assert answers[known] == answers[unknown]
    assert all(status == 422 and "many wrong tries" in html for status, html in answers[known])


def test_a_name_without_an_account_runs_the_same_statements_and_checks_a_hash_of_the_same_cost(
    app, auth, accounts, monkeypatch
):
    from webapp import passwords
    from webapp.db import engine

    hashes, statements = [], []
    real_verify = passwords.verify_secret
    monkeypatch.setattr(
        passwords, "verify_secret", lambda stored, secret: hashes.append(stored) or real_verify(stored, secret)
    )

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement)

    def sign_in_as(name: str) -> list[str]:
        statements.clear()
        with app.app_context():
            event.listen(engine(), "before_cursor_execute", note)
            try:
                assert auth.sign_in(app.test_client(), name, "not-the-password", staff=True).status_code == 422
            finally:
                event.remove(engine(), "before_cursor_execute", note)
        return list(statements)

    known = sign_in_as("advisor1")
    assert any(statement.startswith("UPDATE users") for statement in known)
    assert known == sign_in_as("nobody.here")
    real, dummy = hashes
    assert real != dummy
    assert real.rsplit("$", 2)[0] == dummy.rsplit("$", 2)[0]  # argon2id with the same m, t and p


def test_sign_out_ends_the_session_on_the_server(auth):
    client = auth.client_for("resident1")
    cookie = client.get_cookie("session").value
    response = client.post("/logout")
    assert response.status_code == 303
    assert "cache" in response.headers["Clear-Site-Data"]
    copied = auth.app.test_client()
    copied.set_cookie("session", cookie)
    assert copied.get("/me/").status_code == 302


def test_signing_out_one_device_leaves_the_other(app, auth, accounts):
    phone = auth.client_for("resident1")
    tablet = auth.client_for("resident1")
    devices = rows(app, DeviceSession, DeviceSession.user_id == accounts.resident1.id)
    tablet_id = max(d.id for d in devices)
    assert phone.post(f"/account/devices/{tablet_id}/sign-out").status_code == 303
    assert tablet.get("/me/").status_code == 302
    assert phone.get("/me/").status_code == 200


def test_a_user_cannot_sign_out_someone_elses_device(app, auth, accounts):
    other = auth.client_for("resident2")
    mine = auth.client_for("resident1")
    (other_device,) = rows(app, DeviceSession, DeviceSession.user_id == accounts.resident2.id)
    other_id = other_device.id
    assert mine.post(f"/account/devices/{other_id}/sign-out").status_code == 404
    assert other.get("/me/").status_code == 200


def test_coordinator_signs_a_user_out_everywhere(auth, accounts):
    phone = auth.client_for("resident1")
    tablet = auth.client_for("resident1")
    coordinator = auth.client_for("coordinator")
    coordinator.post(f"/coordinator/accounts/{accounts.resident1.id}/sign-out-everywhere")
    assert phone.get("/me/").status_code == 302
    assert tablet.get("/me/").status_code == 302


def test_staff_session_ends_after_30_idle_minutes(app, auth, accounts):
    advisor = auth.client_for("advisor1")
    assert advisor.get("/advisor/").status_code == 200
    set_values(
        app, DeviceSession, DeviceSession.user_id == accounts.advisor1.id, last_seen_at=utcnow() - timedelta(minutes=31)
    )
    assert advisor.get("/advisor/").status_code == 302


def test_resident_session_survives_idle_days(app, auth, accounts):
    resident = auth.client_for("resident1")
    set_values(
        app, DeviceSession, DeviceSession.user_id == accounts.resident1.id, last_seen_at=utcnow() - timedelta(days=10)
    )
    assert resident.get("/me/").status_code == 200


@pytest.mark.parametrize(
    ("username", "lifetime"), [("resident1", timedelta(days=30)), ("advisor1", timedelta(hours=12))]
)
def test_session_lifetimes_are_set_per_role(app, auth, accounts, username, lifetime):
    auth.client_for(username)
    (record,) = rows(app, DeviceSession)
    assert abs((record.expires_at - record.created_at) - lifetime) < timedelta(seconds=1)


def test_expired_session_is_refused(app, auth, accounts):
    resident = auth.client_for("resident1")
    set_values(
        app, DeviceSession, DeviceSession.user_id == accounts.resident1.id, expires_at=utcnow() - timedelta(seconds=1)
    )
    assert resident.get("/me/").status_code == 302


def test_resident_cookie_lasts_staff_cookie_ends_with_browser(auth, client):
    resident = auth.sign_in(client, "resident1")
    assert "Expires=" in resident.headers["Set-Cookie"]
    assert "HttpOnly" in resident.headers["Set-Cookie"]
    assert "SameSite=Lax" in resident.headers["Set-Cookie"]
    staff = auth.sign_in(auth.app.test_client(), "advisor1")
    assert "Expires=" not in staff.headers["Set-Cookie"]


def test_htmx_request_without_session_gets_hx_redirect(client, accounts):
    response = client.get(f"/residents/{accounts.resident1.id}/updates?after=0", headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"].startswith("/login")


def test_sign_in_returns_to_the_page_asked_for_but_never_another_host(app, auth, client):
    pair_client(app, client, "resident1")
    client.get("/account")
    response = client.post("/login?next=/account", data={"pin": RESIDENT_PIN})
    assert response.headers["Location"] == "/account"
    other = auth.app.test_client()
    pair_client(app, other, "resident1")
    response = other.post("/login?next=//evil.example/x", data={"pin": RESIDENT_PIN})
    assert response.headers["Location"] == "/me/"


@pytest.mark.parametrize("pin", ["1234", "0000", "1111", "1212", "2580", "3456", "۱۲۳۴"])
def test_common_pins_are_refused_when_chosen(auth, pin):
    resident = auth.client_for("resident1")
    response = resident.post("/account/secret", data={"current": RESIDENT_PIN, "new": pin, "repeat": pin})
    assert response.status_code == 422
    assert "too easy to guess" in page_text(response)


def test_resident_changes_pin_and_signs_in_with_the_new_one(auth):
    resident = auth.client_for("resident1")
    response = resident.post("/account/secret", data={"current": RESIDENT_PIN, "new": "۵۹۰۳۷", "repeat": "59037"})
    assert response.status_code == 303
    assert auth.sign_in(auth.app.test_client(), "resident1", "59037").status_code == 303
    assert auth.sign_in(auth.app.test_client(), "resident1", RESIDENT_PIN).status_code == 422


def test_staff_password_must_be_12_characters(auth):
    from .factories import STAFF_PASSWORD

    advisor = auth.client_for("advisor1")
    response = advisor.post(
        "/account/secret", data={"current": STAFF_PASSWORD, "new": "short-pass", "repeat": "short-pass"}
    )
    assert response.status_code == 422
    assert "at least 12 characters" in page_text(response)


def test_refusal_reasons_keep_the_names_the_operators_log_and_metrics_use():
    # Alerts and dashboards read these from `signin.failed` and `sammen_sign_in_failures_total`.
    assert {reason.value for reason in Refusal} == {"invalid", "address", "locked", "staff_unlock", "busy", "waiting"}
