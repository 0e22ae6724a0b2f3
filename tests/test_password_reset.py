"""A staff member who forgot their password or lost their second factor gets a one-time reset link from the
coordinator (or from `flask users reset-password` on the server): 30 minutes, once, and it clears the factor."""

from __future__ import annotations

import re
from datetime import timedelta

from webapp.auth import password_links
from webapp.models import AuditEvent, DeviceSession, PasswordLink, RecoveryCode, TotpSecret, User, utcnow

from .conftest import page_text
from .factories import STAFF_PASSWORD, rows, set_values
from .second_factor_helpers import (  # noqa: F401  (fixtures)
    accounts,
    app,
    half_signed_in,
    signed_in_with_app,
)
from .test_password_links import choose

NEW_PASSWORD = "a-brand-new-password"


def link_in(response) -> str:
    return re.search(r'href="http://localhost(/password/[A-Za-z0-9_-]+)"', response.get_data(as_text=True)).group(1)


def coordinator(app, accounts):
    return signed_in_with_app(app, "coordinator", accounts.coordinator)[0]


def reset_link(app, accounts, user: User, browser=None) -> str:
    browser = browser or coordinator(app, accounts)
    return link_in(browser.post(f"/coordinator/staff/{user.id}/reset-link"))


def test_the_coordinator_offers_a_reset_to_staff_who_have_a_password(app, accounts):
    overview = coordinator(app, accounts).get("/coordinator/").get_data(as_text=True)

    assert f'/coordinator/staff/{accounts.advisor1.id}/reset-link"' in overview
    assert f'/coordinator/staff/{accounts.resident1.id}/reset-link"' not in overview


def test_the_reset_link_works_once_for_thirty_minutes(app, accounts):
    response = coordinator(app, accounts).post(f"/coordinator/staff/{accounts.advisor1.id}/reset-link")

    assert response.status_code == 200
    assert "It works once, for 30 minutes." in page_text(response)
    assert "their second factor is removed" in page_text(response)
    (link,) = rows(app, PasswordLink, PasswordLink.user_id == accounts.advisor1.id)
    assert link.resets and link.expires_at - link.created_at == timedelta(minutes=30)
    assert link.token_hash == password_links.token_hash(link_in(response).removeprefix("/password/"))


def test_opening_the_reset_link_asks_for_a_new_password_and_changes_nothing(app, accounts):
    path = reset_link(app, accounts, accounts.advisor1)

    page = app.test_client().get(path)

    assert page.status_code == 200
    assert "Choose a new password, Mette ." in page_text(page)  # the name in its own <bdi>
    assert rows(app, PasswordLink, PasswordLink.user_id == accounts.advisor1.id)[0].used_at is None


def test_the_reset_replaces_the_password_clears_the_factor_and_ends_every_sign_in(app, accounts):
    advisor, _key, _codes = signed_in_with_app(app, "advisor1", accounts.advisor1)
    path = reset_link(app, accounts, accounts.advisor1)

    saved = choose(app.test_client(), path, NEW_PASSWORD)

    assert saved.status_code == 303 and saved.headers["Location"] == "/login/staff"
    assert advisor.get("/advisor/").headers["Location"].startswith("/login")
    assert all(row.revoked_at for row in rows(app, DeviceSession, DeviceSession.user_id == accounts.advisor1.id))
    assert rows(app, TotpSecret, TotpSecret.user_id == accounts.advisor1.id) == []
    assert rows(app, RecoveryCode, RecoveryCode.user_id == accounts.advisor1.id) == []
    old = app.test_client().post("/login/staff", data={"username": "advisor1", "password": STAFF_PASSWORD})
    assert old.status_code == 422
    browser = app.test_client()
    new = browser.post("/login/staff", data={"username": "advisor1", "password": NEW_PASSWORD})
    assert new.headers["Location"] == "/second-factor/"
    assert "Protect your sign-in" in page_text(browser.get("/second-factor/"))


def test_the_reset_link_is_used_once(app, accounts):
    path = reset_link(app, accounts, accounts.advisor1)

    first = choose(app.test_client(), path, NEW_PASSWORD)
    second = choose(app.test_client(), path, "someone-elses-password")

    assert first.status_code == 303 and second.status_code == 404
    assert app.test_client().get(path).status_code == 404


def test_an_expired_reset_link_is_refused(app, accounts):
    path = reset_link(app, accounts, accounts.advisor1)
    set_values(
        app, PasswordLink, PasswordLink.user_id == accounts.advisor1.id, expires_at=utcnow() - timedelta(seconds=1)
    )

    assert app.test_client().get(path).status_code == 404
    assert choose(app.test_client(), path, NEW_PASSWORD).status_code == 404
    assert (
        app.test_client().post("/login/staff", data={"username": "advisor1", "password": STAFF_PASSWORD}).status_code
        == 303
    )


def test_making_and_using_the_reset_link_are_in_the_audit_log(app, accounts):
    signed_in_with_app(app, "advisor1", accounts.advisor1)
    path = reset_link(app, accounts, accounts.advisor1)
    choose(app.test_client(), path, NEW_PASSWORD)

    events = {event.action: event for event in rows(app, AuditEvent, AuditEvent.subject_id == accounts.advisor1.id)}
    assert events["password_reset_link_made"].actor_id == accounts.coordinator.id
    assert events["password_reset"].actor_id == accounts.advisor1.id
    assert events["password_reset"].detail["made_by"] == accounts.coordinator.id
    assert events["password_reset"].detail["signed_out_devices"] == 1
    assert events["second_factor_cleared"].detail == {"made_by": accounts.coordinator.id, "removed": 1}


