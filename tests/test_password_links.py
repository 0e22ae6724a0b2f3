"""A new staff member chooses their own password with a one-time link; the coordinator never knows it."""

from __future__ import annotations

import re
from datetime import timedelta

from webapp.auth import password_links
from webapp.models import AuditEvent, PasswordLink, User, utcnow

from .conftest import make_app, page_text
from .factories import STAFF_PASSWORD, make_accounts, make_staff_with_link, rows, set_values
from .test_lockout_parallel import at_once

NEW_STAFF = {"display_name": "Birgitte Lund", "username": "birgitte.lund", "role": "advisor", "locale": "en"}
CHOSEN = "her-own-long-password"


def link_in(response) -> str:
    """The password link's path, as the coordinator's page shows it."""
    return re.search(r'href="http://localhost(/password/[A-Za-z0-9_-]+)"', response.get_data(as_text=True)).group(1)


def choose(client, path: str, password: str = CHOSEN, repeat: str | None = None):
    return client.post(path, data={"new": password, "repeat": password if repeat is None else repeat})


def account(app, username: str = "birgitte.lund") -> User:
    return rows(app, User, User.username == username)[0]


def actions(app) -> list[str]:
    return [event.action for event in sorted(rows(app, AuditEvent), key=lambda event: event.id)]


def test_the_coordinators_form_asks_for_no_password(auth, accounts):
    html = auth.client_for("coordinator").get("/coordinator/staff/new").get_data(as_text=True)

    assert 'type="password"' not in html


def test_a_password_sent_with_the_form_is_ignored(app, auth, accounts):
    response = auth.client_for("coordinator").post(
        "/coordinator/staff/new", data={**NEW_STAFF, "password": "coordinators-choice", "repeat": "coordinators-choice"}
    )

    assert response.status_code == 200
    assert account(app).secret_hash == password_links.NO_PASSWORD
    assert auth.sign_in(app.test_client(), "birgitte.lund", "coordinators-choice", staff=True).status_code == 422


def test_the_coordinator_gets_the_link_and_its_qr_code(app, auth, accounts):
    response = auth.client_for("coordinator").post("/coordinator/staff/new", data=NEW_STAFF)

    text = page_text(response)
    assert "The account for Birgitte Lund is ready." in text
    assert "It works once, for 72 hours." in text
    assert 'src="data:image/svg+xml' in response.get_data(as_text=True)
    assert link_in(response).startswith("/password/")


def test_an_account_without_a_password_cannot_sign_in(app, auth, accounts):
    make_staff_with_link(app)

    for guess in ("", " ", "a-long-staff-password"):
        assert auth.sign_in(app.test_client(), "birgitte.lund", guess, staff=True).status_code == 422


def test_opening_the_link_asks_for_a_password_and_changes_nothing(app, auth, accounts):
    path = link_in(auth.client_for("coordinator").post("/coordinator/staff/new", data=NEW_STAFF))
    before = actions(app)
    browser = app.test_client()

    page = browser.get(path)
    head = browser.head(path)

    assert page.status_code == head.status_code == 200
    assert "Choose your password" in page_text(page) and "birgitte.lund" in page_text(page)
    assert actions(app) == before
    assert rows(app, PasswordLink)[0].used_at is None
    assert account(app).secret_hash == password_links.NO_PASSWORD


def test_the_link_sets_the_password_once(app, auth, accounts):
    path = link_in(auth.client_for("coordinator").post("/coordinator/staff/new", data=NEW_STAFF))
    browser = app.test_client()

    saved = choose(browser, path)
    again = choose(app.test_client(), path, "someone-elses-password")

    assert saved.status_code == 303 and saved.headers["Location"] == "/login/staff"
    assert again.status_code == 404 and "This link does not work" in page_text(again)
    assert app.test_client().get(path).status_code == 404
    assert auth.sign_in(app.test_client(), "birgitte.lund", "someone-elses-password", staff=True).status_code == 422
    assert auth.sign_in(app.test_client(), "birgitte.lund", CHOSEN, staff=True).headers["Location"] == "/advisor/"


def test_an_expired_link_is_refused(app, accounts):
    _user, token = make_staff_with_link(app)
    set_values(
        app,
        PasswordLink,
        PasswordLink.token_hash == password_links.token_hash(token),
        expires_at=utcnow() - timedelta(seconds=1),
    )
    browser = app.test_client()

    assert browser.get(f"/password/{token}").status_code == 404
    assert choose(browser, f"/password/{token}").status_code == 404
    assert account(app).secret_hash == password_links.NO_PASSWORD


