"""Barriers: what stands in the resident's way, and how it changes."""
from __future__ import annotations


import pytest

from webapp.models import Barrier, Entry, EntryKind

from .conftest import page_text
from .factories import rows
from .records_helpers import LANGUAGES, key, speaking, url


@pytest.mark.parametrize("locale", LANGUAGES)
def test_barrier_picked_in_any_language_shows_in_danish_to_the_advisor(auth, accounts, resident, advisor_da, locale):
    speaking(auth.app, accounts.resident1, locale)
    response = resident.post(url(accounts, "barriers"), data={"key": "childcare", "words": "الروضة تغلق الساعة الثالثة",
                                                              "idempotency_key": key(1)})
    assert response.status_code == 303
    (barrier,) = rows(auth.app, Barrier)
    assert barrier.key == "childcare"
    page = page_text(advisor_da.get(url(accounts, "barriers")))
    assert "Børnepasning" in page and "الروضة تغلق" in page
    assert "Ny forhindring: Børnepasning" in page_text(advisor_da.get(f"/advisor/residents/{accounts.resident1.id}"))


def test_barrier_status_changes_keep_their_history(auth, accounts, resident):
    resident.post(url(accounts, "barriers"), data={"key": "transport", "idempotency_key": key(1)})
    (barrier,) = rows(auth.app, Barrier)
    for status in ("better", "better", "solved"):
        assert resident.post(url(accounts, f"barriers/{barrier.id}/status"), data={"status": status}).status_code == 303
    history = [e.data["status"] for e in rows(auth.app, Entry, Entry.barrier_id == barrier.id, Entry.kind == EntryKind.BARRIER_STATUS)]
    assert history == ["better", "solved"]
    assert rows(auth.app, Barrier)[0].status == "solved"


def test_advisor_acknowledges_a_barrier_and_the_resident_sees_it(auth, accounts, resident, advisor_da):
    resident.post(url(accounts, "barriers"), data={"key": "danish", "idempotency_key": key(1)})
    (barrier,) = rows(auth.app, Barrier)
    assert "Ny forhindring" in page_text(advisor_da.get("/advisor/"))
    assert advisor_da.post(url(accounts, f"barriers/{barrier.id}/acknowledge")).status_code == 303
    assert "Your advisor has seen this" in page_text(resident.get(url(accounts, "barriers")))
    assert "Ny forhindring" not in page_text(advisor_da.get("/advisor/"))


def test_unknown_barrier_key_is_refused_with_own_words_kept(auth, accounts, resident):
    response = resident.post(url(accounts, "barriers"), data={"key": "dragons", "words": "mine egne ord", "idempotency_key": key(1)})
    assert response.status_code == 422
    assert "Please choose one of the options." in page_text(response)
    assert "mine egne ord" in response.get_data(as_text=True)
    assert rows(auth.app, Barrier) == []


def test_same_barrier_tap_twice_makes_one(auth, accounts, resident):
    for _ in range(2):
        resident.post(url(accounts, "barriers"), data={"key": "money", "idempotency_key": key(7)})
    assert len(rows(auth.app, Barrier)) == 1


def test_resident_cannot_acknowledge_and_advisor_cannot_check_in(auth, accounts, resident, advisor_da):
    resident.post(url(accounts, "barriers"), data={"key": "money", "idempotency_key": key(1)})
    (barrier,) = rows(auth.app, Barrier)
    assert resident.post(url(accounts, f"barriers/{barrier.id}/acknowledge")).status_code == 403
    assert advisor_da.post(url(accounts, "checkins"), data={"mood": "3", "idempotency_key": key(2)}).status_code == 403
