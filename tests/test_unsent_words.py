"""Words in the message box when the sign-in ends are kept on the server, and only ever go back to the
same person (issue 18). The page sends them itself when its poll finds the sign-in gone (app.js, checked in
browser_tests/test_session_end.py); without JavaScript, Send does."""

from __future__ import annotations

import re
from datetime import timedelta

from webapp.auth import device_sessions, pairing
from webapp.models import DeviceSession, Entry, StaffDraft, TrustedDevice, User, utcnow

from .conftest import AuthActions, make_app, page_text
from .factories import RESIDENT_PIN, STAFF_PASSWORD, make_accounts, register_tablet, rows, run, set_values

WORDS = "أريد أن أسأل عن الدورة يوم الثلاثاء"
REPLY = "Kære Fatima, jeg har talt med kommunen om kurset."
KEPT = "Here is what you were writing when you were signed out. It is not sent yet."


def ticket_of(page) -> str:
    return re.search(r'name="sign_in_ticket" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def csrf_of(page) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.get_data(as_text=True)).group(1)


def resident_page(accounts) -> str:
    return f"/residents/{accounts.resident1.id}"


def keep(client, accounts, ticket: str | None, body: str = WORDS, **extra):
    """What app.js sends when the poll answers 401 and the box has words."""
    data = {"body": body, **({"sign_in_ticket": ticket} if ticket is not None else {}), **extra}
    return client.post(f"{resident_page(accounts)}/unsent", data=data)


def drafts(app) -> list[tuple[int, int, str]]:
    return [(draft.user_id, draft.resident_id, draft.body) for draft in rows(app, StaffDraft)]


def sessions_of(app, user) -> list[DeviceSession]:
    return rows(app, DeviceSession, DeviceSession.user_id == user.id)


# --- The same person gets the words back -----------------------------------------------------------


def test_a_residents_words_are_kept_when_she_signs_out_in_another_tab_and_back_in_her_box_after_signing_in(
    app, auth, accounts
):
    phone = auth.client_for("resident1")
    ticket = ticket_of(phone.get("/me/"))
    phone.post("/logout")  # the other tab

    response = keep(phone, accounts, ticket)

    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/me/"
    assert drafts(app) == [(accounts.resident1.id, accounts.resident1.id, WORDS)]
    assert "What you wrote is kept: sign in again to send it." in page_text(phone.get(response.headers["Location"]))
    signed_in = phone.post(response.headers["Location"], data={"pin": RESIDENT_PIN})
    assert signed_in.headers["Location"] == "/me/"
    home = phone.get("/me/")
    assert WORDS in home.get_data(as_text=True) and KEPT in page_text(home)
    assert rows(app, Entry, Entry.body == WORDS) == []  # kept, not sent


def test_an_advisors_reply_is_kept_when_he_signs_out_in_another_tab_and_back_in_his_box_after_signing_in(
    app, auth, accounts
):
    desk = auth.client_for("advisor1")
    ticket = ticket_of(desk.get(f"/advisor/residents/{accounts.resident1.id}"))
    desk.post("/logout")

    response = keep(desk, accounts, ticket, body=REPLY)

    assert response.headers["Location"] == f"/login/staff?next=/advisor/residents/{accounts.resident1.id}"
    assert drafts(app) == [(accounts.advisor1.id, accounts.resident1.id, REPLY)]
    signed_in = desk.post(response.headers["Location"], data={"username": "advisor1", "password": STAFF_PASSWORD})
    page = desk.get(signed_in.headers["Location"])
    assert REPLY in page.get_data(as_text=True) and KEPT in page_text(page)


def test_a_resident_who_sends_the_kept_words_finds_the_box_empty_again(app, auth, accounts):
    phone = auth.client_for("resident1")
    ticket = ticket_of(phone.get("/me/"))
    phone.post("/logout")
    keep(phone, accounts, ticket)
    auth.sign_in(phone, "resident1")

    phone.post(
        f"{resident_page(accounts)}/entries", data={"body": WORDS, "idempotency_key": "d" * 32, "from_draft": "1"}
    )

    assert drafts(app) == []
    assert len(rows(app, Entry, Entry.body == WORDS)) == 1
    assert KEPT not in page_text(phone.get("/me/"))


def test_a_residents_lapsed_phone_sign_in_keeps_what_she_sends(app, auth, accounts):
    phone = auth.client_for("resident1")
    set_values(app, DeviceSession, DeviceSession.user_id == accounts.resident1.id, expires_at=utcnow())

    response = phone.post(f"{resident_page(accounts)}/entries", data={"body": WORDS, "idempotency_key": "e" * 32})

    assert response.headers["Location"] == "/login?next=/me/"
    assert drafts(app) == [(accounts.resident1.id, accounts.resident1.id, WORDS)]


# --- Nobody else gets them, and nobody else can put words in the box -------------------------------


def test_a_residents_kept_words_are_not_shown_to_her_advisor(app, auth, accounts):
    phone = auth.client_for("resident1")
    ticket = ticket_of(phone.get("/me/"))
    phone.post("/logout")
    keep(phone, accounts, ticket)

    page = auth.client_for("advisor1").get(f"/advisor/residents/{accounts.resident1.id}")

    assert WORDS not in page.get_data(as_text=True) and KEPT not in page_text(page)


def test_an_advisors_kept_reply_is_not_shown_to_the_resident_nor_to_the_next_advisor_on_that_computer(
    app, auth, accounts
):
    desk = auth.client_for("advisor1")
    ticket = ticket_of(desk.get(f"/advisor/residents/{accounts.resident1.id}"))
    desk.post("/logout")
    keep(desk, accounts, ticket, body=REPLY)
    set_values(app, User, User.id == accounts.resident1.id, advisor_id=accounts.advisor2.id)

    auth.sign_in(desk, "advisor2")
    next_advisor = desk.get(f"/advisor/residents/{accounts.resident1.id}")
    resident = auth.client_for("resident1").get("/me/")

    for page in (next_advisor, resident):
        assert REPLY not in page.get_data(as_text=True) and KEPT not in page_text(page)


def test_a_phone_removed_from_elsewhere_cannot_put_words_in_the_box(app, auth, accounts):
    lost = auth.client_for("resident1")
    ticket = ticket_of(lost.get("/me/"))
    phones = rows(app, TrustedDevice, TrustedDevice.resident_id == accounts.resident1.id)
    run(app, pairing.remove, devices=phones, actor=accounts.resident1, subject=accounts.resident1)

    response = keep(lost, accounts, ticket, body="Words of whoever holds the phone")

    assert response.headers["Location"].startswith("/login")
    assert drafts(app) == []


def test_a_sign_in_ended_from_the_account_page_of_another_device_cannot_put_words_in_the_box(app, auth, accounts):
    lost = auth.client_for("advisor1")
    ticket = ticket_of(lost.get(f"/advisor/residents/{accounts.resident1.id}"))
    (record,) = sessions_of(app, accounts.advisor1)
    run(app, device_sessions.end_device_session, user=accounts.advisor1, session_id=record.id)

    keep(lost, accounts, ticket, body="Words of whoever is at that computer")

    assert drafts(app) == []


def test_long_after_signing_out_nothing_is_kept(app, auth, accounts):
    phone = auth.client_for("resident1")
    ticket = ticket_of(phone.get("/me/"))
    phone.post("/logout")
    set_values(
        app,
        DeviceSession,
        DeviceSession.user_id == accounts.resident1.id,
        revoked_at=utcnow() - app.config["UNSENT_KEPT_AFTER_SIGN_OUT"] - timedelta(seconds=1),
    )

    keep(phone, accounts, ticket)

    assert drafts(app) == []


def test_a_made_up_ticket_or_one_of_another_timeline_keeps_nothing(app, auth, accounts):
    phone = auth.client_for("resident2")
    ticket = ticket_of(phone.get("/me/"))  # resident2's own timeline
    phone.post("/logout")
    stranger = app.test_client()

    for client, made_up in (
        (phone, ticket),
        (stranger, ticket),
        (stranger, ticket[:-2] + "xx"),
        (stranger, "WzEsIDJd.abc"),
        (stranger, None),
    ):
        keep(client, accounts, made_up, body="Planted words")  # on resident1's timeline

    assert drafts(app) == []


def test_a_forged_post_to_a_signed_in_person_keeps_nothing(database_url):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    accounts = make_accounts(app)
    browser = app.test_client()
    page = browser.get("/login/staff")
    browser.post("/login/staff", data={"username": "advisor1", "password": STAFF_PASSWORD, "csrf_token": csrf_of(page)})

    page = browser.get(f"/advisor/residents/{accounts.resident1.id}")

    # Another site makes the advisor's browser post: it knows neither the CSRF token nor the page's ticket.
    keep(browser, accounts, None, body="Planted words")
    keep(browser, accounts, "WzEsIDJd.abc", body="Planted words")
    browser.post(f"{resident_page(accounts)}/entries", data={"body": "Planted words", "idempotency_key": "f" * 32})

    assert drafts(app) == []
    assert rows(app, Entry, Entry.body == "Planted words") == []
    keep(browser, accounts, ticket_of(page), body=REPLY)  # the page itself
    assert drafts(app) == [(accounts.advisor1.id, accounts.resident1.id, REPLY)]
    app.extensions["db_engine"].dispose()


def test_signed_in_only_a_ticket_of_this_sign_in_keeps_words(app, auth, accounts):
    phone = auth.client_for("resident1")
    ticket = ticket_of(phone.get("/me/"))

    assert keep(phone, accounts, None).headers["Location"] == "/me/"
    assert drafts(app) == []
    keep(phone, accounts, ticket)
    assert drafts(app) == [(accounts.resident1.id, accounts.resident1.id, WORDS)]


def test_nothing_is_kept_on_the_community_house_tablet(app, accounts):
    tablet = app.test_client()
    register_tablet(app, tablet)
    AuthActions(app).sign_in(tablet, "resident1")
    ticket = ticket_of(tablet.get("/me/"))
    set_values(
        app,
        DeviceSession,
        DeviceSession.user_id == accounts.resident1.id,
        last_seen_at=utcnow() - timedelta(minutes=10),
    )  # the next person finds it signed out

    keep(tablet, accounts, ticket, body="Words of the next person at the tablet")

    assert drafts(app) == []


# --- Without JavaScript ------------------------------------------------------------------------------


def test_without_javascript_a_message_sent_after_signing_out_in_another_tab_is_kept(database_url):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    accounts = make_accounts(app)
    desk = app.test_client()
    desk.post(
        "/login/staff",
        data={"username": "advisor1", "password": STAFF_PASSWORD, "csrf_token": csrf_of(desk.get("/login/staff"))},
    )
    page = desk.get(f"/advisor/residents/{accounts.resident1.id}")
    desk.post("/logout", data={"csrf_token": csrf_of(page)})  # the other tab; the cookies go with it

    response = desk.post(
        f"{resident_page(accounts)}/entries",
        data={
            "body": REPLY,
            "idempotency_key": "a" * 32,
            "csrf_token": csrf_of(page),
            "sign_in_ticket": ticket_of(page),
        },
    )

    assert response.headers["Location"] == f"/login/staff?next=/advisor/residents/{accounts.resident1.id}"
    assert drafts(app) == [(accounts.advisor1.id, accounts.resident1.id, REPLY)]
    assert rows(app, Entry, Entry.body == REPLY) == []
    app.extensions["db_engine"].dispose()
