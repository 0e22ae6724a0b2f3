"""Sign-up by a helper on the tablet (signup/): the steps in the resident's language, the names and numbers it
takes, and who sees the new resident."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from webapp.models import AuditEvent, ConsentText, SignupDraft, User, utcnow
from webapp.signup import consent, usernames

from .conftest import make_app, page_text
from .factories import make_area, rows, run, set_values
from .signup_helpers import NEW_PIN, about, area, newest_resident, sign_up  # noqa: F401 -- area is a fixture


@pytest.mark.parametrize(
    ("locale", "tag", "direction", "word"),
    [
        ("da", "da", "ltr", "Brugernavn"),
        ("ar", "ar", "rtl", "اسم المستخدم"),
        ("fa_AF", "fa-AF", "rtl", "نام کاربری"),
        ("en", "en", "ltr", "Username"),
    ],
)
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


@pytest.mark.parametrize(
    ("typed", "stored"), [("+46 70 123 45 67", "+46701234567"), ("٢٠٤٨٣٩١٧", "+4520483917"), ("", None)]
)
def test_phone_numbers_are_danish_by_default_or_international(app, auth, accounts, area, typed, stored):
    sign_up(auth.client_for("volunteer1"), area, phone=typed)
    assert newest_resident(app).phone == stored


def test_the_helper_is_told_to_hand_over_in_their_own_language_and_the_pin_screen_speaks_to_the_resident(
    app, auth, accounts, area
):
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
    assert (
        advisor1.post(f"/advisor/residents/{resident.id}/take").headers["Location"]
        == f"/advisor/residents/{resident.id}"
    )
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

    statuses = at_once(
        lambda n: taps[n].post("/volunteer/new/pin", data={"new": NEW_PIN, "repeat": NEW_PIN}).status_code, 4
    )

    assert sorted(statuses) == [200, 303, 303, 303]
    assert len([u for u in rows(app, User) if u.display_name == "Hawa Rahimi"]) == 1
    assert [e.action for e in rows(app, AuditEvent)].count("resident_signed_up") == 1
