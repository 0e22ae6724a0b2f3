"""Layout a reader meets on a phone: nothing of a form hidden under its Send button, a dot that stays
with its words, a printed card that is easiest to read in the reader's own language."""

from __future__ import annotations

import re

import probes
import pytest
from playwright.sync_api import expect
from screens import LANGUAGES, reach_signup_card
from test_screens import set_text_size


def under_send_while_scrolling(page) -> list[str]:
    """Scroll the page through the message form, a little at a time, looking under Send each time."""
    form = page.locator("#message-form")
    top, bottom, height = page.evaluate("""() => {
        const box = document.querySelector('#message-form').getBoundingClientRect();
        return [box.top + scrollY, box.bottom + scrollY, innerHeight];
    }""")
    found = []
    for y in range(max(0, int(top - height)), int(bottom), 40):
        page.evaluate(f"window.scrollTo(0, {y})")
        found += [f"at {y} px: {what}" for what in form.evaluate(probes.UNDER_SEND)]
    return found


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("how", ["360 px", "200 % text", "phrase book open"])
def test_nothing_of_the_message_form_lies_under_send(open_as, server, language, how):
    page = open_as("resident", language)
    cdp = page.context.new_cdp_session(page)
    if how == "200 % text":
        set_text_size(cdp, 32)
        page.goto(f"{server}/me/")
    if how == "phrase book open":
        page.click("#message-form details.phrasebook > summary")
    try:
        under = under_send_while_scrolling(page)
    finally:
        set_text_size(cdp, 16)
    assert not under, "\n".join(under[:8])


CARD_SIZES = """() => {
  const size = element => parseFloat(getComputedStyle(element).fontSize);
  const shown = element => element.getClientRects().length > 0;
  const sizes = side => ({
    title: size(document.querySelector(`${side} .signin-card__title`)),
    lines: [...document.querySelectorAll(`${side} p, ${side} dt, ${side} dd`)].filter(shown).map(size),
  });
  return {own: sizes('.signin-card__side'), danish: sizes('.signin-card__below')};
}"""


@pytest.mark.parametrize("language", ["ar", "fa_AF"])
def test_the_printed_card_is_no_smaller_in_the_residents_language_than_in_danish(open_as, server, language):
    page = open_as("volunteer", language)
    reach_signup_card(page, server, language)
    page.emulate_media(media="print")
    sizes = page.evaluate(CARD_SIZES)
    own, danish = sizes["own"], sizes["danish"]
    assert danish["lines"], "the card has Danish lines under the resident's own"
    assert own["title"] >= danish["title"], sizes
    assert min(own["lines"]) >= max(danish["lines"]), sizes
    pdf = page.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1, "the card prints on one A6 page"


def test_the_dot_after_an_answer_stays_with_the_answer_right_to_left(open_as, server, tmp_path):
    page = open_as("resident", "ar")
    page.goto(f"{server}/residents/{server.ids('ar')['me']}/appointments")
    card = page.locator("article.appointment", has_text="Beboerhuset")
    card.locator("details summary", has_text="لا أستطيع").click()
    card.locator("input[name=reason][value=sick_child]").check()
    card.locator("textarea[name=words]").fill("ابني مريض منذ أمس")
    card.locator("button[value=cant_come]").click()
    answer = page.locator("article.appointment", has_text="Beboerhuset").locator(".appointment__answer")
    expect(answer).to_contain_text(
        "ابني مريض منذ أمس"
    )  # the answer swapped in (another journey may have answered before)
    assert "·" in answer.inner_text()
    cdp = page.context.new_cdp_session(page)
    starting = {}
    try:
        for width, text in ((360, 16), (320, 16), (360, 32)):
            page.set_viewport_size({"width": width, "height": 800})
            set_text_size(cdp, text)
            page.goto(page.url.split("#")[0])
            answer.scroll_into_view_if_needed()
            page.screenshot(path=str(tmp_path / f"answer-{width}-{text}.png"))
            starting[f"{width} px, text {text} px"] = page.evaluate(probes.DOTS_STARTING_LINES)
    finally:
        set_text_size(cdp, 16)
    assert not any(starting.values()), starting


def test_a_voice_message_not_played_yet_carries_no_check_mark(open_as, server):
    from test_phrases_and_voice import record_and_send

    page = open_as("resident", "en")  # resident4, whose timeline no other journey plays voice messages in
    record_and_send(page, seconds=1)
    heard = page.locator("#entries .entry--voice.entry--mine .entry__heard").first
    expect(heard).to_have_text("Not played yet")
    marks = heard.locator("use").evaluate_all("uses => uses.map(use => use.getAttribute('href').split('#')[1])")
    assert not {"check", "check-check", "circle-check"} & set(marks), marks
