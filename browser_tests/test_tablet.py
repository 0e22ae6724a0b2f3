"""The community-house tablet, with the browser's clock run forward: one way to sign out, and the countdown
and the sign-out when the README says they come."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import expect
from screens import PIN, VIEWPORTS, reach_signup_consent, sign_in
from test_privacy import new_resident


def registered_tablet(browser, server):
    """A browser that the coordinator registered as the community-house tablet."""
    from webapp.auth import pairing
    from webapp.auth import services as accounts
    from webapp.db import close_session, get_session

    with server.app.app_context():
        db = get_session()
        coordinator = accounts.find_user(db, "coordinator")
        token = pairing.register_tablet(db, actor=coordinator, name="Beboerhuset", locale="da")
        cookie_name = server.app.config["DEVICE_COOKIE_NAME"]
        close_session()
    context = browser.new_context(**VIEWPORTS["tablet"])
    context.add_cookies([{"name": cookie_name, "value": token, "domain": urlsplit(server).hostname, "path": "/"}])
    return context


def test_on_the_tablet_the_countdown_comes_at_90_seconds_and_sign_out_at_2_minutes_with_one_way_out(browser, server):
    resident = new_resident(server, name="Hope Mensah", locale="en")
    context = registered_tablet(browser, server)
    page = context.new_page()
    page.clock.install()
    page.goto(f"{server}/login")
    page.fill("#username", resident["username"])
    page.fill("#pin", PIN)
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{server}/me/")

    sign_outs = page.locator("form[action='/logout']")
    expect(sign_outs).to_have_count(1)  # "I'm done", not also the header's "Sign out"
    expect(sign_outs.locator("button")).to_have_text("I'm done")

    warning = page.locator(".shared-device__warning")
    page.clock.run_for("01:25")
    expect(warning).to_be_hidden()
    page.clock.run_for("00:07")  # 92 s without a touch
    expect(warning).to_be_visible()
    seconds = int(page.locator(".shared-device__seconds").inner_text())
    assert 25 <= seconds <= 30, seconds
    page.clock.run_for("00:30")  # 122 s
    expect(page).to_have_url(f"{server}/login")
    context.close()


def test_a_dari_sign_up_tells_the_helper_in_danish_to_hand_over_and_the_pin_screen_speaks_to_the_resident(
    browser, server
):
    context = browser.new_context(**VIEWPORTS["tablet"])
    page = context.new_page()
    sign_in(page, server, "volunteer", "da")
    reach_signup_consent(page, server, "fa_AF")
    expect(page.locator("html")).to_have_attribute("lang", "fa-AF")
    note = page.locator("main p.notice[lang=da]")
    expect(note).to_contain_text("Giv tabletten til beboeren nu")
    assert note.evaluate("el => getComputedStyle(el).direction") == "ltr"
    page.click("button[name=agree]")
    expect(page.locator("#new")).to_be_visible()
    expect(page.locator("h1")).not_to_contain_text("تبلت")  # no "give the tablet" to the one who holds it
    expect(page.locator("main [lang=da]")).to_have_count(0)
    context.close()
