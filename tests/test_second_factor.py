"""Staff confirm a password sign-in with a code from an authenticator app (or a recovery code); until they
do, nothing but the second factor's pages is open to them."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from cryptography.fernet import InvalidToken
from flask import url_for

from webapp import config
from webapp.auth.second_factor import recovery, totp
from webapp.models import AuditEvent, DeviceSession, RecoveryCode, TotpSecret, User

from .conftest import page_text
from .factories import STAFF_PASSWORD, rows
from .second_factor_helpers import (  # noqa: F401  (fixtures)
    accounts,
    app,
    clock,
    half_signed_in,
    recovery_codes_in,
    set_up_app,
    signed_in_with_app,
)
from .test_access_matrix import ACCESS, ROUTES
from .test_lockout_parallel import at_once

WIDE_OPEN = {"auth.logout", "auth.still_here"}


def code_at(key: str, clock, steps: int = 0) -> str:
    return pyotp.TOTP(key).at(clock.now + timedelta(seconds=30 * steps))


def sign_in_again(app, key: str, code: str, username: str = "advisor1"):
    browser = half_signed_in(app, username)
    return browser, browser.post("/second-factor/", data={"code": code})


def test_production_asks_for_the_second_factor_unless_set_off():
    assert config._second_factor(None) is True
    assert config._second_factor("on") is True
    assert config._second_factor(" OFF ") is False
    with pytest.raises(SystemExit):
        config._second_factor("no")


def test_the_first_sign_in_asks_to_set_up_a_second_factor(app, accounts):
    browser = half_signed_in(app)

    page = browser.get("/second-factor/")

    assert page.status_code == 200
    assert "Protect your sign-in" in page_text(page)
    assert "A passkey on this device" in page_text(page) and "An app on your phone" in page_text(page)
    assert "A passkey needs JavaScript" in page_text(page)


def test_a_half_signed_in_advisor_reaches_nothing_but_the_second_factor(app, accounts):
    browser = half_signed_in(app)
    refused = []
    with app.test_request_context():
        for endpoint, method in ROUTES:
            if endpoint.startswith(("second_factor.", "health.")) or endpoint in WIDE_OPEN:
                continue
            rule = next(r for r in app.url_map.iter_rules(endpoint) if method in r.methods)
            values = {name: ("x" * 43 if name == "token" else accounts.resident1.id) for name in rule.arguments}
            refused.append((endpoint, method, ACCESS[endpoint], url_for(endpoint, **values)))
    assert {kind for *_, kind, _url in refused} >= {"resident_data", "advisor_of_resident", "export", "role:advisor"}

    for endpoint, method, _kind, url in refused:
        response = browser.open(url, method=method, data={})
        assert (response.status_code, response.headers.get("Location")) == (302, "/second-factor/"), (endpoint, method)


def test_an_htmx_request_of_a_half_sign_in_loads_the_second_factor_page_whole(app, accounts):
    browser = half_signed_in(app)

    polled = browser.get(f"/residents/{accounts.resident1.id}/updates", headers={"HX-Request": "true"})

    assert polled.status_code == 401 and polled.headers["HX-Redirect"] == "/second-factor/"


def test_the_app_is_set_up_with_a_qr_code_and_its_key_as_text(app, accounts):
    browser = half_signed_in(app)
    browser.post("/second-factor/app")

    page = browser.get("/second-factor/app")

    html = page.get_data(as_text=True)
    assert 'src="data:image/svg+xml' in html and "http" not in html.split('src="data:image/svg+xml', 1)[1][:10]
    assert "Scan this QR code with it. Or type in this key:" in page_text(page)
    assert 'autocomplete="one-time-code"' in html


def test_opening_the_app_page_changes_nothing(app, accounts):
    browser = half_signed_in(app)
    browser.post("/second-factor/app")
    before = rows(app, TotpSecret)[0].secret

    browser.get("/second-factor/app")
    browser.head("/second-factor/app")

    assert [row.secret for row in rows(app, TotpSecret)] == [before]


def test_setting_up_the_app_shows_ten_recovery_codes_once_and_opens_the_app(app, accounts, clock):
    browser = half_signed_in(app)

    _key, shown = set_up_app(app, browser, accounts.advisor1, at=clock.now)

    codes = recovery_codes_in(shown)
    assert shown.status_code == 200 and len(set(codes)) == recovery.COUNT
    assert "They are shown only now." in page_text(shown)
    assert browser.get("/advisor/").status_code == 200
    assert browser.get("/second-factor/").headers["Location"] == "/"
    assert len(rows(app, RecoveryCode)) == recovery.COUNT
    assert all(len(row.code_hash) == 64 for row in rows(app, RecoveryCode))
    assert [event.detail for event in rows(app, AuditEvent, AuditEvent.action == "second_factor_added")] == [
        {"factor": "totp"}
    ]


def test_a_wrong_code_at_setup_keeps_the_app_unconfirmed(app, accounts):
    browser = half_signed_in(app)
    browser.post("/second-factor/app")

    refused = browser.post("/second-factor/app/confirm", data={"code": "000000"})

    assert refused.status_code == 422
    assert "That code is not right." in page_text(refused)
    assert rows(app, TotpSecret)[0].confirmed_at is None
    assert browser.get("/advisor/").headers["Location"] == "/second-factor/"


def test_the_secret_is_kept_encrypted_with_a_key_from_the_pepper(app, accounts):
    _browser, key, _codes = signed_in_with_app(app, "advisor1", accounts.advisor1)

    stored = rows(app, TotpSecret)[0].secret
    assert key not in stored
    with app.app_context():
        assert totp._decrypt(stored) == key
        app.config["SECRET_PEPPER"] = "another-pepper"
        with pytest.raises(InvalidToken):
            totp._decrypt(stored)


def test_the_next_sign_in_asks_for_the_code_and_a_right_one_opens_the_caseload(app, accounts, clock):
    browser = half_signed_in(app)
    key, _shown = set_up_app(app, browser, accounts.advisor1, at=clock.now)
    clock.now += timedelta(minutes=5)

    again = half_signed_in(app)
    asked = again.get("/second-factor/")
    done = again.post("/second-factor/", data={"code": code_at(key, clock)})

    assert "Show that it is you" in page_text(asked) and "Use my passkey" not in page_text(asked)
    assert done.status_code == 303 and done.headers["Location"] == "/"
    assert again.get("/advisor/").status_code == 200


def test_the_page_asked_for_before_signing_in_opens_after_the_code(app, accounts, clock):
    key = set_up_app(app, half_signed_in(app), accounts.advisor1, at=clock.now)[0]
    clock.now += timedelta(minutes=5)
    browser = app.test_client()
    wanted = f"/advisor/residents/{accounts.resident1.id}"
    browser.post(f"/login/staff?next={wanted}", data={"username": "advisor1", "password": STAFF_PASSWORD})

    done = browser.post("/second-factor/", data={"code": code_at(key, clock)})

    assert done.headers["Location"] == wanted


def test_a_wrong_code_is_refused_next_to_the_field(app, accounts, clock):
    key = set_up_app(app, half_signed_in(app), accounts.advisor1, at=clock.now)[0]
    clock.now += timedelta(minutes=5)

    browser, refused = sign_in_again(app, key, "123456" if code_at(key, clock) != "123456" else "654321")

    assert refused.status_code == 422
    assert "That code is not right. Please try again." in page_text(refused)
    assert browser.get("/advisor/").headers["Location"] == "/second-factor/"


@pytest.mark.parametrize("steps", [-1, 1])
def test_a_code_one_step_early_or_late_is_accepted(app, accounts, clock, steps):
    key = set_up_app(app, half_signed_in(app), accounts.advisor1, at=clock.now)[0]
    clock.now += timedelta(minutes=5)

    _browser, done = sign_in_again(app, key, code_at(key, clock, steps))

    assert done.status_code == 303


@pytest.mark.parametrize("steps", [-2, 2])
def test_a_code_two_steps_away_is_refused(app, accounts, clock, steps):
    key = set_up_app(app, half_signed_in(app), accounts.advisor1, at=clock.now)[0]
    clock.now += timedelta(minutes=5)

    _browser, refused = sign_in_again(app, key, code_at(key, clock, steps))

    assert refused.status_code == 422


def test_a_code_used_once_is_refused_in_its_step_and_so_is_an_earlier_one(app, accounts, clock):
    key = set_up_app(app, half_signed_in(app), accounts.advisor1, at=clock.now)[0]
    clock.now += timedelta(minutes=5)
    _browser, used = sign_in_again(app, key, code_at(key, clock, 1))

    _again, reused = sign_in_again(app, key, code_at(key, clock, 1))
    _earlier, earlier = sign_in_again(app, key, code_at(key, clock))

    assert used.status_code == 303
    assert reused.status_code == earlier.status_code == 422


def test_the_setup_code_cannot_sign_in_again(app, accounts, clock):
    key = set_up_app(app, half_signed_in(app), accounts.advisor1, at=clock.now)[0]

    _browser, reused = sign_in_again(app, key, code_at(key, clock))

    assert reused.status_code == 422


def test_two_sign_ins_with_the_same_code_at_once_let_one_in(app, accounts, clock):
    key = set_up_app(app, half_signed_in(app), accounts.advisor1, at=clock.now)[0]
    clock.now += timedelta(minutes=5)
    browsers = [half_signed_in(app) for _ in range(4)]
    code = code_at(key, clock)

    statuses = at_once(lambda n: browsers[n].post("/second-factor/", data={"code": code}).status_code, 4)

    assert sorted(statuses) == [303, 422, 422, 422]


def test_a_recovery_code_signs_in_once(app, accounts):
    _browser, _key, codes = signed_in_with_app(app, "advisor1", accounts.advisor1)

    _first, used = sign_in_again(app, "", codes[3].upper().replace("-", " "))
    _second, again = sign_in_again(app, "", codes[3])

    assert used.status_code == 303
    assert again.status_code == 422
    assert len([row for row in rows(app, RecoveryCode) if row.used_at]) == 1


def test_wrong_codes_count_as_wrong_passwords_and_make_the_account_wait(app, accounts, clock):
    key = set_up_app(app, half_signed_in(app), accounts.advisor1, at=clock.now)[0]
    clock.now += timedelta(minutes=5)
    browser = half_signed_in(app)
    wrong = next(code for code in ("111111", "222222") if code != code_at(key, clock))

    for _ in range(5):
        assert browser.post("/second-factor/", data={"code": wrong}).status_code == 422
    right = browser.post("/second-factor/", data={"code": code_at(key, clock)})

    assert right.status_code == 422
    assert "There have been many wrong tries." in page_text(right)
    advisor = rows(app, User, User.id == accounts.advisor1.id)[0]
    assert advisor.failed_logins >= 5 and advisor.locked_until is not None
    failed = rows(app, AuditEvent, AuditEvent.action == "sign_in_failed", AuditEvent.subject_id == advisor.id)
    # Five wrong codes and the right one that came during the wait: each a refused try, as a wrong password is.
    assert sum(1 for event in failed if (event.detail or {}).get("factor") == "totp") == 6


def test_signing_in_again_with_the_password_does_not_clear_the_wrong_codes(app, accounts, clock):
    key = set_up_app(app, half_signed_in(app), accounts.advisor1, at=clock.now)[0]
    clock.now += timedelta(minutes=5)
    half_signed_in(app).post("/second-factor/", data={"code": "000000"})  # the password's try, and a wrong code

    browser = half_signed_in(app)

    assert rows(app, User, User.id == accounts.advisor1.id)[0].failed_logins == 3
    done = browser.post("/second-factor/", data={"code": code_at(key, clock)})
    assert done.status_code == 303
    assert rows(app, User, User.id == accounts.advisor1.id)[0].failed_logins == 0


def test_confirming_the_sign_in_gives_it_a_new_token(app, accounts, clock):
    browser = half_signed_in(app)
    half = rows(app, DeviceSession, DeviceSession.user_id == accounts.advisor1.id)[0]
    cookie_before = browser.get_cookie("session").value

    set_up_app(app, browser, accounts.advisor1, at=clock.now)

    sessions = {row.id: row for row in rows(app, DeviceSession, DeviceSession.user_id == accounts.advisor1.id)}
    assert sessions[half.id].revoked_at is not None and sessions[half.id].second_factor_at is None
    (full,) = [row for row in sessions.values() if row.id != half.id]
    assert full.revoked_at is None and full.second_factor_at is not None
    assert browser.get_cookie("session").value != cookie_before
    assert half.expires_at - half.created_at == timedelta(minutes=15)


def test_signing_out_is_open_to_a_half_sign_in(app, accounts):
    browser = half_signed_in(app)

    out = browser.post("/logout")

    assert out.status_code == 303
    assert browser.get("/second-factor/").headers["Location"].startswith("/login")


def test_residents_sign_in_without_a_second_factor(app, accounts, auth):
    phone = auth.client_for("resident1")

    assert phone.get("/me/").status_code == 200


def test_with_the_second_factor_off_staff_sign_in_with_the_password(database_url):
    from .conftest import make_app
    from .factories import make_accounts

    app = make_app(database_url)
    make_accounts(app)
    browser = app.test_client()

    signed_in = browser.post("/login/staff", data={"username": "advisor1", "password": STAFF_PASSWORD})

    assert signed_in.headers["Location"] == "/advisor/"
    assert browser.get("/second-factor/").headers["Location"] == "/"
    app.extensions["db_engine"].dispose()


def test_passkey_options_require_the_screen_lock_and_name_the_host(app, accounts):
    browser = half_signed_in(app)

    options = browser.post("/second-factor/passkey/options").get_json()

    assert options["rp"]["id"] == "localhost"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    session_row = rows(app, DeviceSession, DeviceSession.user_id == accounts.advisor1.id)[0]
    assert session_row.challenge == options["challenge"]


def test_a_forged_passkey_answer_is_refused_and_its_challenge_is_spent(app, accounts):
    browser = half_signed_in(app)
    browser.post("/second-factor/passkey/options")

    refused = browser.post(
        "/second-factor/passkey", data={"credential": '{"id": "AAAA", "response": {}}'}, follow_redirects=True
    )

    assert "The passkey could not be saved." in page_text(refused)
    assert rows(app, DeviceSession, DeviceSession.user_id == accounts.advisor1.id)[0].challenge is None
    assert browser.get("/advisor/").headers["Location"] == "/second-factor/"


def test_the_coordinator_needs_a_second_factor_too(app, accounts):
    browser = half_signed_in(app, "coordinator")

    assert browser.get("/coordinator/").headers["Location"] == "/second-factor/"


def test_a_sign_in_not_confirmed_with_a_second_factor_is_asked_at_the_next_page(app, accounts):
    """As every staff sign-in that exists when the migration adds the column."""
    from .factories import set_values

    browser, _key, _codes = signed_in_with_app(app, "advisor1", accounts.advisor1)
    assert browser.get("/advisor/").status_code == 200

    set_values(app, DeviceSession, DeviceSession.user_id == accounts.advisor1.id, second_factor_at=None)

    assert browser.get("/advisor/").headers["Location"] == "/second-factor/"
    assert "Show that it is you" in page_text(browser.get("/second-factor/"))


def test_the_demo_says_the_second_factor_is_off_and_production_keeps_it_on(database_url):
    from pathlib import Path

    from .conftest import make_app

    demo = make_app(database_url)  # off, as `make run` sets it
    loaded = demo.test_cli_runner().invoke(args=["demo", "load"])
    links = demo.test_cli_runner().invoke(args=["demo", "pair-links"])

    assert "The staff second factor is off (STAFF_SECOND_FACTOR=off), for this demo only" in loaded.output
    assert "Production keeps it on" in loaded.output
    assert links.exit_code == 0 and "/pair/" in links.output and "sammen.events" not in links.output
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    assert "run: export STAFF_SECOND_FACTOR := off" in makefile
    demo.extensions["db_engine"].dispose()


def test_a_demo_with_the_second_factor_on_says_staff_set_one_up(app):
    loaded = app.test_cli_runner().invoke(args=["demo", "load"])

    assert "Staff set up a second factor" in loaded.output


def test_the_second_factor_pages_have_unique_ids_and_labelled_fields(app, accounts):
    from collections import Counter

    from .test_html_validity import elements_of

    browser = half_signed_in(app)
    setup = browser.get("/second-factor/")
    browser.post("/second-factor/app")
    app_page = browser.get("/second-factor/app")
    _key, codes = set_up_app(app, half_signed_in(app, "advisor2"), accounts.advisor2)
    again = half_signed_in(app, "advisor2").get("/second-factor/")

    for page in (setup, app_page, codes, again):
        elements = elements_of(page)
        ids = Counter(attributes["id"] for _tag, attributes in elements if attributes.get("id"))
        assert [name for name, count in ids.items() if count > 1] == []
        labelled = {attributes["for"] for tag, attributes in elements if tag == "label"}
        assert labelled <= set(ids)


def test_the_second_factor_speaks_the_readers_language_right_to_left(app, accounts):
    from .factories import set_values

    set_values(app, User, User.id == accounts.advisor1.id, locale="ar")
    browser = half_signed_in(app)
    browser.post("/second-factor/app")

    html = browser.get("/second-factor/app").get_data(as_text=True)

    assert '<html lang="ar" dir="rtl">' in html
    assert '<code dir="ltr" class="secret-key">' in html and 'id="code"' in html


def test_passkeys_belong_to_the_public_urls_host(database_url):
    from .conftest import make_app
    from .factories import make_accounts

    app = make_app(database_url, STAFF_SECOND_FACTOR=True, PUBLIC_URL="https://sammen.example.dk")
    make_accounts(app)
    browser = app.test_client()
    browser.post(
        "/login/staff", data={"username": "advisor1", "password": STAFF_PASSWORD}, base_url="http://sammen.example.dk"
    )

    options = browser.post("/second-factor/passkey/options", base_url="http://sammen.example.dk").get_json()

    assert options["rp"]["id"] == "sammen.example.dk"
    app.extensions["db_engine"].dispose()