def test_a_new_reset_link_replaces_the_one_before(app, accounts):
    browser = coordinator(app, accounts)
    first = reset_link(app, accounts, accounts.advisor1, browser)
    second = reset_link(app, accounts, accounts.advisor1, browser)

    assert app.test_client().get(first).status_code == 404
    assert choose(app.test_client(), second, NEW_PASSWORD).status_code == 303


def test_no_reset_link_for_a_resident_or_a_deactivated_account(app, accounts):
    set_values(app, User, User.id == accounts.advisor2.id, active=False)
    browser = coordinator(app, accounts)

    assert browser.post(f"/coordinator/staff/{accounts.resident1.id}/reset-link").status_code == 404
    assert browser.post(f"/coordinator/staff/{accounts.advisor2.id}/reset-link").status_code == 404
    assert rows(app, PasswordLink) == []


def test_the_cli_prints_a_reset_link_on_the_public_url(app, accounts):
    app.config["PUBLIC_URL"] = "https://sammen.example.dk"

    result = app.test_cli_runner().invoke(args=["users", "reset-password", "coordinator"])

    assert result.exit_code == 0, result.output
    assert "once, for 30 minutes" in result.output
    token = re.search(r"https://sammen\.example\.dk/password/([A-Za-z0-9_-]+)", result.output).group(1)
    (link,) = rows(app, PasswordLink, PasswordLink.user_id == accounts.coordinator.id)
    assert link.resets and link.created_by_id is None and link.token_hash == password_links.token_hash(token)
    made = rows(app, AuditEvent, AuditEvent.action == "password_reset_link_made")
    assert [(event.actor_id, event.subject_id, event.detail) for event in made] == [
        (None, accounts.coordinator.id, {"on_server": True})
    ]


def test_the_cli_link_resets_the_coordinators_password(app, accounts):
    result = app.test_cli_runner().invoke(
        args=["users", "reset-password", "coordinator", "--base-url", "http://localhost"]
    )
    path = re.search(r"http://localhost(/password/[A-Za-z0-9_-]+)", result.output).group(1)

    assert choose(app.test_client(), path, NEW_PASSWORD).status_code == 303
    assert (
        app.test_client()
        .post("/login/staff", data={"username": "coordinator", "password": NEW_PASSWORD})
        .headers["Location"]
        == "/second-factor/"
    )
    assert rows(app, AuditEvent, AuditEvent.action == "password_reset")[0].detail["made_by"] is None


def test_the_cli_refuses_a_resident_or_an_unknown_name(app, accounts):
    for username in ("resident1", "nobody"):
        result = app.test_cli_runner().invoke(args=["users", "reset-password", username])
        assert result.exit_code != 0 and f"no active staff account {username}" in result.output
    assert rows(app, PasswordLink) == []


def test_the_readme_says_what_the_staff_sign_in_does():
    from pathlib import Path

    from webapp.auth.second_factor import recovery
    from webapp.auth.services import FAILURES_BEFORE_WAIT

    text = " ".join((Path(__file__).resolve().parent.parent / "README.md").read_text().split())
    section = text[text.index("**Staff sign-in.**") : text.index("### Keeping nothing longer than promised")]
    minutes = int(password_links.RESET_LIFETIME.total_seconds() // 60)
    for said in (
        f"they see {recovery.COUNT} recovery codes",
        f"It works once, for {minutes} minutes",
        f"after {FAILURES_BEFORE_WAIT} in a row",
        "`flask --app webapp users reset-password USERNAME`",
        "`STAFF_SECOND_FACTOR=off`",
        "production leaves it unset, which is on",
    ):
        assert said in section, said


def test_the_coordinators_audit_log_names_the_reset_and_the_second_factor(app, accounts):
    browser = coordinator(app, accounts)
    signed_in_with_app(app, "advisor1", accounts.advisor1)
    half_signed_in(app).post("/second-factor/", data={"code": "000000"})
    choose(app.test_client(), reset_link(app, accounts, accounts.advisor1, browser), NEW_PASSWORD)

    text = page_text(browser.get("/coordinator/audit"))

    for said in (
        "Second factor set up",
        "Wrong code or passkey",
        "Password reset link made",
        "New password chosen with a reset link",
        "Second factor removed",
    ):
        assert said in text, said


def test_the_page_of_a_spent_link_names_the_lifetimes_the_links_really_have(app, accounts):
    path = reset_link(app, accounts, accounts.advisor1)
    set_values(
        app, PasswordLink, PasswordLink.user_id == accounts.advisor1.id, expires_at=utcnow() - timedelta(seconds=1)
    )
    said = page_text(app.test_client().get(path, headers={"Accept-Language": "en"}))
    days = password_links.LIFETIME / timedelta(days=1)
    minutes = password_links.RESET_LIFETIME / timedelta(minutes=1)
    assert f"{days:g} days for a new account, {minutes:g} minutes to reset a password" in said
