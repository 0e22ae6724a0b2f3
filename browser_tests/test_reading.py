"""What a resident can read on their phone: an advisor's own Danish words after a phrase are named as a
language their screen does not use, with a way to ask for a phrase or a voice message, as plain messages are."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect
from screens import VIEWPORTS
from test_privacy import ADVISOR, in_app, new_resident, pair_and_sign_in

WORDS = "Husk at tage lønsedlen med."


def test_danish_words_after_an_advisors_phrase_are_marked_for_a_dari_reader(browser, server):
    resident = new_resident(server, name="زرغونه احمدی", locale="fa_AF")

    def advisor_says_well_done_and_more(db):
        from webapp.auth import services as accounts
        from webapp.models import EntryKind, User
        from webapp.timeline import phrases
        from webapp.timeline import services as timeline

        timeline.post_message(
            db,
            resident=db.get(User, resident["id"]),
            author=accounts.find_user(db, ADVISOR),
            body=WORDS,
            kind=EntryKind.PHRASE,
            data=phrases.stored(phrases.PHRASES["well_done"]),
            idempotency_key=uuid.uuid4().hex,
        )

    in_app(server, advisor_says_well_done_and_more)
    page = browser.new_context(**VIEWPORTS["phone"]).new_page()
    pair_and_sign_in(page, server, resident)
    entry = page.locator("li.entry--phrase", has_text=WORDS)
    expect(entry.locator(".entry__unreadable")).to_be_visible()
    expect(entry.locator("button[value=cannot_read]")).to_be_visible()
    page.context.close()
