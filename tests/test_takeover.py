"""Only the resident signs in as the resident: a helper's QR code never hands them the account."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from webapp.auth import pairing
from webapp.models import AuditEvent, DeviceSession, Entry, PairingLink, TrustedDevice, User, utcnow

from .conftest import page_text
from .factories import RESIDENT_PIN, make_area, pair_client, register_tablet, rows, run, set_values
from .signup_helpers import NEW_PIN, newest_resident, pair_url_from, sign_up

TAKEN_PIN = "7391"


@pytest.fixture
def area(app, accounts) -> int:
    return make_area(app, advisor=accounts.advisor1)


def qr_url(resident_id: int) -> str:
    return f"/volunteer/residents/{resident_id}/qr"


def pin_links(app) -> list[PairingLink]:
    return rows(app, PairingLink, PairingLink.sets_pin.is_(True))


def test_a_volunteer_cannot_make_a_qr_code_that_sets_a_new_pin(app, auth, accounts, area):
    volunteer = auth.client_for("volunteer1")
    sign_up(volunteer, area)
    resident = newest_resident(app)
    card = volunteer.get(f"/volunteer/residents/{resident.id}/card")
    assert 'name="new_pin"' not in card.get_data(as_text=True)
    assert "their personal job advisor can make a QR code that sets a new one" in page_text(card)

    refused = volunteer.post(qr_url(resident.id), data={"new_pin": "yes"})

    assert refused.status_code == 403
    assert pin_links(app) == []


def test_a_volunteers_plain_qr_code_in_another_browser_does_not_open_the_account(app, auth, accounts, area):
    volunteer = auth.client_for("volunteer1")
    sign_up(volunteer, area)
    resident = newest_resident(app)
    resident_phone = app.test_client()
    resident_phone.post(pair_url_from(sign_up_card(volunteer, resident.id)))
    assert resident_phone.post("/login", data={"pin": NEW_PIN}).status_code == 303

    second_browser = app.test_client()
    url = pair_url_from(volunteer.post(qr_url(resident.id)))
    assert second_browser.post(url, data={"new": TAKEN_PIN, "repeat": TAKEN_PIN}).status_code == 303
    refused = second_browser.post("/login", data={"pin": TAKEN_PIN})

    assert refused.status_code == 422
    assert second_browser.get("/me/").status_code == 302
    assert resident_phone.get("/me/").status_code == 200  # the resident is not signed out


def sign_up_card(helper, resident_id: int):
    return helper.post(qr_url(resident_id))


def test_a_coordinator_makes_a_new_pin_code_only_for_a_resident_nobody_has_taken(app, auth, accounts, area):
    coordinator = auth.client_for("coordinator")
    assert coordinator.post(qr_url(accounts.resident1.id), data={"new_pin": "yes"}).status_code == 403
    assert 'name="new_pin"' not in coordinator.get(f"/volunteer/residents/{accounts.resident1.id}/card").get_data(
        as_text=True
    )
    set_values(app, User, User.id == accounts.resident1.id, advisor_id=None)

    made = coordinator.post(qr_url(accounts.resident1.id), data={"new_pin": "yes"})

    assert made.status_code == 200 and "This QR code also asks for a new PIN." in page_text(made)
    assert len(pin_links(app)) == 1


def test_another_advisor_cannot_make_a_new_pin_code(app, auth, accounts):
    other = auth.client_for("advisor2")
    assert other.post(qr_url(accounts.resident1.id), data={"new_pin": "yes"}).status_code == 404
    assert pin_links(app) == []


@pytest.mark.parametrize("helper", ["advisor1", "coordinator", "volunteer1"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_pairing_link_opened_in_a_staff_browser_is_refused_and_stays_unused(app, auth, accounts, helper, method):
    token = run(app, pairing.make_link, resident=accounts.resident1, actor=accounts.advisor1, sets_pin=True)
    browser = auth.client_for(helper)

    response = browser.open(f"/pair/{token}", method=method, data={"new": TAKEN_PIN, "repeat": TAKEN_PIN})

    assert response.status_code == 409
    assert "This QR code is for the resident's own phone" in page_text(response)
    assert "the QR code still works once on the resident's own phone" in page_text(response)
    assert rows(app, PairingLink)[0].used_at is None
    assert rows(app, TrustedDevice, TrustedDevice.resident_id == accounts.resident1.id) == []


def test_a_pairing_link_is_refused_in_a_browser_whose_staff_session_lapsed(app, auth, accounts):
    token = run(app, pairing.make_link, resident=accounts.resident1, actor=accounts.advisor1, sets_pin=True)
    browser = auth.client_for("advisor1")
    set_values(app, DeviceSession, True, expires_at=utcnow() - timedelta(seconds=1))

    response = browser.post(f"/pair/{token}", data={"new": TAKEN_PIN, "repeat": TAKEN_PIN})

    assert response.status_code == 409
    assert rows(app, PairingLink)[0].used_at is None


def test_a_pairing_link_opened_on_the_tablet_is_refused_and_stays_unused(app, auth, accounts):
    token = run(app, pairing.make_link, resident=accounts.resident1, actor=accounts.advisor1, sets_pin=True)
    tablet = app.test_client()
    register_tablet(app, tablet)

    for method in ("GET", "POST"):
        response = tablet.open(f"/pair/{token}", method=method, data={"new": TAKEN_PIN, "repeat": TAKEN_PIN})
        assert response.status_code == 409
        assert "Open this QR code on your own phone" in page_text(response)
    assert rows(app, PairingLink)[0].used_at is None


def test_opening_a_pairing_link_does_not_name_the_resident_until_the_tap(app, accounts):
    token = run(app, pairing.make_link, resident=accounts.resident3, actor=accounts.advisor2, sets_pin=False)
    phone = app.test_client()

    opened = phone.get(f"/pair/{token}")

    assert "Set up this phone for Sammen" in page_text(opened)
    assert "Grace" not in opened.get_data(as_text=True)
    signed_in_page = phone.post(f"/pair/{token}", follow_redirects=True)
    assert "Hello, Grace" in page_text(signed_in_page)


def words(response) -> str:
    """The page's text with a username read as it is shown, "(advisor1)", not split by its <bdi>."""
    return re.sub(r"\(\s*(\S+?)\s*\)", r"(\1)", page_text(response))


