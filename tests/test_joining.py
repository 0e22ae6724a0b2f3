"""Sign-up on the tablet, the sign-in card, pairing a phone, and where a resident's PIN works."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from webapp.auth import pairing
from webapp.models import AuditEvent, ConsentText, DeviceSession, PairingLink, SignupDraft, User, utcnow
from webapp.signup import consent, usernames

from .conftest import make_app, page_text
from .factories import RESIDENT_PIN, make_area, pair_client, register_tablet, rows, run, set_values

NEW_PIN = "5927"
PAIR_URL = re.compile(r'href="(http://localhost/pair/[^"]+)"')


@pytest.fixture
def area(app, accounts) -> int:
    """Skovparken, where advisor1 works; advisor2 has no area."""
    return make_area(app, advisor=accounts.advisor1)


def about(area: int, **changes) -> dict:
    return {"name": "Hawa Rahimi", "phone": "20 48 39 17", "area_id": str(area), "contact": "sms", **changes}


def sign_up(helper, area: int, locale: str = "en", **about_changes):
    """Every step as a volunteer and resident take them; returns the card page."""
    assert helper.post("/volunteer/new", data={"locale": locale}).status_code == 303
    assert helper.post("/volunteer/new/about", data=about(area, **about_changes)).status_code == 303
    assert helper.post("/volunteer/new/consent", data={"agree": "yes"}).status_code == 303
    return helper.post("/volunteer/new/pin", data={"new": NEW_PIN, "repeat": NEW_PIN})


def newest_resident(app) -> User:
    return max(rows(app, User, User.role == "resident"), key=lambda user: user.id)


@pytest.mark.parametrize(("locale", "tag", "direction", "word"), [
    ("da", "da", "ltr", "Brugernavn"), ("ar", "ar", "rtl", "اسم المستخدم"),
    ("fa_AF", "fa-AF", "rtl", "نام کاربری"), ("en", "en", "ltr", "Username")])
def test_volunteer_signs_up_a_resident_in_their_language(app, auth, accounts, area, locale, tag, direction, word):
    helper = auth.client_for("volunteer1")
    assert helper.post("/volunteer/new", data={"locale": locale}).status_code == 303
    page = helper.get("/volunteer/new/about")
    assert f'<html lang="{tag}" dir="{direction}">' in page.get_data(as_text=True)

    bad_phone = helper.post("/volunteer/new/about", data=about(area, phone="12345"))
    assert bad_phone.status_code == 422
    assert 'aria-invalid="true"' in bad_phone.get_data(as_text=True)
    assert 'value="Hawa Rahimi"' in bad_phone.get_data(as_text=True)

    switched = helper.post("/volunteer/new/about", data={**about(area, phone="12345"), "view": "da"})
    assert switched.status_code == 303
    in_danish = helper.get("/volunteer/new/about").get_data(as_text=True)
    assert '<html lang="da" dir="ltr">' in in_danish
    assert 'value="Hawa Rahimi"' in in_danish and 'value="12345"' in in_danish
    helper.post("/volunteer/new/about", data={**about(area), "view": locale})

    assert helper.post("/volunteer/new/about", data=about(area)).status_code == 303
    refused = helper.post("/volunteer/new/consent", data={})
    assert refused.status_code == 422
    assert 'role="alert"' in refused.get_data(as_text=True)
    assert not [u for u in rows(app, User) if u.display_name == "Hawa Rahimi"]
    assert helper.post("/volunteer/new/consent", data={"agree": "yes"}).status_code == 303

    pin_page = helper.get("/volunteer/new/pin").get_data(as_text=True)
    assert f'<html lang="{tag}"' in pin_page and 'class="top"' not in pin_page  # only the PIN on screen
    assert helper.post("/volunteer/new/pin", data={"new": "1234", "repeat": "1234"}).status_code == 422
    assert helper.post("/volunteer/new/pin", data={"new": NEW_PIN, "repeat": "5928"}).status_code == 422
    card = helper.post("/volunteer/new/pin", data={"new": NEW_PIN, "repeat": NEW_PIN})

    assert card.status_code == 200
    resident = newest_resident(app)
    html = card.get_data(as_text=True)
    assert resident.display_name == "Hawa Rahimi" and resident.locale == locale
    assert resident.phone == "+4520483917" and resident.contact_preference == "sms"
    assert resident.advisor_id is None and resident.housing_area_id == area
    assert resident.consent_version == consent.VERSION and resident.consented_at is not None
    assert resident.username in html and word in html
    assert 'src="data:image/svg+xml' in html
    assert NEW_PIN not in html
    if locale != "da":
        assert 'lang="da"' in html and "Din pinkode er hemmelig" in html  # Danish underneath
    (kept,) = rows(app, ConsentText, ConsentText.locale == locale)
    assert kept.version == consent.VERSION and kept.body


def test_usernames_are_easy_to_read_aloud():
    for _ in range(200):
        name = usernames.new_username()
        assert re.fullmatch(r"[a-z]{4}-[2-9]{3}", name)
        assert not set(name) & set("01ilo")


def test_two_sign_ups_drawing_the_same_username_get_different_ones(app, auth, accounts, area, monkeypatch):
    draws = iter(["bemu-472", "bemu-472", "kasa-353"])
    monkeypatch.setattr("webapp.signup.services.new_username", lambda: next(draws))
    sign_up(auth.client_for("volunteer1"), area)
    sign_up(auth.client_for("advisor1"), area)
    assert {u.username for u in rows(app, User, User.role == "resident")} >= {"bemu-472", "kasa-353"}


@pytest.mark.parametrize("name", ["Ha\u200bwa", "Hawa\u200e", "Ha\u2028wa", "\u202eawaH", "Hawa\u2060"])
def test_names_with_invisible_characters_are_refused(auth, accounts, area, name):
    helper = auth.client_for("volunteer1")
    helper.post("/volunteer/new", data={"locale": "en"})
    response = helper.post("/volunteer/new/about", data=about(area, name=name))
    assert response.status_code == 422
    assert "hidden" in page_text(response) or "invisible" in page_text(response)


def test_a_dari_name_with_a_zero_width_non_joiner_is_accepted(app, auth, accounts, area):
    sign_up(auth.client_for("volunteer1"), area, name="علی\u200cرضا")
    assert newest_resident(app).display_name == "علی\u200cرضا"


@pytest.mark.parametrize(("typed", "stored"), [("+46 70 123 45 67", "+46701234567"), ("٢٠٤٨٣٩١٧", "+4520483917"),
                                               ("", None)])
def test_phone_numbers_are_danish_by_default_or_international(app, auth, accounts, area, typed, stored):
    sign_up(auth.client_for("volunteer1"), area, phone=typed)
    assert newest_resident(app).phone == stored


def test_the_helper_is_told_to_hand_over_in_their_own_language_and_the_pin_screen_speaks_to_the_resident(
        app, auth, accounts, area):
    helper = auth.client_for("volunteer1")  # reads English
    helper.post("/volunteer/new", data={"locale": "ar"})
    helper.post("/volunteer/new/about", data=about(area))
    consent_page = helper.get("/volunteer/new/consent").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in consent_page
    note = re.search(r'<p class="notice" lang="en" dir="ltr">.*?</p>', consent_page, re.S)
    assert note and "give the tablet to the resident now" in note.group(0)

    helper = auth.client_for("volunteer1")
    helper.post("/volunteer/new", data={"locale": "en"})
    helper.post("/volunteer/new/about", data=about(area))
    helper.post("/volunteer/new/consent", data={"agree": "yes"})
    pin_page = page_text(helper.get("/volunteer/new/pin"))
    assert "Choose your PIN" in pin_page
    assert "Give the tablet" not in pin_page and "helper" not in pin_page.lower()


def test_sign_up_left_halfway_makes_no_account_and_keeps_nothing_in_the_browser(app, auth, accounts, area):
    helper = auth.client_for("volunteer1")
    helper.post("/volunteer/new", data={"locale": "en"})
    helper.post("/volunteer/new/about", data=about(area))
    assert "Hawa" not in str(helper.get_cookie("session").value)
    assert not [u for u in rows(app, User) if u.display_name == "Hawa Rahimi"]
    set_values(app, SignupDraft, True, expires_at=utcnow() - timedelta(seconds=1))
    response = helper.get("/volunteer/new/consent")
    assert response.status_code == 303 and response.headers["Location"] == "/volunteer/new"
    from webapp.signup.services import purge_expired
    assert run(app, purge_expired) == 1
    assert rows(app, SignupDraft) == []


def test_stopping_a_sign_up_deletes_the_draft(app, auth, accounts, area):
    helper = auth.client_for("volunteer1")
    helper.post("/volunteer/new", data={"locale": "ar"})
    helper.post("/volunteer/new/about", data=about(area))
    assert helper.post("/volunteer/new/cancel").status_code == 303
    assert rows(app, SignupDraft) == []


def test_sign_ups_are_rate_limited_with_a_clear_message(database_url):
    app = make_app(database_url, SIGNUP_LIMIT_PER_HOUR=1)
    from .conftest import AuthActions
    from .factories import make_accounts
    make_accounts(app)
    area_id = make_area(app)
    helper = AuthActions(app).client_for("volunteer1")
    assert sign_up(helper, area_id).status_code == 200
    limited = sign_up(helper, area_id)
    assert limited.status_code == 429
    assert "Please wait a while" in page_text(limited)
    app.extensions["db_engine"].dispose()


def test_new_resident_is_unassigned_for_the_coordinator_and_advisors_of_the_area(app, auth, accounts, area):
    sign_up(auth.client_for("volunteer1"), area)
    resident = newest_resident(app)
    coordinator = page_text(auth.client_for("coordinator").get("/coordinator/"))
    assert coordinator.index("Unassigned") < coordinator.index("Hawa Rahimi") < coordinator.index("Staff")
    advisor1 = auth.client_for("advisor1")
    assert "Hawa Rahimi" in page_text(advisor1.get("/advisor/"))
    assert "Hawa Rahimi" not in page_text(auth.client_for("advisor2").get("/advisor/"))
    assert auth.client_for("advisor2").post(f"/advisor/residents/{resident.id}/take").status_code == 404

    taken = advisor1.post(f"/advisor/residents/{resident.id}/take")
    assert taken.headers["Location"] == f"/advisor/residents/{resident.id}"
    page = page_text(advisor1.get(taken.headers["Location"]))
    assert "+45 20 48 39 17" in page and "Prefers: an SMS" in page
    # A second tap finds them taken by this advisor: their page again, not a "not found".
    assert advisor1.post(f"/advisor/residents/{resident.id}/take").headers["Location"] == f"/advisor/residents/{resident.id}"
    assert "Unassigned" not in page_text(auth.client_for("coordinator").get("/coordinator/"))


def test_volunteer_sees_only_names_of_their_own_sign_ups_from_the_last_day(app, auth, accounts, area):
    volunteer = auth.client_for("volunteer1")
    sign_up(volunteer, area)
    resident = newest_resident(app)
    home = page_text(volunteer.get("/volunteer/"))
    assert "Hawa Rahimi" in home and "Grace" not in home
    card = volunteer.get(f"/volunteer/residents/{resident.id}/card")
    assert card.status_code == 200
    assert "20 48" not in page_text(card) and "+4520483917" not in card.get_data(as_text=True)
    assert volunteer.get(f"/residents/{resident.id}/").status_code == 404
    assert volunteer.post(f"/volunteer/residents/{resident.id}/phones/remove").status_code == 404
    assert volunteer.get(f"/volunteer/residents/{accounts.resident1.id}/card").status_code == 404
    set_values(app, User, User.id == resident.id, created_at=utcnow() - timedelta(hours=25))
    assert volunteer.get(f"/volunteer/residents/{resident.id}/card").status_code == 404
    assert "Hawa Rahimi" not in page_text(volunteer.get("/volunteer/"))


# --- Pairing -----------------------------------------------------------------


def pair_url_from(card) -> str:
    return PAIR_URL.search(card.get_data(as_text=True)).group(1).replace("http://localhost", "")


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
    url = {"tampered": f"/pair/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}", "unknown": "/pair/nothing"}.get(spoil, f"/pair/{token}")
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


# --- The shared tablet ---------------------------------------------------------


def test_resident_on_the_tablet_is_signed_out_after_two_idle_minutes(app, auth, accounts):
    tablet = app.test_client()
    register_tablet(app, tablet)
    assert auth.sign_in(tablet, "resident1").status_code == 303
    home = tablet.get("/me/")
    assert 'data-idle-seconds="120"' in home.get_data(as_text=True) and "I'm done" in page_text(home)
    assert "Sign out" not in page_text(home)  # one way out on the tablet: "I'm done"
    assert home.headers["Cache-Control"] == "no-store"
    (record,) = rows(app, DeviceSession, DeviceSession.user_id == accounts.resident1.id)
    assert record.idle_seconds == 150  # the browser counts 120 s; the server allows 30 s for the last tap
    set_values(app, DeviceSession, True, last_seen_at=utcnow() - timedelta(seconds=151))
    assert tablet.get("/me/").status_code == 302


def test_the_readme_gives_the_tablets_countdown_and_sign_out_as_the_code_has_them(app):
    readme = " ".join((Path(__file__).resolve().parent.parent / "README.md").read_text().split())
    idle = app.config["TABLET_IDLE_TIMEOUT"].total_seconds()
    countdown_from = idle - app.config["TABLET_WARNING"].total_seconds()
    assert (idle, countdown_from) == (120, 90)
    assert ('after 90 seconds without a touch a countdown asks "Are you still here?", and the resident is '
            'signed out when 2 minutes have passed') in readme


def test_after_im_done_the_tablet_starts_clean_in_its_own_language(app, auth, accounts):
    tablet = app.test_client()
    register_tablet(app, tablet, locale="da")
    auth.sign_in(tablet, "resident1")
    done = tablet.post("/logout")
    assert done.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert done.headers["Location"] == "/login?lang=da"
    page = tablet.get(done.headers["Location"], follow_redirects=True)
    assert '<html lang="da"' in page.get_data(as_text=True)
    assert 'value="resident1"' not in page.get_data(as_text=True)
    assert tablet.get("/me/").status_code == 302


def test_the_tablet_offers_no_pairing(app, auth, accounts):
    token = run(app, pairing.make_link, resident=accounts.resident1, actor=accounts.advisor1, sets_pin=False)
    tablet = app.test_client()
    register_tablet(app, tablet)
    response = tablet.post(f"/pair/{token}")
    assert response.status_code == 409
    assert "Open this QR code on your own phone" in page_text(response)
    assert rows(app, PairingLink)[0].used_at is None


def test_coordinator_registers_and_removes_a_tablet(app, auth, accounts):
    coordinator = auth.client_for("coordinator")
    response = coordinator.post("/coordinator/tablets", data={"name": "Reception", "locale": "ar"})
    assert response.status_code == 303 and "sammen_device=" in response.headers["Set-Cookie"]
    assert "This device is a registered tablet" in page_text(coordinator.get("/coordinator/tablets"))
    coordinator.post("/logout")
    assert 'name="username"' in coordinator.get("/login").get_data(as_text=True)
    (tablet,) = run(app, pairing.tablets)
    auth.client_for("coordinator").post(f"/coordinator/tablets/{tablet.id}/remove")
    assert "Ask for a QR code" in page_text(coordinator.get("/login"))


# --- Changing the PIN, and the audit log ------------------------------------------


def test_changing_the_pin_signs_out_every_other_device(auth, accounts):
    first = auth.client_for("resident1")
    second = auth.client_for("resident1")
    assert first.post("/account/secret", data={"current": RESIDENT_PIN, "new": NEW_PIN, "repeat": NEW_PIN}).status_code == 303
    assert first.get("/me/").status_code == 200
    assert second.get("/me/").status_code == 302


def test_wrong_current_pins_count_towards_the_lock_and_are_logged(app, auth, accounts):
    resident = auth.client_for("resident1")
    for _ in range(5):
        response = resident.post("/account/secret", data={"current": "9999", "new": NEW_PIN, "repeat": NEW_PIN})
        assert response.status_code == 422
    assert "Too many wrong tries" in page_text(response)
    right = resident.post("/account/secret", data={"current": RESIDENT_PIN, "new": NEW_PIN, "repeat": NEW_PIN})
    assert right.status_code == 422
    assert [e.action for e in rows(app, AuditEvent)].count("secret_check_failed") == 5


def test_coordinator_reads_the_audit_log_by_person_newest_first(app, auth, accounts, area):
    sign_up(auth.client_for("volunteer1"), area)
    resident = newest_resident(app)
    coordinator = auth.client_for("coordinator")
    page = page_text(coordinator.get(f"/coordinator/audit?person={resident.username}"))
    assert page.index("QR code made") < page.index("Resident signed up")
    assert "Amina" in page and "Hawa Rahimi" in page and "Signed in" not in page
    assert "There is no account" in page_text(coordinator.get("/coordinator/audit?person=nobody"))


def test_audit_log_is_paged(app, auth, accounts):
    from webapp import audit

    def many(session):
        for n in range(120):
            audit.record(session, "sign_in", actor=accounts.resident1, subject=accounts.resident1)
        session.commit()

    run(app, many)
    coordinator = auth.client_for("coordinator")
    first = coordinator.get("/coordinator/audit?person=resident1").get_data(as_text=True)
    older = re.search(r'href="(/coordinator/audit\?[^"]+before=\d+)"', first).group(1).replace("&amp;", "&")
    second = coordinator.get(older).get_data(as_text=True)
    assert first.count("<tr>") == 51 and second.count("<tr>") == 51


def test_a_double_tap_on_the_last_step_makes_exactly_one_account(app, auth, accounts, area):
    from .test_lockout_parallel import at_once

    helper = auth.client_for("volunteer1")
    helper.post("/volunteer/new", data={"locale": "ar"})
    helper.post("/volunteer/new/about", data=about(area))
    helper.post("/volunteer/new/consent", data={"agree": "yes"})
    cookie = helper.get_cookie("session").value
    taps = [app.test_client() for _ in range(4)]
    for tap in taps:
        tap.set_cookie("session", cookie)

    statuses = at_once(lambda n: taps[n].post("/volunteer/new/pin", data={"new": NEW_PIN, "repeat": NEW_PIN}).status_code, 4)

    assert sorted(statuses) == [200, 303, 303, 303]
    assert len([u for u in rows(app, User) if u.display_name == "Hawa Rahimi"]) == 1
    assert [e.action for e in rows(app, AuditEvent)].count("resident_signed_up") == 1


def test_two_advisors_taking_the_same_resident_at_once_leave_one_advisor(app, auth, accounts, area):
    from .test_lockout_parallel import at_once

    sign_up(auth.client_for("volunteer1"), area)
    resident = newest_resident(app)
    set_values(app, User, User.id == accounts.advisor2.id, housing_area_id=area)
    advisors = [auth.client_for("advisor1"), auth.client_for("advisor2")]

    statuses = at_once(lambda n: advisors[n].post(f"/advisor/residents/{resident.id}/take").headers["Location"], 2)

    taken = run(app, lambda s: s.get(User, resident.id))
    assert taken.advisor_id in (accounts.advisor1.id, accounts.advisor2.id)
    assert sorted(statuses) == sorted(["/advisor/", f"/advisor/residents/{resident.id}"])
    assert [e.action for e in rows(app, AuditEvent)].count("advisor_assigned") == 1


def test_an_advisor_who_taps_take_after_another_took_them_is_told_so_not_shown_a_404(app, auth, accounts, area):
    sign_up(auth.client_for("volunteer1"), area)
    resident = newest_resident(app)
    set_values(app, User, User.id == accounts.advisor2.id, housing_area_id=area)
    first, late = auth.client_for("advisor1"), auth.client_for("advisor2")
    assert first.post(f"/advisor/residents/{resident.id}/take").headers["Location"] == f"/advisor/residents/{resident.id}"

    response = late.post(f"/advisor/residents/{resident.id}/take", follow_redirects=True)
    assert response.status_code == 200
    assert f"Someone else took {resident.display_name} a moment ago." in page_text(response)
    again = first.post(f"/advisor/residents/{resident.id}/take")  # a second tap by the one who took them
    assert again.headers["Location"] == f"/advisor/residents/{resident.id}"
    assert [e.action for e in rows(app, AuditEvent)].count("advisor_assigned") == 1


def test_coordinator_sets_an_advisors_area_and_a_repeat_changes_nothing(app, auth, accounts):
    area_id = make_area(app, "Nørremarken")
    coordinator = auth.client_for("coordinator")
    field = f"user-{accounts.advisor2.id}-area_id"
    for _ in range(2):
        assert coordinator.post(f"/coordinator/staff/{accounts.advisor2.id}/area", data={field: str(area_id)}).status_code == 303
    assert run(app, lambda s: s.get(User, accounts.advisor2.id)).housing_area_id == area_id
    assert [e.action for e in rows(app, AuditEvent)].count("area_assigned") == 1
    coordinator.post(f"/coordinator/staff/{accounts.advisor2.id}/area", data={field: "0"})
    assert run(app, lambda s: s.get(User, accounts.advisor2.id)).housing_area_id is None


def test_coordinator_page_keeps_a_plain_title_and_lists_the_areas(auth, accounts, area):
    html = auth.client_for("coordinator").get("/coordinator/").get_data(as_text=True)
    assert "<title>Accounts and advisors · Sammen</title>" in html
    assert html.count('id="areas-title"') == 1 and "Skovparken" in html
