"""Across languages and without writing: phrases each side reads in their own language, and voice
messages recorded in the browser and played on a phone."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from test_journeys import sign_in_resident, sign_in_staff


def record_and_send(page, seconds: float = 2.0) -> None:
    page.click("#voice-form details.voice > summary")
    record = page.locator("#voice-form [data-record]")
    expect(record).to_be_visible()  # MediaRecorder works here: the big button, not the file field
    expect(page.locator("#voice-file")).to_be_hidden()
    record.click()
    expect(record).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(seconds * 1000)
    record.click()
    expect(page.locator("#voice-form [data-preview]")).to_be_visible()
    page.click("#voice-form button[type=submit]")


def play(page, audio) -> float:
    """Play a recording to its end as a phone would; returns its length in seconds."""
    return audio.evaluate("""el => new Promise((done, failed) => {
        el.addEventListener('ended', () => done(el.duration), {once: true});
        el.addEventListener('error', () => failed(String(el.error && el.error.code)), {once: true});
        el.play().catch(failed);
    })""")


@pytest.mark.parametrize(
    ("username", "name", "their_language", "cant_come"),
    [
        ("resident1", "فاطمة الحسن", "ar", "لا أستطيع الحضور اليوم"),
        ("resident2", "مریم", "fa_AF", None),
    ],
)
def test_phrases_and_voice_cross_the_language_line(
    server, phone, laptop, tmp_path, username, name, their_language, cant_come
):
    resident = phone.new_page()
    sign_in_resident(resident, server, username)
    expect(resident.locator("html")).to_have_attribute("lang", their_language.replace("_", "-"))

    # Two taps reach a phrase: open the book, choose it. Then send.
    resident.click("#message-form details.phrasebook > summary")
    resident.check("#message-form input[name=phrase][value=cant_come_today]")
    resident.click("#message-form button[type=submit]")
    expect(resident.locator("#entries .entry--phrase").first).to_be_visible()
    said_in_own_language = resident.locator("#entries .entry--phrase .entry__phrase").first.inner_text()
    if cant_come:
        assert said_in_own_language == cant_come
    record_and_send(resident)
    expect(resident.locator("#entries .entry--voice").first).to_be_visible()

    advisor = laptop.new_page()
    sign_in_staff(advisor, server, "advisor1")
    row = advisor.locator(".caseload__row", has_text=name)
    expect(row).to_contain_text("Siger: »Jeg kan ikke komme i dag«")
    row.click()
    expect(advisor.locator("#entries .entry--phrase").first).to_contain_text("Jeg kan ikke komme i dag")
    expect(advisor.locator("#entries .entry--phrase").first).to_contain_text("Sagt med en færdig sætning")
    assert play(advisor, advisor.locator("#entries .entry--voice audio").first) > 1.0

    # The advisor answers with a phrase about a day in March, and with a voice message.
    advisor.click("#message-form details.phrasebook > summary") if not advisor.locator(
        "#message-form details.phrasebook[open]"
    ).count() else None
    advisor.check("#message-form input[name=phrase][value=moved_to]")
    march = date(date.today().year + 1, 3, 2)
    advisor.fill("#phrase-on", march.isoformat())
    advisor.fill("#phrase-at", "10:00")
    advisor.click("#message-form button[type=submit]")
    expect(advisor.locator("#entries .entry--phrase").first).to_contain_text("marts")
    record_and_send(advisor)
    expect(advisor.locator("#entries .entry--voice").first).to_be_visible()

    answer = resident.locator("#entries .entry--phrase.entry--theirs").first
    expect(answer).to_be_visible(timeout=5000)
    expect(answer).to_contain_text("آذار" if their_language == "ar" else "مارچ")
    expect(answer).to_contain_text("10:00")
    voice = resident.locator("#entries .entry--voice.entry--theirs audio").first
    expect(voice).to_be_visible(timeout=5000)
    assert play(resident, voice) > 1.0
    width = resident.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
    resident.screenshot(path=str(tmp_path / f"{username}-home.png"), full_page=True)
    # The advisor's page learns it was played from its poll, without a reload.
    expect(advisor.locator("#entries .entry--voice.entry--mine").first).to_contain_text("Hørt", timeout=5000)
    assert phone.console_errors == []


# A device with an Arabic voice of its own and a Danish one that would send the text away.
SPEECH = """
window.spoken = [];
const voices = [{lang: "ar-SA", localService: true, name: "Laila"},
                {lang: "da-DK", localService: false, name: "Online dansk"}];
Object.defineProperty(window, "speechSynthesis", {value: {
  getVoices: () => voices, addEventListener() {}, cancel() {},
  speak(utterance) { window.spoken.push({text: utterance.text, lang: utterance.lang}); }}});
window.SpeechSynthesisUtterance = function (text) { this.text = text; };
"""


def test_listen_reads_with_the_devices_own_voice_and_hides_where_there_is_none(server, phone):
    page = phone.new_page()
    page.add_init_script(SPEECH)
    sign_in_resident(page, server, "resident1")
    question = page.locator("[data-listen=checkin-title]")
    expect(question).to_be_visible()
    question.click()
    spoken = page.evaluate("window.spoken")
    assert spoken == [{"text": page.locator("#checkin-title").inner_text(), "lang": "ar-SA"}]
    arabic = page.locator("#entries .entry--message [data-listen][data-lang=ar]")
    danish = page.locator("#entries .entry--message [data-listen][data-lang=da]")
    assert arabic.count() and danish.count()
    expect(arabic.first).to_be_visible()
    expect(danish.first).to_be_hidden()  # only an online Danish voice: the text would leave the device
