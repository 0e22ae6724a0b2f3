"""Words being typed when the session ends are not lost (issue 18, defect 9 of the browser walk): signed out
from a second tab, the page with the words goes to sign-in at its next poll, and after signing in again the
words are back in the box. They wait on the server, never in the browser's storage: devices are shared."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from screens import PIN, STAFF, STAFF_PASSWORD, VIEWPORTS, sign_in

WORDS = {
    "ar": "أريد أن أسأل عن الدورة يوم الثلاثاء، هل يمكن أن آتي مع ابنتي؟",
    "da": "Kære Fatima, jeg har talt med kommunen om kurset. Vi kan mødes onsdag",
}


def sign_out_in_another_tab(context, server) -> None:
    other = context.new_page()
    other.goto(f"{server}/account")
    other.click("form.sign-out button[type=submit]")
    expect(other.locator("form.sign-out")).to_have_count(0)
    other.close()


def not_in_the_browsers_storage(page, words: str) -> None:
    stored = page.evaluate("""async () => {
        const values = [localStorage, sessionStorage]
            .flatMap(store => Object.keys(store).map(key => store.getItem(key)));
        return {values, databases: (await indexedDB.databases()).length};
    }""")
    assert stored["databases"] == 0
    assert [value for value in stored["values"] if words[:20] in value] == []


def forget_the_words(server, username: str) -> None:
    """The demo server is shared by the whole suite: leave no kept words behind for other tests."""
    from sqlalchemy import delete

    from webapp.auth import services
    from webapp.db import close_session, get_session, writing
    from webapp.models import StaffDraft

    with server.app.app_context():
        db = get_session()
        with writing(db):
            db.execute(delete(StaffDraft).where(StaffDraft.user_id == services.find_user(db, username).id))
        close_session()


def test_a_resident_signed_out_from_another_tab_finds_her_words_in_the_box_after_signing_in(server, browser):
    context = browser.new_context(**VIEWPORTS["phone"])
    page = context.new_page()
    try:
        sign_in(page, server, "resident", "ar")
        box = page.locator("#message-body")
        box.press_sequentially(WORDS["ar"][:12])
        box.fill(WORDS["ar"])

        sign_out_in_another_tab(context, server)
        page.bring_to_front()

        expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)me(/|%2F)$"), timeout=10_000)
        expect(page.locator("main .notice")).to_be_visible()
        not_in_the_browsers_storage(page, WORDS["ar"])
        page.fill("#pin", PIN)
        page.click("main button[type=submit]")
        expect(page).to_have_url(f"{server}/me/")
        expect(page.locator("#message-body")).to_have_value(WORDS["ar"])
        expect(page.locator("#message-form .notice")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        not_in_the_browsers_storage(page, WORDS["ar"])

        # With the box emptied, the page goes to sign-in as it did, and nothing is kept.
        page.fill("#message-body", "")
        sign_out_in_another_tab(context, server)
        page.bring_to_front()
        expect(page).to_have_url(re.compile(r"/login$"), timeout=10_000)
        expect(page.locator("main .notice")).to_have_count(0)
    finally:
        context.close()
        forget_the_words(server, "resident1")


def test_an_advisor_signed_out_from_another_tab_finds_his_reply_in_the_box_after_signing_in(server, browser):
    context = browser.new_context(**VIEWPORTS["staff"])
    page = context.new_page()
    try:
        sign_in(page, server, "advisor", "da")
        resident = server.ids("da")["resident"]
        page.goto(f"{server}/advisor/residents/{resident}")
        page.fill("#message-body", WORDS["da"])

        sign_out_in_another_tab(context, server)
        page.bring_to_front()

        expect(page).to_have_url(re.compile(rf"/login/staff\?next=.*residents(/|%2F){resident}$"), timeout=10_000)
        expect(page.locator("main .notice")).to_be_visible()
        not_in_the_browsers_storage(page, WORDS["da"])
        page.fill("#username", STAFF["advisor"])
        page.fill("#password", STAFF_PASSWORD)
        page.click("main button[type=submit]")
        expect(page).to_have_url(f"{server}/advisor/residents/{resident}")
        expect(page.locator("#message-body")).to_have_value(WORDS["da"])
        expect(page.locator("#message-form .notice")).to_be_visible()
        not_in_the_browsers_storage(page, WORDS["da"])
    finally:
        context.close()
        forget_the_words(server, "advisor1")
