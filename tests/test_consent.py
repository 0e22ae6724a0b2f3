"""The consent: every sentence true of the code, kept with its version and language, and asked again when it changes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from webapp.models import AuditEvent, Consent, ConsentText, User
from webapp.signup import consent

from .conftest import TEST_CONFIG, page_text
from .factories import rows, set_values


def make_old_consent(app, resident: User) -> None:
    """The resident agreed to the version before this one."""
    set_values(app, User, User.id == resident.id, consent_version="2026-11-25.2")
    set_values(app, Consent, Consent.resident_id == resident.id, version="2026-11-25.2")


def test_the_periods_the_consent_names_are_the_ones_the_retention_run_uses(app):
    for name, days in consent.PERIODS_SAID.items():
        assert app.config[name] == timedelta(days=days), name


def test_the_consent_names_the_job_centre_the_coordinator_and_how_to_stop(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        text = consent.as_text()
    for words in (
        "job centre (jobcenter)",
        "new advisor can see it all too",
        "the person who runs Sammen in the community house",
        "advisors of your housing area can see your name",
        "when you sign in and on which phone",
        "download a copy",
        "everything is deleted after 30 days",
        "for one year, everything is deleted",
        "kept for two years",
        "for 90 days",
    ):
        assert words in text, words


def test_a_resident_on_an_older_version_sees_only_the_consent_until_they_answer(app, accounts, auth):
    make_old_consent(app, accounts.resident1)
    phone = auth.client_for("resident1")

    for address in ("/me/", f"/residents/{accounts.resident1.id}/", "/account", "/account/secret"):
        response = phone.get(address)
        assert response.status_code == 302 and response.headers["Location"] == "/me/consent", address
    asked = phone.get("/me/consent")
    assert asked.status_code == 200
    assert "What changed" in page_text(asked) and "I agree" in page_text(asked)
    assert "Listen" in page_text(asked)


def test_an_htmx_poll_of_a_resident_asked_again_loads_the_consent_page_whole(app, accounts, auth):
    make_old_consent(app, accounts.resident1)
    phone = auth.client_for("resident1")

    polled = phone.get(f"/residents/{accounts.resident1.id}/updates", headers={"HX-Request": "true"})

    assert polled.status_code == 401 and polled.headers["HX-Redirect"] == "/me/consent"


def test_agreeing_again_keeps_the_version_in_the_language_shown_and_opens_the_app(app, accounts, auth):
    make_old_consent(app, accounts.resident1)
    phone = auth.client_for("resident1")

    agreed = phone.post("/me/consent", data={"version": consent.VERSION, "shown_in": "en"})

    assert agreed.status_code == 303 and agreed.headers["Location"] == "/me/"
    assert phone.get("/me/").status_code == 200
    given = rows(app, Consent, Consent.resident_id == accounts.resident1.id, Consent.version == consent.VERSION)
    assert [(c.version, c.locale) for c in given] == [(consent.VERSION, "en")]
    assert rows(app, ConsentText, ConsentText.version == consent.VERSION, ConsentText.locale == "en")
    assert rows(app, AuditEvent, AuditEvent.action == "consent_given", AuditEvent.subject_id == accounts.resident1.id)


def test_agreeing_twice_keeps_one_consent(app, accounts, auth):
    make_old_consent(app, accounts.resident1)
    phone = auth.client_for("resident1")
    before = len(rows(app, Consent, Consent.resident_id == accounts.resident1.id))

    for _ in range(2):
        phone.post("/me/consent", data={"version": consent.VERSION, "shown_in": "en"})

    assert len(rows(app, Consent, Consent.resident_id == accounts.resident1.id)) == before + 1


def test_an_agreement_to_words_that_changed_meanwhile_is_not_kept(app, accounts, auth):
    make_old_consent(app, accounts.resident1)
    phone = auth.client_for("resident1")

    answer = phone.post("/me/consent", data={"version": "2026-11-25.2", "shown_in": "en"})

    assert answer.headers["Location"] == "/me/consent"
    assert rows(app, User, User.id == accounts.resident1.id)[0].consent_version == "2026-11-25.2"


def test_declining_leads_to_stopping(app, accounts, auth):
    make_old_consent(app, accounts.resident1)
    phone = auth.client_for("resident1")

    asked = phone.get("/me/consent").get_data(as_text=True)

    assert 'href="/me/stop"' in asked
    assert phone.get("/me/stop").status_code == 200


def test_the_account_page_shows_every_version_agreed_to_with_its_words(app, accounts, auth):
    make_old_consent(app, accounts.resident1)
    phone = auth.client_for("resident1")
    phone.post("/me/consent", data={"version": consent.VERSION, "shown_in": "en"})

    page = page_text(phone.get("/account"))

    assert "What you agreed to" in page and consent.VERSION in page
    assert "personal job advisor from the job centre (jobcenter)" in page


def test_staff_are_never_asked_for_the_residents_consent(app, accounts, auth):
    advisor = auth.client_for("advisor1")
    assert advisor.get("/advisor/").status_code == 200


def test_a_sign_up_whose_consent_was_shown_in_another_language_makes_no_account(app, accounts, auth):
    from .signup_helpers import about

    helper = auth.client_for("volunteer1")
    helper.post("/volunteer/new", data={"locale": "ar"})
    helper.post("/volunteer/new/about", data=about(0, area_id=""))
    helper.post("/volunteer/new/consent", data={"view": "da"})  # the helper reads it in Danish

    refused = helper.post("/volunteer/new/consent", data={"agree": "yes"})

    assert refused.status_code == 422
    assert helper.post("/volunteer/new/pin", data={"new": "4827", "repeat": "4827"}).status_code == 303
    assert not rows(app, User, User.display_name == "Hawa Rahimi")


def test_the_test_config_is_not_what_the_consent_promises(app):
    # The promises are about the defaults in config.py, which the test app does not change.
    assert not set(consent.PERIODS_SAID) & set(TEST_CONFIG)


def test_the_coordinator_sees_name_username_advisor_and_sign_ins_and_nothing_written(app, accounts, auth):
    from .factories import write

    write(app, accounts.resident1, accounts.resident1, "Mit hemmelige ord")
    auth.client_for("resident1")
    coordinator = auth.client_for("coordinator")

    overview = page_text(coordinator.get("/coordinator/"))
    log = page_text(coordinator.get("/coordinator/audit?person=resident1"))

    assert "فاطمة" in overview and "resident1" in overview and "Advisor: Mette" in overview
    assert "Signed in" in log
    assert "Mit hemmelige ord" not in overview + log
    assert coordinator.get(f"/residents/{accounts.resident1.id}/").status_code == 404


@pytest.mark.parametrize(
    ("locale", "attrs"),
    [("da", 'lang="da" dir="ltr"'), ("ar", 'lang="ar" dir="rtl"'), ("fa_AF", 'lang="fa-AF" dir="rtl"')],
)
def test_the_consent_is_asked_again_in_the_residents_own_language(app, accounts, auth, locale, attrs):
    from .records_helpers import speaking
    from .test_i18n import english_strings

    speaking(app, accounts.resident1, locale)
    make_old_consent(app, accounts.resident1)
    phone = auth.client_for("resident1")

    asked = phone.get("/me/consent")

    assert f"<html {attrs}>" in asked.get_data(as_text=True)
    assert [s for s in english_strings() if s in page_text(asked)] == []


def test_a_resident_asked_again_who_declines_can_still_take_a_copy_of_their_data_first(app, accounts, auth):
    make_old_consent(app, accounts.resident1)
    phone = auth.client_for("resident1")

    stop_page = phone.get("/me/stop").get_data(as_text=True)

    assert 'href="/me/data"' in stop_page
    assert phone.get("/me/data").status_code == 200
    download = phone.post("/me/data/export")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    download.close()


def test_the_consent_says_the_partnership_sees_only_groups_as_large_as_disclosure_control_shows(app):
    from webapp.outcomes.disclosure import THRESHOLD

    with app.test_request_context(headers={"Accept-Language": "en"}):
        text = consent.as_text()
    assert f"sees only numbers about groups of {THRESHOLD} residents or more, never who anyone is" in text
    assert "your situation as your advisor records it" in text and "the hours and the employer" in text


def test_a_resident_asked_again_reads_only_what_changed_since_the_version_they_agreed_to(app, accounts, auth):
    set_values(app, User, User.id == accounts.resident1.id, consent_version="2026-12-06.1")
    page = page_text(auth.client_for("resident1").get("/me/consent"))
    assert "Your advisor can now record your situation" in page
    assert "groups of 5 residents or more" in page
    assert "stop using Sammen, in the app" not in page  # new in 2026-12-06.1, which they agreed to

    make_old_consent(app, accounts.resident1)
    page = page_text(auth.client_for("resident1").get("/me/consent"))
    assert "stop using Sammen, in the app" in page and "Your advisor can now record your situation" in page
