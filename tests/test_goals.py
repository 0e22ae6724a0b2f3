"""Goals and their steps, set and ticked off by the resident and their advisor."""
from __future__ import annotations

from datetime import timedelta

import pytest

from webapp.models import COPENHAGEN, Entry, EntryKind, Goal, GoalStep, utcnow

from .conftest import page_text
from .factories import rows
from .records_helpers import LANGUAGES, add_goal, key, speaking, url


@pytest.mark.parametrize("locale", LANGUAGES)
def test_goal_with_steps_reaches_the_advisor_in_danish(auth, accounts, resident, advisor_da, locale):
    speaking(auth.app, accounts.resident1, locale)
    month = (utcnow() + timedelta(days=70)).astimezone(COPENHAGEN).strftime("%Y-%m")
    assert add_goal(resident, accounts, kind="own", words="مطبخ مشترك", hours="١٠", month=month).status_code == 303
    (goal,) = rows(auth.app, Goal)
    assert goal.hours_per_week == 10 and goal.target_month.strftime("%Y-%m") == month
    for n, text in enumerate(["Besøge køkkenet", "Hygiejnekursus"]):
        resident.post(url(accounts, f"goals/{goal.id}/steps"), data={"text": text, "idempotency_key": key(10 + n)})
    page = page_text(advisor_da.get(url(accounts, "goals")))
    assert "Mit eget mål" in page
    assert "10 timer om ugen" in page
    assert "Besøge køkkenet" in page and "Hygiejnekursus" in page


def test_steps_are_ticked_off_by_either_and_the_history_kept(auth, accounts, resident, advisor_da):
    add_goal(resident, accounts)
    (goal,) = rows(auth.app, Goal)
    advisor_da.post(url(accounts, f"goals/{goal.id}/steps"), data={"text": "Skriv CV", "idempotency_key": key(2)})
    (step,) = rows(auth.app, GoalStep)
    assert resident.post(url(accounts, f"goals/{goal.id}/steps/{step.id}/done"), data={"done": "1"}).status_code == 303
    assert rows(auth.app, GoalStep)[0].done_at is not None
    assert rows(auth.app, Entry, Entry.kind == EntryKind.STEP_DONE)[0].body == "Skriv CV"
    timeline = page_text(advisor_da.get(f"/advisor/residents/{accounts.resident1.id}"))
    assert "Nyt skridt — mål: Et job" in timeline and "Skridt klaret — mål: Et job" in timeline


def test_goal_reached_paused_changed_with_history(auth, accounts, resident, advisor_da):
    add_goal(resident, accounts, words="Lager")
    (goal,) = rows(auth.app, Goal)
    resident.post(url(accounts, f"goals/{goal.id}"), data={"kind": "internship", "words": "Butik", "hours": "12"})
    resident.post(url(accounts, f"goals/{goal.id}/status"), data={"status": "paused"})
    advisor_da.post(url(accounts, f"goals/{goal.id}/status"), data={"status": "reached"})
    kinds = [e.kind for e in rows(auth.app, Entry, Entry.goal_id == goal.id)]
    assert kinds == ["goal_added", "goal_changed", "goal_status", "goal_status"]
    assert rows(auth.app, Entry, Entry.kind == EntryKind.GOAL_ADDED)[0].data["words"] == "Lager"
    assert rows(auth.app, Goal)[0].status == "reached"
    timeline = page_text(advisor_da.get(f"/advisor/residents/{accounts.resident1.id}"))
    assert "Mål: Praktik — På pause" in timeline and "Mål: Praktik — Nået" in timeline


def test_advisor_comments_on_a_goal_and_it_answers_the_resident(auth, accounts, resident, advisor_da):
    add_goal(resident, accounts)
    (goal,) = rows(auth.app, Goal)
    response = advisor_da.post(url(accounts, f"goals/{goal.id}/comments"), data={"text": "Godt mål!", "idempotency_key": key(5)})
    assert response.status_code == 303
    assert "Godt mål!" in page_text(resident.get("/me/"))
    assert "Kommentar — mål: Et job" in page_text(advisor_da.get(f"/advisor/residents/{accounts.resident1.id}"))
    assert resident.post(url(accounts, f"goals/{goal.id}/comments"), data={"text": "x", "idempotency_key": key(6)}).status_code == 403


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"hours": "40"}, "Hours a week are from 1 to 37."),
        ({"hours": "0"}, "Hours a week are from 1 to 37."),
        ({"hours": "ti"}, "Write a whole number, like 10."),
        ({"month": "2020-01"}, "Choose this month or a later one."),
        ({"month": "marts"}, "Write the month like \u20662027-03\u2069."),
        ({"kind": "lottery"}, "Please choose one of the options."),
        ({"words": "x" * 501}, "At most 500 characters, please."),
    ],
)
def test_bad_goal_is_refused_next_to_the_field_and_text_kept(auth, accounts, resident, data, message):
    data = {"words": "Mit eget køkken", **data}
    response = add_goal(resident, accounts, **data)
    assert response.status_code == 422
    assert message in page_text(response)
    assert "Mit eget køkken" in response.get_data(as_text=True) or "x" * 501 in response.get_data(as_text=True)
    assert rows(auth.app, Goal) == []


def test_step_text_is_required_and_limited(auth, accounts, resident):
    add_goal(resident, accounts)
    (goal,) = rows(auth.app, Goal)
    response = resident.post(url(accounts, f"goals/{goal.id}/steps"), data={"text": "s" * 201, "idempotency_key": key(3)})
    assert response.status_code == 422 and "At most 200 characters" in page_text(response)
    assert "s" * 201 in response.get_data(as_text=True)
