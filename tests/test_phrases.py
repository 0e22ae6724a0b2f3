"""Phrase messages: stored as a key, read by each reader in their own language."""

from __future__ import annotations

import re
import uuid
from datetime import date, time

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale
from sqlmodel import select

from webapp.cli import TRANSLATIONS
from webapp.dates import format_time, weekday_day
from webapp.models import Entry, EntryKind, User
from webapp.timeline import phrases
from webapp.timeline.display import phrase_preview, phrase_text

from .conftest import page_text
from .factories import rows, run, set_values, write

LOCALES = ["da", "ar", "fa_AF", "en"]
SOON = date(2027, 3, 2)  # a Tuesday in March: آذار in Arabic


def say(client, resident, phrase, body="", headers=None, **fields):
    return client.post(
        f"/residents/{resident.id}/entries",
        data={"phrase": phrase, "body": body, "idempotency_key": uuid.uuid4().hex, **fields},
        headers=headers or {},
    )


def reads(app, locale: str, english: str, **values) -> str:
    with app.test_request_context(), force_locale(locale):
        from flask_babel import gettext

        return gettext(english, **values)


def speak(app, user: User, locale: str) -> None:
    set_values(app, User, User.id == user.id, locale=locale)


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)s", text))


@pytest.mark.parametrize("locale", ["da", "ar", "fa_AF"])
def test_every_phrase_and_group_is_translated_with_its_placeholders(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    texts = {phrase.text for phrase in phrases.PHRASES.values()}
    texts |= {group.title for book in (phrases.RESIDENT_BOOK, phrases.ADVISOR_BOOK) for group in book}
    texts |= set(phrases.EARLIER.values())  # what was said before the words changed is still shown
    for text in texts:
        message = catalog.get(text)
        assert message is not None and message.string and not message.fuzzy, (locale, text)
        assert placeholders(message.string) == placeholders(text), (locale, text, message.string)


@pytest.mark.parametrize("locale", LOCALES)
def test_a_phrase_preview_never_ends_a_clause_on_a_doubled_dot(app, locale):
    """The phrase book shows "…" where the date, time or place go: "kl. …. Sted" read as a typo."""
    with app.test_request_context(), force_locale(locale):
        previews = [str(phrase_preview(phrase)) for phrase in phrases.PHRASES.values()]
    assert [preview for preview in previews if "…." in preview] == []


def test_the_books_hold_about_forty_phrases_each_and_keys_are_unique():
    resident = [p.key for group in phrases.RESIDENT_BOOK for p in group.phrases]
    advisor = [p.key for group in phrases.ADVISOR_BOOK for p in group.phrases]
    assert 35 <= len(resident) <= 45 and 35 <= len(advisor) <= 45
    assert len(set(resident)) == len(resident) and len(set(advisor)) == len(advisor)
    assert set(phrases.URGENT) == {"cant_come_today", "call_me", "child_sick", "lost_job"}


def test_the_phrases_that_tell_a_situation_are_the_residents_and_keep_their_keys():
    """Stored entries name these keys: "I lost my job" and the two starts ask the advisor to record a situation."""
    assert phrases.TOLD == ("started_working", "started_education", "lost_job")
    assert all(phrases.in_book(key, is_resident=True) for key in phrases.TOLD)
    assert not any(phrases.in_book(key, is_resident=False) for key in phrases.TOLD)
    assert phrases.PHRASES["lost_job"].urgent and not phrases.PHRASES["started_working"].urgent


@pytest.mark.parametrize("locale", LOCALES)
def test_every_phrase_renders_with_its_date_time_and_place_formatted_for_the_reader(app, locale):
    with app.test_request_context(), force_locale(locale):
        day, hour = weekday_day(SOON), format_time(10, 0)
        for phrase in phrases.PHRASES.values():
            shown = str(phrase_text(phrases.stored(phrase, on=SOON, at=time(10, 0), place="Sundhedshuset")))
            assert "%(" not in shown and shown.strip(), (locale, phrase.key)
            if phrases.DATE in phrase.params:
                assert day in shown, (locale, phrase.key, shown)
            if phrases.TIME in phrase.params:
                assert hour in shown, (locale, phrase.key, shown)
            if phrases.PLACE in phrase.params:
                assert '<bdi dir="auto">Sundhedshuset</bdi>' in shown
    if locale == "ar":
        assert "آذار" in day  # the Levantine month name
    if locale == "da":
        assert "2. marts" in day


def test_a_phrase_is_stored_as_key_version_and_parameters_never_as_text(auth, accounts):
    advisor = auth.client_for("advisor1")
    response = say(advisor, accounts.resident1, "come_on", on=SOON.isoformat(), at="10:00")
    assert response.status_code == 303
    entry = rows(auth.app, Entry, Entry.kind == EntryKind.PHRASE)[0]
    assert entry.data == {"phrase": "come_on", "version": 1, "params": {"date": "2027-03-02", "time": "10:00"}}
    assert entry.body is None


def test_a_phrase_in_arabic_reads_in_danish_to_the_advisor_and_an_urgent_one_raises_the_caseload(auth, accounts):
    app = auth.app
    speak(app, accounts.resident1, "ar")
    speak(app, accounts.advisor1, "da")
    resident, advisor = auth.client_for("resident1"), auth.client_for("advisor1")
    assert say(resident, accounts.resident1, "cant_come_today", body="الباص لا يعمل اليوم").status_code == 303

    response = advisor.get(f"/advisor/residents/{accounts.resident1.id}")
    assert reads(app, "da", "I can't come today") in page_text(response)
    assert reads(app, "da", "Said with a phrase") in page_text(response)
    # Their own words after the phrase, as written.
    assert '<p class="entry__body" dir="auto">الباص لا يعمل اليوم</p>' in response.get_data(as_text=True)
    assert reads(app, "ar", "I can't come today") in page_text(resident.get("/me/"))

    caseload = page_text(advisor.get("/advisor/"))
    urgent = reads(app, "da", "Says: “%(phrase)s”", phrase=reads(app, "da", "I can't come today"))
    assert urgent in caseload
    assert caseload.index(urgent) < caseload.index("مریم")  # raised above the resident with nothing urgent

    # The advisor answers with a phrase the resident reads in Arabic, with a Levantine month name.
    assert say(advisor, accounts.resident1, "moved_to", on=SOON.isoformat(), at="10:00").status_code == 303
    home = page_text(resident.get("/me/"))
    with app.test_request_context(), force_locale("ar"):
        expected = reads(
            app,
            "ar",
            "Your appointment is moved to %(date)s at %(time)s",
            date=weekday_day(SOON),
            time=format_time(10, 0),
        )
    assert expected in home and "آذار" in home
    assert urgent not in page_text(advisor.get("/advisor/"))  # answered: no longer urgent


def test_a_phrase_the_writer_cannot_choose_is_refused(auth, accounts):
    resident = auth.client_for("resident1")
    response = say(resident, accounts.resident1, "bring_cv", body="kept words")  # an advisor's phrase
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Choose a phrase from the list." in html and "kept words" in html
    assert rows(auth.app, Entry) == []


def test_a_phrase_without_its_date_is_refused_next_to_the_field_and_the_choice_kept(auth, accounts):
    advisor = auth.client_for("advisor1")
    response = say(advisor, accounts.resident1, "come_on", body="Husk papirerne", at="10:00")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="phrase-on-error">Choose the date this phrase is about.' in html
    assert re.search(r'value="come_on"\s+checked', html) or 'value="come_on" checked' in html
    assert "Husk papirerne" in html and 'value="10:00"' in html
    past = say(advisor, accounts.resident1, "come_on", on="2020-01-01", at="10:00")
    assert "Choose a date from today and within a year." in past.get_data(as_text=True)
    assert rows(auth.app, Entry) == []


def test_a_phrase_that_names_a_place_needs_one(auth, accounts):
    advisor = auth.client_for("advisor1")
    response = say(advisor, accounts.resident1, "meet_at", on=SOON.isoformat(), at="10:00", place="  ")
    assert response.status_code == 422
    assert 'id="phrase-place-error">Write or choose the place.' in response.get_data(as_text=True)
    assert (
        say(advisor, accounts.resident1, "meet_at", on=SOON.isoformat(), at="10:00", place="Sundhedshuset").status_code
        == 303
    )
    entry = rows(auth.app, Entry, Entry.kind == EntryKind.PHRASE)[0]
    assert entry.data["params"] == {"date": "2027-03-02", "time": "10:00", "place": "Sundhedshuset"}


def test_dates_and_times_typed_in_arabic_or_persian_digits_are_understood(auth, accounts):
    advisor = auth.client_for("advisor1")
    assert say(advisor, accounts.resident1, "call_on", on="٢/٣/٢٠٢٧", at="۱۰.۳۰").status_code == 303
    entry = rows(auth.app, Entry, Entry.kind == EntryKind.PHRASE)[0]
    assert entry.data["params"] == {"date": "2027-03-02", "time": "10:30"}


def test_what_was_said_keeps_the_words_of_its_version(auth, accounts, monkeypatch):
    resident = auth.client_for("resident1")
    say(resident, accounts.resident1, "thank_you")
    changed = phrases.Phrase("thank_you", "Thank you very much", version=2)
    monkeypatch.setitem(phrases.PHRASES, "thank_you", changed)
    monkeypatch.setitem(phrases.EARLIER, ("thank_you", 1), "Thank you")
    text = page_text(resident.get("/me/"))
    assert "Thank you" in text and "Thank you very much" not in text


@pytest.mark.parametrize("locale", ["ar", "fa_AF"])
def test_an_advisor_who_thinks_of_a_resident_now_hopes_they_are_well_and_what_was_said_stays(app, locale):
    """ "I am thinking of you" read as too personal from an advisor, often a man, to a woman (version 1)."""
    earlier = {"phrase": "write_when_ready", "version": 1, "params": {}}
    with app.test_request_context(), force_locale(locale):
        said_before, said_now = (
            str(phrase_text(data)) for data in (earlier, phrases.stored(phrases.PHRASES["write_when_ready"]))
        )
    assert said_before == reads(app, locale, "I am thinking of you. Write when you are ready.")
    assert said_now == reads(app, locale, "I hope you are well. Write when you are ready.") != said_before
    assert "أفكر فيك" not in said_before + said_now


def test_free_text_in_another_script_is_named_and_a_phrase_or_voice_can_be_asked_for(auth, accounts):
    app = auth.app
    speak(app, accounts.resident2, "fa_AF")
    speak(app, accounts.advisor1, "da")
    write(app, accounts.resident2, accounts.advisor1, "Hvor er det dejligt, Maryam! Godt gået.")
    resident = auth.client_for("resident2")
    html = resident.get("/me/").get_data(as_text=True)
    assert reads(app, "fa_AF", "This message is written in a language your screen does not use.") in html
    assert 'name="phrase" value="voice_please"' in html and 'name="phrase" value="cannot_read"' in html
    key = re.search(
        r'name="idempotency_key" value="([0-9a-f]{32})">\s*<button type="submit" name="phrase" value="voice_please"',
        html,
    ).group(1)
    sent = resident.post(
        f"/residents/{accounts.resident2.id}/entries", data={"phrase": "voice_please", "idempotency_key": key}
    )
    assert sent.status_code == 303
    asked = run(app, lambda s: s.exec(select(Entry).where(Entry.kind == EntryKind.PHRASE)).one())
    assert asked.data["phrase"] == "voice_please" and asked.author_id == accounts.resident2.id

    advisor_page = auth.client_for("advisor1").get(f"/advisor/residents/{accounts.resident2.id}").get_data(as_text=True)
    assert reads(app, "da", "Dari") in advisor_page
    assert '<details class="phrasebook" open>' in advisor_page  # phrases first


def test_danish_words_after_an_advisors_phrase_are_named_as_unreadable_for_a_dari_reader(auth, accounts):
    speak(auth.app, accounts.resident2, "fa_AF")
    advisor = auth.client_for("advisor1")
    assert say(advisor, accounts.resident2, "well_done", body="Husk at tage lønsedlen med.").status_code == 303
    html = auth.client_for("resident2").get("/me/").get_data(as_text=True)
    entry = re.search(r'<li id="entry-\d+" class="entry entry--phrase.*?</li>', html, re.S).group(0)
    assert "Husk at tage lønsedlen med." in entry
    assert "entry__unreadable" in entry and 'value="cannot_read"' in entry


def test_a_reply_in_the_readers_own_script_gets_no_such_note(auth, accounts):
    speak(auth.app, accounts.resident1, "ar")
    write(auth.app, accounts.resident1, accounts.advisor1, "أهلاً فاطمة")
    html = auth.client_for("resident1").get("/me/").get_data(as_text=True)
    assert "أهلاً فاطمة" in html and "entry__unreadable" not in html


def test_a_phrase_from_a_newer_app_is_shown_as_such(app):
    with app.test_request_context(), force_locale("en"):
        assert (
            str(phrase_text({"phrase": "not_yet_invented", "version": 1, "params": {}}))
            == "(a phrase this version of the app does not know)"
        )
