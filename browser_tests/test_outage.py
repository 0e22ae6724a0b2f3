"""While the server answers 503 (its database is away), the timeline's poll asks less and less often and
comes back to its pace when the server does; words typed in the message box stay, a message sent then is
not lost from the box, and a link followed shows the server's page saying so. The browser suite serves
the demo with POLL_SECONDS=1."""

from __future__ import annotations

import time

from playwright.sync_api import expect

WORDS = "Jeg kommer lidt senere i dag."
AWAY_PAGE = (
    '<!doctype html><html lang="da" dir="ltr"><title>Sammen</title><body><main id="main">'
    '<div class="error-page" role="alert"><h1>Sammen kan ikke bruges lige nu</h1></div></main></body></html>'
)


def away(route) -> None:
    route.fulfill(status=503, headers={"Retry-After": "30", "Content-Type": "text/html; charset=utf-8"}, body=AWAY_PAGE)


def polls_of(page) -> list[tuple[float, int]]:
    """When each poll was answered, and with what."""
    seen: list[tuple[float, int]] = []
    page.on(
        "response", lambda response: "/updates?" in response.url and seen.append((time.monotonic(), response.status))
    )
    return seen


def test_the_poll_backs_off_on_503_keeps_the_words_and_recovers(open_as):
    page = open_as("resident", "da")
    expect(page.locator("#timeline-poll")).to_have_attribute("data-poll-seconds", "1")
    polls = polls_of(page)
    page.route("**/updates?**", away)
    page.route("**/entries", away)

    page.fill("#message-body", WORDS)
    page.click("#message-form button[type=submit]")
    expect(page.locator("#message-form .send-error")).to_be_visible()
    page.wait_for_timeout(10_000)

    failed = [at for at, status in polls if status == 503]
    # Every second without the back-off; with it the waits are 2, 4 and 8 seconds.
    assert 2 <= len(failed) <= 4, polls
    gaps = [later - earlier for earlier, later in zip(failed, failed[1:], strict=False)]
    assert all(gap > 1.5 for gap in gaps) and gaps == sorted(gaps), gaps
    expect(page.locator("#message-body")).to_have_value(WORDS)

    page.unroute("**/updates?**")
    page.unroute("**/entries")
    started = time.monotonic()
    deadline = started + 20
    while time.monotonic() < deadline and len([1 for at, status in polls if at > started and status < 500]) < 4:
        page.wait_for_timeout(250)
    recovered = [at for at, status in polls if at > started and status < 500]
    assert len(recovered) >= 4, polls
    assert recovered[-1] - recovered[-2] < 2.5  # the usual pace again
    expect(page.locator("#message-body")).to_have_value(WORDS)


def test_a_link_followed_while_the_server_answers_503_shows_its_page(open_as):
    page = open_as("resident", "da")
    page.route("**/account", away)
    page.click("header.top .who")
    expect(page.locator("main .error-page h1")).to_have_text("Sammen kan ikke bruges lige nu")
