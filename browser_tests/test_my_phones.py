"""My phones, as a Dari reader with two Android phones sees it at 360 px (issue 18, the walk's defect 3): the
phone in her hand is marked, another phone goes at one tap, and removing the one in her hand asks first."""

from __future__ import annotations

import probes
import pytest
from playwright.sync_api import expect
from screens import LANGUAGES, RESIDENT_FOR, VIEWPORTS
from test_privacy import in_app, pair_and_sign_in, said

LANGUAGE = "fa_AF"
CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0"
REMOVED = "This phone is removed. To use Sammen on it again, ask for a new QR code in the community house."
CONFIRM = "You will need a new QR code from the community house to use Sammen on this phone again."


@pytest.fixture
def two_android_phones(browser):
    contexts = [browser.new_context(**VIEWPORTS["phone"], user_agent=agent) for agent in (CHROME, FIREFOX)]
    yield [context.new_page() for context in contexts]
    for context in contexts:
        context.close()


def resident() -> dict:
    return {"username": RESIDENT_FOR[LANGUAGE]}


def newest_phone_id(server) -> int:
    """The phone paired last for the resident: the one this test just set up."""
    from sqlmodel import select

    from webapp.auth import services
    from webapp.models import TrustedDevice

    def work(db):
        me = services.find_user(db, RESIDENT_FOR[LANGUAGE])
        return db.exec(
            select(TrustedDevice.id).where(TrustedDevice.resident_id == me.id).order_by(TrustedDevice.id.desc())
        ).first()

    return in_app(server, work)


def still_paired(server, phone_id: int) -> bool:
    from webapp.models import TrustedDevice

    return in_app(server, lambda db: db.get(TrustedDevice, phone_id).revoked_at is None)


def no_sideways_scroll(page) -> None:
    facts = page.evaluate(probes.PAGE_FACTS)
    assert facts["scrollWidth"] <= page.viewport_size["width"], f"scrolls sideways: {facts['scrollWidth']} px"


def test_two_android_phones_in_dari_this_one_is_marked_the_other_goes_at_once_this_one_asks(server, two_android_phones):
    chrome, firefox = two_android_phones
    pair_and_sign_in(chrome, server, resident())
    chrome_id = newest_phone_id(server)
    pair_and_sign_in(firefox, server, resident())
    firefox_id = newest_phone_id(server)

    # The list, on the Firefox phone: it is marked as this phone, and it comes first.
    firefox.goto(f"{server}/account")
    expect(firefox.locator("html")).to_have_attribute("lang", LANGUAGES[LANGUAGE])
    expect(firefox.locator("html")).to_have_attribute("dir", "rtl")
    marked = firefox.locator("#my-phones > li[aria-current=true]")
    expect(marked).to_have_count(1)
    expect(marked).to_contain_text("Firefox")
    expect(marked.locator(".badge")).to_have_text(said(server, LANGUAGE, "This phone"))
    expect(firefox.locator("#my-phones > li").first).to_have_attribute("aria-current", "true")
    other = firefox.locator(
        "#my-phones > li", has=firefox.locator(f"form[action='/account/phones/{chrome_id}/remove']")
    )
    expect(other).to_contain_text("Chrome")
    no_sideways_scroll(firefox)

    # The other phone goes at one tap, and the notice says which, where she is looking.
    other.locator("button[type=submit]").click()
    notice = firefox.locator("main p.notice", has_text="Chrome")
    expect(notice).to_contain_text("Chrome")
    assert notice.evaluate(probes.IN_VIEW), "the notice about the removed phone is out of view"
    expect(firefox.locator(f"form[action='/account/phones/{chrome_id}/remove']")).to_have_count(0)
    assert not still_paired(server, chrome_id)
    chrome.goto(f"{server}/me/")
    expect(chrome).to_have_url(f"{server}/login?next=/me/")

    # This phone asks first, and says what it means; going back keeps it.
    firefox.click(f"#my-phones a[href='/account/phones/{firefox_id}/remove']")
    expect(firefox.locator("main")).to_contain_text(said(server, LANGUAGE, CONFIRM))
    expect(firefox.locator("main")).to_contain_text("Firefox")
    no_sideways_scroll(firefox)
    assert still_paired(server, firefox_id)
    firefox.click("main a[href='/account#phones']")
    expect(firefox.locator("#my-phones > li[aria-current=true]")).to_have_count(1)

    # Asked again and confirmed: the phone is unpaired, and the page says how to come back.
    firefox.click(f"#my-phones a[href='/account/phones/{firefox_id}/remove']")
    with firefox.expect_navigation():
        firefox.click("main button[name=confirm]")
    expect(firefox).to_have_url(f"{server}/login")
    expect(firefox.locator("html")).to_have_attribute("dir", "rtl")
    expect(firefox.locator("main")).to_contain_text(said(server, LANGUAGE, REMOVED))
    expect(firefox.locator(".pictogram-card h1")).to_be_visible()
    assert not still_paired(server, firefox_id)
    firefox.goto(f"{server}/me/")
    expect(firefox).to_have_url(f"{server}/login?next=/me/")
