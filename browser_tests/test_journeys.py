from __future__ import annotations

import re

from playwright.sync_api import expect


def sign_in_resident(page, server, username):
    page.goto(f"{server}/login")
    page.fill("#username", username)
    page.fill("#pin", "٤٨٢٧")
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{server}/me/")


def sign_in_staff(page, server, username):
    page.goto(f"{server}/login/staff")
    page.fill("#username", username)
    page.fill("#password", "demo-pass-2026")
    page.click("button[type=submit]")


def test_message_reply_and_seen_mark_travel_without_reloads(server, phone, laptop, tmp_path):
    resident = phone.new_page()
    sign_in_resident(resident, server, "resident1")
    expect(resident.locator("html")).to_have_attribute("dir", "rtl")
    resident.evaluate("window.stillTheSamePage = true")

    resident.fill("#message-body", "هل يمكننا أن نلتقي يوم الإثنين؟")
    resident.click("#message-form button[type=submit]")
    mine = resident.locator(".entry--mine").first
    expect(mine).to_contain_text("هل يمكننا أن نلتقي")
    expect(resident.locator("#message-body")).to_have_value("")

    advisor = laptop.new_page()
    sign_in_staff(advisor, server, "advisor1")
    advisor.click("text=فاطمة الحسن")
    expect(advisor.locator(".entry").first).to_contain_text("هل يمكننا أن نلتقي")
    expect(mine.locator(".seen--yes")).to_be_visible(timeout=5000)  # the poll brought the seen mark

    advisor.fill("#message-body", "Ja, mandag kl. 10 i beboerhuset passer fint.")
    advisor.click("#message-form button[type=submit]")
    expect(resident.locator(".entry--theirs").first).to_contain_text("mandag kl. 10", timeout=5000)
    assert resident.evaluate("window.stillTheSamePage") is True
    resident.screenshot(path=str(tmp_path / "resident-360.png"), full_page=True)
    assert phone.console_errors == []


def test_a_failed_send_keeps_the_text_and_says_so(server, phone):
    page = phone.new_page()
    sign_in_resident(page, server, "resident2")
    page.fill("#message-body", "امروز نمی‌توانم بیایم.")
    phone.set_offline(True)
    page.click("#message-form button[type=submit]")
    expect(page.locator(".send-error")).to_be_visible()
    expect(page.locator(".send-error")).to_contain_text("دوباره")
    expect(page.locator("#message-body")).to_have_value("امروز نمی‌توانم بیایم.")
    phone.set_offline(False)
    page.click("#message-form button[type=submit]")
    expect(page.locator(".entry--mine").first).to_contain_text("امروز نمی‌توانم بیایم.")
    expect(page.locator(".send-error")).to_be_hidden()


def test_validation_error_shows_next_to_the_field_without_losing_text(server, phone):
    page = phone.new_page()
    sign_in_resident(page, server, "resident3")
    long_text = "Det her er en meget lang besked. " * 130
    page.fill("#message-body", long_text)
    page.click("#message-form button[type=submit]")
    expect(page.locator("#message-body-error")).to_contain_text("4.000")
    assert page.input_value("#message-body") == long_text


def test_older_entries_load_on_demand_and_language_switch_reloads_direction(server, phone):
    page = phone.new_page()
    sign_in_resident(page, server, "resident4")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click("a[lang=fa-AF]")
    expect(page.locator("html")).to_have_attribute("lang", "fa-AF")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.click("a[lang=en]")


def test_no_page_is_wider_than_a_360_px_phone(server, phone):
    page = phone.new_page()
    sign_in_staff(page, server, "coordinator")
    for path in ("/coordinator/", "/coordinator/staff/new", "/account"):
        page.goto(server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (path, width)
