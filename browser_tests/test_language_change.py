"""A language change through a boosted form or link lays the page out in the new language: `<html lang dir>`
follow the page that was swapped in, so the faces run the right way, screen readers and "Listen" speak the
right language, and a Danish staff page after a sign-up in Arabic is not mirrored."""

from __future__ import annotations

from playwright.sync_api import expect
from screens import LANGUAGES, NEW_NAMES, VIEWPORTS, reach_signup_card, sign_in
from test_privacy import new_resident, pair_and_sign_in

DIRECTION = {"da": "ltr", "en": "ltr", "ar": "rtl", "fa_AF": "rtl"}


def expect_language(page, code: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", LANGUAGES[code])
    expect(page.locator("html")).to_have_attribute("dir", DIRECTION[code])


def test_saving_a_language_twice_turns_the_page_and_its_boosted_links_each_time(browser, server):
    resident = new_resident(server, name="Susanne Hansen", locale="da")
    context = browser.new_context(**VIEWPORTS["phone"])
    page = context.new_page()
    pair_and_sign_in(page, server, resident)
    expect_language(page, "da")
    page.goto(f"{server}/account")

    for code in ("fa_AF", "ar", "da"):
        page.check(f"input[name=locale][value={code}]")
        page.locator("main form:has(input[name=locale]) button[type=submit]").click()
        expect(page.locator("input[name=locale]:checked")).to_have_value(code)
        expect_language(page, code)
        # On through a boosted link: the next page keeps the new language and direction.
        page.locator("main a[href$='/me/data']").first.click()
        expect(page).to_have_url(f"{server}/me/data")
        expect_language(page, code)
        page.go_back()
        expect(page).to_have_url(f"{server}/account")
        expect_language(page, code)
    context.close()


def test_back_to_my_page_after_an_arabic_sign_up_shows_the_volunteers_danish_page(browser, server):
    context = browser.new_context(**VIEWPORTS["tablet"])
    page = context.new_page()
    sign_in(page, server, "volunteer", "da")
    reach_signup_card(page, server, "ar")
    expect(page.locator(".signin-card")).to_contain_text(NEW_NAMES["ar"])
    page.locator("main a[href='/']").click()  # "Back to my page", in the helper's Danish
    expect(page.locator(".signin-card")).to_have_count(0)
    expect_language(page, "da")
    context.close()