def advisor_resets_pin(app, auth, accounts):
    advisor = auth.client_for("advisor1")
    url = pair_url_from(advisor.post(qr_url(accounts.resident1.id), data={"new_pin": "yes"}))
    phone = app.test_client()
    assert phone.post(url, data={"new": NEW_PIN, "repeat": NEW_PIN}).status_code == 303
    return phone


def test_the_audit_names_the_helper_who_made_the_link_for_the_pairing_and_the_pin_reset(app, auth, accounts):
    advisor_resets_pin(app, auth, accounts)

    events = {event.action: event for event in rows(app, AuditEvent, AuditEvent.subject_id == accounts.resident1.id)}

    for action in ("phone_paired", "pin_reset"):
        assert events[action].actor_id == accounts.advisor1.id
    (phone,) = rows(app, TrustedDevice, TrustedDevice.resident_id == accounts.resident1.id)
    assert events["phone_paired"].detail["trusted_device"] == phone.id


def test_the_resident_sees_who_made_the_qr_code_on_the_account_page_and_in_the_timeline(app, auth, accounts):
    phone = advisor_resets_pin(app, auth, accounts)
    assert phone.post("/login", data={"pin": NEW_PIN}).status_code == 303

    account = words(phone.get("/account"))
    home = words(phone.get("/me/"))
    advisor_page = words(auth.client_for("advisor1").get(f"/advisor/residents/{accounts.resident1.id}"))

    assert "A new phone was set up with a QR code made by Mette (advisor1) on " in account
    assert "The PIN was changed too." in account
    said = "A new phone was set up, with a new PIN, with a QR code made by Mette (advisor1)."
    assert said in home and said in advisor_page


def test_the_residents_other_phone_hears_of_a_new_phone_at_its_next_poll(app, auth, accounts):
    old_phone = auth.client_for("resident1")
    newest = max(entry.id for entry in rows(app, Entry)) if rows(app, Entry) else 0
    token = run(app, pairing.make_link, resident=accounts.resident1, actor=accounts.volunteer1, sets_pin=False)
    app.test_client().post(f"/pair/{token}")

    poll = old_phone.get(f"/residents/{accounts.resident1.id}/updates?after={newest}", headers={"HX-Request": "true"})

    assert poll.status_code == 200
    assert "A new phone was set up with a QR code made by Amina (volunteer1)." in words(poll)


def test_a_volunteers_qr_code_dies_with_their_24_hour_window(app, auth, accounts, area):
    volunteer = auth.client_for("volunteer1")
    sign_up(volunteer, area)
    resident = newest_resident(app)
    signed_up = utcnow() - timedelta(hours=23, minutes=55)
    set_values(app, User, User.id == resident.id, created_at=signed_up)

    volunteer.post(qr_url(resident.id))

    link = max(rows(app, PairingLink), key=lambda link: link.id)
    assert link.expires_at <= signed_up + timedelta(hours=24)
    set_values(app, User, User.id == resident.id, created_at=utcnow() - timedelta(hours=24, seconds=1))
    assert volunteer.get(f"/volunteer/residents/{resident.id}/card").status_code == 404
    assert volunteer.post(qr_url(resident.id)).status_code == 404


def test_no_helper_gets_a_residents_session_by_any_link_they_may_make(app, auth, accounts, area):
    """The reproduction of the review: volunteer, coordinator and another advisor each try."""
    for helper in ("volunteer1", "coordinator", "advisor2"):
        client = auth.client_for(helper)
        for data in ({"new_pin": "yes"}, {}):
            made = client.post(qr_url(accounts.resident1.id), data=data)
            if made.status_code != 200:
                continue
            stranger = app.test_client()
            stranger.post(pair_url_from(made), data={"new": TAKEN_PIN, "repeat": TAKEN_PIN})
            stranger.post("/login", data={"pin": TAKEN_PIN})
            assert stranger.get("/me/").status_code == 302, (helper, data)
    resident_phone = app.test_client()
    pair_client(app, resident_phone, "resident1")
    assert resident_phone.post("/login", data={"pin": RESIDENT_PIN}).status_code == 303
