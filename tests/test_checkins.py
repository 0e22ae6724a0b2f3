"""Check-ins: how the resident is today, as they and their advisor see it."""

from __future__ import annotations

import pytest

from webapp.models import CheckIn, ContactRequest, Entry, EntryKind

from .conftest import page_text
from .factories import rows, set_values
from .records_helpers import LANGUAGES, key, speaking, url


@pytest.mark.parametrize("locale", LANGUAGES)
def test_check_in_in_any_language_reaches_the_advisor_in_danish(auth, accounts, resident, advisor_da, locale):
    speaking(auth.app, accounts.resident1, locale)
    response = resident.post(url(accounts, "checkins"), data={"mood": "4", "idempotency_key": key(1)})
    assert response.status_code == 303
    home = resident.get("/me/")
    assert 'aria-pressed="true"' in home.get_data(as_text=True)
    assert "Dagens humør: Godt" in page_text(advisor_da.get(f"/advisor/residents/{accounts.resident1.id}"))


def test_second_check_in_the_same_day_replaces_the_first_and_says_so(auth, accounts, resident):
    resident.post(url(accounts, "checkins"), data={"mood": "2", "idempotency_key": key(1)})
    response = resident.post(url(accounts, "checkins"), data={"mood": "4", "idempotency_key": key(2)})
    assert "replaced=1" in response.headers["Location"]
    assert "This replaces what you said earlier today." in page_text(resident.get(response.headers["Location"]))
    (checkin,) = rows(auth.app, CheckIn)
    assert checkin.mood == 4
    assert len(rows(auth.app, Entry, Entry.kind == EntryKind.CHECKIN)) == 2  # the history keeps both


def test_the_same_check_in_tap_twice_counts_once(auth, accounts, resident):
    for _ in range(2):
        resident.post(url(accounts, "checkins"), data={"mood": "3", "idempotency_key": key(1)})
    assert len(rows(auth.app, Entry, Entry.kind == EntryKind.CHECKIN)) == 1


def test_very_bad_check_in_offers_contact_and_flags_it(auth, accounts, resident, advisor_da):
    resident.post(url(accounts, "checkins"), data={"mood": "1", "idempotency_key": key(1)})
    assert "I want someone to contact me" in page_text(resident.get("/me/"))
    resident.post(url(accounts, "checkins/today"), data={"words": "Svær dag", "wants_contact": "y"})
    assert rows(auth.app, CheckIn)[0].wants_contact
    caseload = page_text(advisor_da.get("/advisor/"))
    assert caseload.index("فاطمة") < caseload.index("مریم")
    assert "Har bedt om at blive kontaktet" in caseload


def test_contact_is_not_offered_on_a_good_day(auth, accounts, resident):
    resident.post(url(accounts, "checkins"), data={"mood": "4", "idempotency_key": key(1)})
    home = resident.get("/me/")
    assert home.status_code == 200
    assert "Today you said: Good" in page_text(home)  # the page that shows today's check-in
    assert "I want someone to contact me" not in page_text(home)
    resident.post(url(accounts, "checkins/today"), data={"words": "", "wants_contact": "y"})
    assert not rows(auth.app, CheckIn)[0].wants_contact


@pytest.mark.parametrize("mood", ["0", "6", "good", ""])
def test_a_mood_outside_the_five_is_refused(auth, accounts, resident, mood):
    response = resident.post(url(accounts, "checkins"), data={"mood": mood, "idempotency_key": key(1)})
    assert response.status_code == 422
    assert "Please choose one of the options." in page_text(response)
    assert rows(auth.app, CheckIn) == []


def test_check_in_words_too_long_are_refused_and_kept(auth, accounts, resident):
    resident.post(url(accounts, "checkins"), data={"mood": "3", "idempotency_key": key(1)})
    words = "ord " * 300
    response = resident.post(url(accounts, "checkins/today"), data={"words": words})
    assert response.status_code == 422
    assert "At most 1,000 characters" in page_text(response)
    assert words.strip() in response.get_data(as_text=True)


def test_contact_is_not_asked_when_another_phone_made_the_day_good_meanwhile(auth, accounts, resident, monkeypatch):
    """The mood that decides is the one stored when the words are written, not the one read at the request's start."""
    from webapp.records import checkins

    resident.post(url(accounts, "checkins"), data={"mood": "1", "idempotency_key": key(1)})
    read_at_start = checkins.todays

    def then_another_phone_says_good(session, *, resident):
        found = read_at_start(session, resident=resident)
        set_values(auth.app, CheckIn, CheckIn.id == found.id, mood=4)
        return found

    monkeypatch.setattr(checkins, "todays", then_another_phone_says_good)
    resident.post(url(accounts, "checkins/today"), data={"words": "", "wants_contact": "y"})

    assert not rows(auth.app, CheckIn)[0].wants_contact
    assert rows(auth.app, ContactRequest) == []
