"""Issue 6's journey: a volunteer signs up a resident on the tablet; the card's link pairs a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_journeys import sign_in_staff


@pytest.mark.parametrize(("locale", "tag", "name"), [("ar", "ar", "سلمى يوسف"), ("fa_AF", "fa-AF", "زرغونه احمدی")])
def test_volunteer_signs_up_a_resident_whose_phone_then_signs_in_with_the_pin_only(
    server, tablet, phone, browser, tmp_path, locale, tag, name
):
    page = tablet.new_page()
    sign_in_staff(page, server, "volunteer1")
    page.click("text=Ny beboer")
    page.check(f"input[name=locale][value={locale}]")
    page.click("main button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", tag)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".step-count")).to_be_visible()
    page.fill("#name", name)
    page.fill("#phone", "12")
    page.click("button[name=view]")  # the helper switches to Danish: what was typed stays
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.locator("#name")).to_have_value(name)
    page.fill("#phone", "20 48 39 17")
    page.click("button[name=view]")
    expect(page.locator("html")).to_have_attribute("lang", tag)
    page.select_option("#area_id", label="Skovparken")
    page.check("input[name=contact][value=call]")
    page.screenshot(path=tmp_path / f"about-{locale}.png", full_page=True)
    page.click("main button[type=submit]:not([name=view])")
    page.screenshot(path=tmp_path / f"consent-{locale}.png", full_page=True)
    page.click("button[name=agree]")
    expect(page.locator("header.top")).to_have_count(0)  # the PIN screen shows nothing else
    page.fill("#new", "5927")
    page.fill("#repeat", "5927")
    page.click("main button[type=submit]")
    expect(page.locator(".signin-card__qr img")).to_be_visible()
    page.screenshot(path=tmp_path / f"card-{locale}.png", full_page=True)
    username = page.locator(".signin-card__username").first.inner_text()
    assert re.fullmatch(r"[a-z]{4}-[2-9]{3}", username)
    link = page.locator(".signin-card__link").get_attribute("href")
    assert "5927" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 800

    mobile = phone.new_page()
    mobile.goto(link)
    expect(mobile.locator("html")).to_have_attribute("lang", tag)
    mobile.click("main button[type=submit]")
    expect(mobile.locator("#username")).to_have_count(0)
    expect(mobile.locator("main h1")).to_contain_text(name)
    mobile.fill("#pin", "5927")
    mobile.click("main button[type=submit]")
    expect(mobile).to_have_url(f"{server}/me/")
    mobile.screenshot(path=tmp_path / f"phone-home-{locale}.png")

    stranger = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    stranger.goto(f"{server}/login")
    expect(stranger.locator("#pin")).to_have_count(0)  # an unpaired browser is asked to get a QR code
    stranger.context.close()

    staff = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in_staff(staff, server, "coordinator")
    expect(staff.locator("#unassigned-title + p + ul")).to_contain_text(name)
    staff.context.close()
    advisor = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in_staff(advisor, server, "advisor1")
    expect(advisor.locator("#unassigned-title + ul")).to_contain_text(name)
    advisor.context.close()
    assert tablet.console_errors == [] and phone.console_errors == []
