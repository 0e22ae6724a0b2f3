"""Issue 16's journey: a volunteer's QR code never hands them a resident's account; the advisor's does
what it should, and the resident sees who made it."""

from __future__ import annotations

from playwright.sync_api import expect
from test_journeys import sign_in_staff

NAME = "شکیلا نوری"  # no other journey signs up this name on the shared demo
PIN, NEW_PIN, GUESS = "5927", "3864", "7391"


def register_as_tablet(page, server):
    sign_in_staff(page, server, "coordinator")
    page.goto(f"{server}/coordinator/tablets")
    page.fill("#name", "Beboerhuset, receptionen")
    page.click("main form button[type=submit]")
    page.click("header form[action='/logout'] button")


def sign_up(page):
    page.click("text=Ny beboer")
    page.check("input[name=locale][value=fa_AF]")
    page.click("main button[type=submit]")
    page.fill("#name", NAME)
    page.select_option("#area_id", label="Skovparken")
    page.check("input[name=contact][value=sms]")
    page.click("main button[type=submit]:not([name=view])")
    page.click("button[name=agree]")
    page.fill("#new", PIN)
    page.fill("#repeat", PIN)
    page.click("main button[type=submit]")
    expect(page.locator(".signin-card__qr img")).to_be_visible()


def test_a_volunteers_qr_code_cannot_take_over_a_resident_and_the_advisors_is_seen_by_the_resident(
    server, tablet, phone, browser, tmp_path
):
    page = tablet.new_page()
    register_as_tablet(page, server)
    sign_in_staff(page, server, "volunteer1")
    sign_up(page)

    # The volunteer is not offered a code that sets a new PIN, and one sent anyway is refused.
    card_url = server + page.locator("form[action$='/qr']").get_attribute("action").removesuffix("/qr") + "/card"
    page.goto(card_url)  # the card again, now in the volunteer's Danish
    expect(page.locator("input[name=new_pin]")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("kan deres personlige jobrådgiver lave en QR-kode, der sætter en ny")
    forced = page.request.post(
        server + page.locator("form[action$='/qr']").get_attribute("action"),
        form={"new_pin": "yes", "csrf_token": page.locator("form[action$='/qr'] input[name=csrf_token]").input_value()},
    )
    assert forced.status == 403
    page.click("form[action$='/qr'] button[type=submit]")
    link = page.locator(".signin-card__link").get_attribute("href")

    # On the tablet itself, and in a browser where the volunteer is signed in: refused, link unused.
    page.goto(link)
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main form button[type=submit]")).to_have_count(0)
    page.screenshot(path=tmp_path / "link-on-tablet.png")
    own_phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    sign_in_staff(own_phone, server, "volunteer1")
    own_phone.goto(link)
    expect(own_phone.locator("main form button[type=submit]")).to_have_count(0)
    expect(own_phone.locator("html")).to_have_attribute("lang", "da")
    expect(own_phone.locator("main h1")).to_have_text("Denne QR-kode er til beboerens egen telefon")
    own_phone.screenshot(path=tmp_path / "link-in-staff-browser.png")
    own_phone.context.close()

    # In a fresh private window the plain code sets up a phone, but it opens nothing without her PIN.
    stranger = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    stranger.goto(link)
    expect(stranger.locator("main h1")).not_to_contain_text(NAME)  # a link preview learns no name
    stranger.click("main button[type=submit]")
    stranger.fill("#pin", GUESS)
    stranger.click("main button[type=submit]")
    expect(stranger.locator(".form-error")).to_be_visible()
    stranger.goto(f"{server}/me/")
    expect(stranger.locator("#pin")).to_be_visible()  # still at the PIN: not signed in
    stranger.context.close()

    # The advisor takes her, and makes the code that sets a new PIN.
    advisor = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in_staff(advisor, server, "advisor1")
    advisor.locator("#unassigned-title + ul li", has_text=NAME).locator("button[type=submit]").click()
    expect(advisor.locator("main h1")).to_contain_text(NAME)  # her page, now that she is his resident
    advisor.click(f"main a[href='{card_url.removeprefix(server)}']")
    advisor.check("input[name=new_pin]")
    advisor.click("form[action$='/qr'] button[type=submit]")
    pin_link = advisor.locator(".signin-card__link").get_attribute("href")

    mobile = phone.new_page()
    mobile.goto(pin_link)
    expect(mobile.locator("html")).to_have_attribute("lang", "fa-AF")
    mobile.fill("#new", NEW_PIN)
    mobile.fill("#repeat", NEW_PIN)
    mobile.click("main button[type=submit]")
    mobile.fill("#pin", NEW_PIN)
    mobile.click("main button[type=submit]")
    expect(mobile).to_have_url(f"{server}/me/")
    expect(mobile.locator("#entries")).to_contain_text("Mette Sørensen")
    expect(mobile.locator("#entries")).to_contain_text("advisor1")
    mobile.goto(f"{server}/account")
    setups = mobile.locator("#setups + p + ul")
    expect(setups).to_contain_text("Mette Sørensen")
    expect(setups).to_contain_text("advisor1")
    expect(mobile.locator("html")).to_have_attribute("dir", "rtl")
    setups.scroll_into_view_if_needed()
    mobile.screenshot(path=tmp_path / "resident-account-fa_AF.png")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 360

    advisor.goto(
        server
        + card_url.removeprefix(server).replace("/volunteer/residents/", "/advisor/residents/").removesuffix("/card")
    )
    expect(advisor.locator("#entries")).to_contain_text("advisor1")  # he reads the same line in her timeline
    advisor.context.close()
    # The one error a browser logs is the refusal's own status, 409, on the tablet.
    assert [error for error in tablet.console_errors if "status of 409" not in error] == []
    assert phone.console_errors == []