def test_an_unknown_link_is_refused(client, accounts):
    response = client.get("/password/" + "x" * 43)

    assert response.status_code == 404
    assert "Please ask the coordinator for a new one." in page_text(response)


def test_the_password_has_twelve_characters_typed_twice_the_same(app, accounts):
    _user, token = make_staff_with_link(app)
    browser = app.test_client()

    short = choose(browser, f"/password/{token}", "too-short")
    different = choose(browser, f"/password/{token}", CHOSEN, "another-long-password")

    assert short.status_code == different.status_code == 422
    assert "A password has at least 12 characters." in page_text(short)
    assert "The two new passwords are not the same." in page_text(different)
    assert rows(app, PasswordLink)[0].used_at is None


def test_opening_the_link_while_someone_is_signed_in_is_refused(app, auth, accounts):
    _user, token = make_staff_with_link(app)
    advisor = auth.client_for("advisor1")

    opened = advisor.get(f"/password/{token}")
    sent = choose(advisor, f"/password/{token}")

    assert opened.status_code == sent.status_code == 409
    assert "Someone is signed in on this device" in page_text(opened)
    assert rows(app, PasswordLink)[0].used_at is None
    assert account(app).secret_hash == password_links.NO_PASSWORD


def test_making_and_using_the_link_are_in_the_audit_log(app, auth, accounts):
    path = link_in(auth.client_for("coordinator").post("/coordinator/staff/new", data=NEW_STAFF))
    choose(app.test_client(), path)

    new = account(app)
    events = {event.action: event for event in rows(app, AuditEvent, AuditEvent.subject_id == new.id)}
    assert events["password_link_made"].actor_id == accounts.coordinator.id
    assert events["password_set"].actor_id == new.id
    assert events["password_set"].detail["made_by"] == accounts.coordinator.id


def test_a_fresh_link_replaces_the_one_before(app, auth, accounts):
    user, old_token = make_staff_with_link(app)

    response = auth.client_for("coordinator").post(f"/coordinator/staff/{user.id}/password-link")

    assert response.status_code == 200
    path = link_in(response)
    assert app.test_client().get(f"/password/{old_token}").status_code == 404
    assert choose(app.test_client(), path).status_code == 303


def test_no_fresh_link_for_an_account_that_has_a_password(app, auth, accounts):
    response = auth.client_for("coordinator").post(
        f"/coordinator/staff/{accounts.advisor1.id}/password-link", follow_redirects=True
    )

    assert "A password link is only for an active staff account that has no password yet." in page_text(response)
    assert rows(app, PasswordLink) == []


def test_wrong_tries_before_the_password_leave_no_lock(app, auth, accounts):
    _user, token = make_staff_with_link(app)
    for _ in range(6):
        auth.sign_in(app.test_client(), "birgitte.lund", "a-guess-at-nothing", staff=True)
    assert account(app).locked_until is not None

    choose(app.test_client(), f"/password/{token}")

    assert auth.sign_in(app.test_client(), "birgitte.lund", CHOSEN, staff=True).status_code == 303


def test_two_taps_at_once_set_one_password(app, accounts):
    _user, token = make_staff_with_link(app)
    browsers = [app.test_client() for _ in range(4)]

    statuses = at_once(lambda n: choose(browsers[n], f"/password/{token}", f"password-number-{n}").status_code, 4)

    assert sorted(statuses) == [303, 404, 404, 404]
    assert actions(app).count("password_set") == 1


def test_the_link_is_built_from_the_public_url(database_url):
    app = make_app(database_url, PUBLIC_URL="https://sammen.example.dk")
    make_accounts(app)
    coordinator = app.test_client()
    coordinator.post(
        "/login/staff",
        data={"username": "coordinator", "password": STAFF_PASSWORD},
        base_url="http://sammen.example.dk",
    )

    response = coordinator.post("/coordinator/staff/new", data=NEW_STAFF, base_url="http://sammen.example.dk")

    assert re.search(r'href="https://sammen\.example\.dk/password/[A-Za-z0-9_-]+"', response.get_data(as_text=True))
    app.extensions["db_engine"].dispose()
