"""Staff confirm their sign-in with a second factor, in Chromium: a passkey made at the first sign-in with a
virtual authenticator (the device's screen lock, verified), then used to sign in again; and an
authenticator app's code, set up and used in a browser without JavaScript."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from benchmarks import page_load
from webapp.demo import STAFF_PASSWORD


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The demo as production runs it: the second factor on. Reached as localhost, a host WebAuthn accepts
    as a relying party over plain HTTP (an IP address is none)."""
    app = page_load.demo_app(tmp_path_factory.mktemp("second-factor"), STAFF_SECOND_FACTOR=True)
    with page_load.serve(app) as address:
        yield address.replace("127.0.0.1", "localhost")


def sign_in_with_password(page, served: str, username: str) -> None:
    page.goto(f"{served}/login/staff?lang=en")
    page.fill("#username", username)
    page.fill("#password", STAFF_PASSWORD)
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{served}/second-factor/")


def sign_out(page) -> None:
    page.click("header form[action='/logout'] button")
    expect(page.locator("header form[action='/logout']")).to_have_count(0)


def recovery_codes(page) -> list[str]:
    expect(page.locator("ol.recovery-codes li")).to_have_count(10)
    return page.locator("ol.recovery-codes code").all_inner_texts()


def test_a_passkey_made_at_the_first_sign_in_signs_in_again(browser, served):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    errors = []
    context.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )["authenticatorId"]

    sign_in_with_password(page, served, "advisor1")
    page.click("button[data-passkey]")
    codes = recovery_codes(page)
    page.click("main a.button")

    expect(page).to_have_url(f"{served}/advisor/")
    (credential,) = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert credential["rpId"] == "localhost" and len(set(codes)) == 10

    sign_out(page)
    sign_in_with_password(page, served, "advisor1")
    expect(page.locator("button[data-passkey]")).to_be_visible()
    page.click("button[data-passkey]")

    expect(page).to_have_url(f"{served}/advisor/")
    assert cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"][0]["signCount"] >= 1
    assert errors == []
    context.close()


def test_a_passkey_refused_by_the_screen_lock_leaves_the_sign_in_half_done(browser, served):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": False,
            }
        },
    )

    sign_in_with_password(page, served, "volunteer1")
    page.click("button[data-passkey]")

    expect(page.locator("[data-passkey-failed]")).to_be_visible()
    page.goto(f"{served}/volunteer/")
    expect(page).to_have_url(f"{served}/second-factor/")
    context.close()


def test_an_authenticator_app_works_without_javascript(browser, served):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()

    sign_in_with_password(page, served, "advisor2")
    page.goto(f"{served}/second-factor/?lang=en")  # the account reads Danish
    expect(page.locator("button[data-passkey]")).to_be_hidden()
    expect(page.get_by_text("A passkey needs JavaScript to be on in this browser.")).to_be_visible()
    page.click("form[action='/second-factor/app'] button")
    key = re.sub(r"\s", "", page.locator("code.secret-key").inner_text())
    expect(page.locator(".signin-card__qr img")).to_have_attribute("src", re.compile(r"^data:image/svg\+xml"))
    page.fill("#code", pyotp.TOTP(key).now())
    page.click("form[action='/second-factor/app/confirm'] button")
    recovery_codes(page)
    page.click("main a.button")
    expect(page).to_have_url(f"{served}/advisor/")

    sign_out(page)
    sign_in_with_password(page, served, "advisor2")
    # The next step's code: the one used at setup is spent, and a code one step ahead is accepted.
    page.fill("#code", pyotp.TOTP(key).at(time.time() + 30))
    page.click("form[action='/second-factor/'] button")

    expect(page).to_have_url(f"{served}/advisor/")
    context.close()
