"""The consent at sign-up is kept with the language and version the resident read, and only that makes an account."""

from __future__ import annotations

import pytest

from webapp.models import Consent, ConsentText, SignupDraft, User
from webapp.signup import consent

from .conftest import page_text
from .factories import make_area, rows
from .signup_helpers import NEW_PIN, about, newest_resident

NOT_AGREED = "Before you choose a PIN, please read this text and tap “I agree”."
PIN = {"new": NEW_PIN, "repeat": NEW_PIN}


@pytest.fixture
def area(app, accounts) -> int:
    return make_area(app, advisor=accounts.advisor1)


@pytest.fixture
def helper(auth, accounts):
    return auth.client_for("volunteer1")


def agree_in(helper, area: int, locale: str) -> None:
    assert helper.post("/volunteer/new", data={"locale": locale}).status_code == 303
    assert helper.post("/volunteer/new/about", data=about(area)).status_code == 303
    assert helper.post("/volunteer/new/consent", data=shown(helper)).status_code == 303


def shown(helper) -> dict:
    """The consent form as the screen has it: "I agree", and which text in which language it showed."""
    html = helper.get("/volunteer/new/consent").get_data(as_text=True)
    fields = {
        name: html.split(f'name="{name}" value="', 1)[1].split('"', 1)[0]
        for name in ("shown_version", "shown_locale")
        if f'name="{name}"' in html
    }
    return {"agree": "yes", **fields}


def residents_named(app, name: str = "Hawa Rahimi") -> list[User]:
    return [user for user in rows(app, User) if user.display_name == name]


def test_consent_given_in_arabic_makes_no_account_after_the_language_changes(app, helper, area):
    agree_in(helper, area, "ar")
    assert helper.post("/volunteer/new", data={"locale": "en"}).status_code == 303

    refused = helper.post("/volunteer/new/pin", data=PIN)

    assert refused.status_code == 303 and refused.headers["Location"] == "/volunteer/new/consent"
    assert residents_named(app) == []
    back = helper.get("/volunteer/new/consent")
    assert '<html lang="en" dir="ltr">' in back.get_data(as_text=True)
    assert NOT_AGREED in page_text(back)
    assert 'value="Hawa Rahimi"' in helper.get("/volunteer/new/about").get_data(as_text=True)  # nothing typed lost


def test_a_change_of_language_clears_the_consent_and_the_pin_screen_sends_back(app, helper, area):
    agree_in(helper, area, "ar")
    helper.post("/volunteer/new", data={"locale": "fa_AF"})

    (draft,) = rows(app, SignupDraft)
    assert "consent" not in draft.data or draft.data["consent"] is None
    pin_page = helper.get("/volunteer/new/pin")
    assert pin_page.status_code == 303 and pin_page.headers["Location"] == "/volunteer/new/consent"


def test_agreeing_again_in_the_new_language_keeps_that_language_and_version(app, helper, area):
    agree_in(helper, area, "ar")
    helper.post("/volunteer/new", data={"locale": "en"})
    helper.post("/volunteer/new/about", data=about(area))
    assert helper.post("/volunteer/new/consent", data=shown(helper)).status_code == 303

    assert helper.post("/volunteer/new/pin", data=PIN).status_code == 200

    resident = newest_resident(app)
    assert resident.locale == "en" and resident.consent_version == consent.VERSION
    assert [(given.locale, given.version) for given in rows(app, Consent, Consent.resident_id == resident.id)] == [
        ("en", consent.VERSION)
    ]
    assert rows(app, ConsentText, ConsentText.locale == "ar") == []  # the Arabic agreement made nothing


def test_the_consent_row_keeps_the_language_the_resident_read(app, helper, area):
    agree_in(helper, area, "ar")

    assert helper.post("/volunteer/new/pin", data=PIN).status_code == 200

    resident = newest_resident(app)
    (given,) = rows(app, Consent, Consent.resident_id == resident.id)
    assert (resident.locale, given.locale, given.version) == ("ar", "ar", consent.VERSION)
    assert rows(app, ConsentText, ConsentText.locale == "ar", ConsentText.version == consent.VERSION)


def test_a_consent_to_an_older_version_sends_back_to_read_the_new_one(app, helper, area, monkeypatch):
    agree_in(helper, area, "en")
    monkeypatch.setattr(consent, "VERSION", "2099-01-01.1")  # the words changed while the tablet was handed over

    refused = helper.post("/volunteer/new/pin", data=PIN)

    assert refused.status_code == 303 and refused.headers["Location"] == "/volunteer/new/consent"
    assert residents_named(app) == []
    assert NOT_AGREED in page_text(helper.get("/volunteer/new/consent"))


def test_agreeing_to_a_text_that_changed_while_it_was_open_is_refused(app, helper, area, monkeypatch):
    helper.post("/volunteer/new", data={"locale": "en"})
    helper.post("/volunteer/new/about", data=about(area))
    form = shown(helper)
    monkeypatch.setattr(consent, "VERSION", "2099-01-01.1")

    refused = helper.post("/volunteer/new/consent", data=form)

    assert refused.status_code == 422
    assert "This text has just changed." in page_text(refused)
    assert helper.get("/volunteer/new/pin").status_code == 303


def test_the_screen_language_the_resident_agreed_on_is_what_counts(app, helper, area):
    """The page was shown in Danish (the helper's view), and the tap arrives after the view was switched back:
    the resident read Danish, so it is not their agreement in Arabic."""
    helper.post("/volunteer/new", data={"locale": "ar"})
    helper.post("/volunteer/new/about", data=about(area))
    helper.post("/volunteer/new/consent", data={"view": "da"})
    in_danish = shown(helper)
    helper.post("/volunteer/new/consent", data={"view": "ar"})

    refused = helper.post("/volunteer/new/consent", data=in_danish)

    assert refused.status_code == 422
    assert helper.get("/volunteer/new/pin").status_code == 303
