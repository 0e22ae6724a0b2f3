"""Pairing a phone with the card's QR link (auth/pairing.py), and where a resident's PIN works."""

from __future__ import annotations

from datetime import timedelta

import pytest

from webapp.auth import pairing
from webapp.models import AuditEvent, PairingLink, User, utcnow

from .conftest import make_app, page_text
from .factories import RESIDENT_PIN, pair_client, rows, run, set_values
from .signup_helpers import NEW_PIN, area, pair_url_from, sign_up  # noqa: F401 -- area is a fixture


def test_card_link_pairs_a_phone_once_and_the_phone_signs_in_with_the_pin_only(app, auth, accounts, area):
    card = sign_up(auth.client_for("volunteer1"), area, locale="fa_AF")
    url = pair_url_from(card)
    phone = app.test_client()
    opened = phone.get(url)
    assert opened.status_code == 200 and '<html lang="fa-AF" dir="rtl">' in opened.get_data(as_text=True)
    assert rows(app, PairingLink)[-1].used_at is None  # opening alone uses nothing
    paired = phone.post(url)
    assert paired.status_code == 303
    assert "HttpOnly" in paired.headers["Set-Cookie"] and "sammen_device=" in paired.headers["Set-Cookie"]
    assert 'name="username"' not in phone.get("/login").get_data(as_text=True)
    assert phone.post("/login", data={"pin": NEW_PIN}).headers["Location"] == "/me/"

    again = app.test_client().post(url)
    assert again.status_code == 404
    actions = [event.action for event in rows(app, AuditEvent)]
    assert {"pairing_link_made", "phone_paired", "pairing_failed", "resident_signed_up"} <= set(actions)


@pytest.mark.parametrize("spoil", ["expired", "used", "tampered", "unknown"])
def test_a_link_that_cannot_be_used_gets_one_friendly_answer(app, auth, accounts, spoil):
    token = run(app, pairing.make_link, resident=accounts.resident1, actor=accounts.advisor1, sets_pin=False)
    if spoil == "expired":
        set_values(app, PairingLink, True, expires_at=utcnow() - timedelta(seconds=1))
    if spoil == "used":
        set_values(app, PairingLink, True, used_at=utcnow())
    url = {"tampered": f"/pair/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}", "unknown": "/pair/nothing"}.get(
        spoil, f"/pair/{token}"
    )
    client = app.test_client()
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 404
        assert "This link does not work" in page_text(response)
        assert "ask in the community house" in page_text(response)
    assert client.get_cookie(app.config["DEVICE_COOKIE_NAME"]) is None


def test_bad_pairing_links_are_rate_limited(database_url):
    app = make_app(database_url, PAIRING_FAILURE_LIMIT=3)
    client = app.test_client()
    assert [client.get(f"/pair/look{n}").status_code for n in range(5)] == [404] * 5  # opening writes nothing
    statuses = [client.post(f"/pair/guess{n}").status_code for n in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
    assert "Too many tries" in page_text(client.get("/pair/guess"))
    app.extensions["db_engine"].dispose()


def test_the_right_username_and_pin_on_an_unpaired_browser_do_not_sign_in(app, accounts):
    client = app.test_client()
    page = page_text(client.get("/login"))
    assert "Ask for a QR code in the community house" in page
    response = client.post("/login", data={"username": "resident1", "pin": RESIDENT_PIN})
    assert response.status_code == 403
    assert client.get("/me/").status_code == 302
    assert run(app, lambda s: s.get(User, accounts.resident1.id)).failed_logins == 0
    assert not [e for e in rows(app, AuditEvent) if e.action.startswith("sign_in")]


def test_a_removed_phone_stops_at_once(app, auth, accounts):
    phone = auth.client_for("resident1")
    (paired,) = run(app, lambda s: pairing.phones_of(s, resident=accounts.resident1))
    account = page_text(phone.get("/account"))
    assert "This phone Android phone Last signed in" in account and "Paired" in account
    other = auth.client_for("resident1")  # a second phone removes the first
    assert other.post(f"/account/phones/{paired.id}/remove").status_code == 303
    assert phone.get("/me/").status_code == 302
    assert "Ask for a QR code" in page_text(phone.get("/login"))
    assert "device_removed" in [e.action for e in rows(app, AuditEvent)]


def test_staff_remove_all_of_a_residents_phones(app, auth, accounts):
    phone = auth.client_for("resident1")
    advisor = auth.client_for("advisor1")
    assert advisor.post(f"/volunteer/residents/{accounts.resident1.id}/phones/remove").status_code == 303
    assert phone.get("/me/").status_code == 302


def test_a_new_qr_with_a_new_pin_resets_a_forgotten_pin_and_opens_the_lock(app, auth, accounts):
    set_values(app, User, User.id == accounts.resident1.id, unlock_by_staff=True)
    advisor = auth.client_for("advisor1")
    card = advisor.post(f"/volunteer/residents/{accounts.resident1.id}/qr", data={"new_pin": "yes"})
    url = pair_url_from(card)
    phone = app.test_client()
    assert 'name="new"' in phone.get(url).get_data(as_text=True)
    assert phone.post(url, data={"new": "1111", "repeat": "1111"}).status_code == 422
    assert phone.post(url, data={"new": NEW_PIN, "repeat": NEW_PIN}).status_code == 303
    assert phone.post("/login", data={"pin": RESIDENT_PIN}).status_code == 422
    assert phone.post("/login", data={"pin": NEW_PIN}).status_code == 303
    assert "pin_reset" in [e.action for e in rows(app, AuditEvent)]


def test_not_you_forgets_the_phone(app, auth, accounts):
    phone = app.test_client()
    pair_client(app, phone, "resident1")
    assert "This phone is set up for" in page_text(phone.get("/login/not-you"))
    assert phone.post("/login/not-you").status_code == 303
    assert "Ask for a QR code" in page_text(phone.get("/login"))
