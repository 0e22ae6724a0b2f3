"""Goals and their steps, set and ticked off by the resident and their advisor."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from webapp.models import COPENHAGEN, Entry, EntryKind, Goal, GoalStep, utcnow

from .conftest import page_text
from .factories import rows, set_values
from .records_helpers import LANGUAGES, add_goal, key, landing, speaking, url


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
    response = advisor_da.post(
        url(accounts, f"goals/{goal.id}/comments"), data={"text": "Godt mål!", "idempotency_key": key(5)}
    )
    assert response.status_code == 303
    assert "Godt mål!" in page_text(resident.get("/me/"))
    assert "Kommentar — mål: Et job" in page_text(advisor_da.get(f"/advisor/residents/{accounts.resident1.id}"))
    assert (
        resident.post(
            url(accounts, f"goals/{goal.id}/comments"), data={"text": "x", "idempotency_key": key(6)}
        ).status_code
        == 403
    )


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
    response = resident.post(
        url(accounts, f"goals/{goal.id}/steps"), data={"text": "s" * 201, "idempotency_key": key(3)}
    )
    assert response.status_code == 422 and "At most 200 characters" in page_text(response)
    assert "s" * 201 in response.get_data(as_text=True)


# --- What each state allows (webapp.models.records.GOAL_MOVES) ---------------------------------------------
# A goal has no "removed": it is worked on, paused or reached, and each may follow each ("back to working on
# it" after reached or paused). The status it already has records nothing. Steps are ticked and unticked
# whatever the goal's status: a step done after the goal was reached still happened.

GOAL_STATUSES = ("active", "paused", "reached")


@pytest.mark.parametrize("before", GOAL_STATUSES)
@pytest.mark.parametrize("after", GOAL_STATUSES)
def test_every_goal_status_moves_to_every_other_and_to_itself_records_nothing(auth, accounts, resident, before, after):
    add_goal(resident, accounts)
    (goal,) = rows(auth.app, Goal)
    set_values(auth.app, Goal, Goal.id == goal.id, status=before)

    response = resident.post(url(accounts, f"goals/{goal.id}/status"), data={"status": after})

    assert response.status_code == 303 and response.headers["Location"].endswith(f"#goal-{goal.id}")
    assert rows(auth.app, Goal)[0].status == after
    statuses = [e.data["status"] for e in rows(auth.app, Entry, Entry.kind == EntryKind.GOAL_STATUS)]
    assert statuses == ([] if before == after else [after])


def test_a_goal_status_not_offered_is_refused(auth, accounts, resident):
    add_goal(resident, accounts)
    (goal,) = rows(auth.app, Goal)

    response = resident.post(url(accounts, f"goals/{goal.id}/status"), data={"status": "removed"})

    assert response.status_code == 422
    assert rows(auth.app, Goal)[0].status == "active"


@pytest.mark.parametrize("status", GOAL_STATUSES)
def test_steps_of_a_goal_in_any_status_are_ticked_once(auth, accounts, resident, status):
    add_goal(resident, accounts)
    (goal,) = rows(auth.app, Goal)
    resident.post(url(accounts, f"goals/{goal.id}/steps"), data={"text": "Skriv CV", "idempotency_key": key(2)})
    (step,) = rows(auth.app, GoalStep)
    set_values(auth.app, Goal, Goal.id == goal.id, status=status)

    for done in ("1", "1", "0"):
        response = resident.post(url(accounts, f"goals/{goal.id}/steps/{step.id}/done"), data={"done": done})
        assert response.status_code == 303

    assert rows(auth.app, GoalStep)[0].done_at is None
    assert len(rows(auth.app, Entry, Entry.kind == EntryKind.STEP_DONE)) == 1


def test_a_reached_goal_offers_working_on_it_again_with_reached_pressed(auth, accounts, resident):
    add_goal(resident, accounts)
    (goal,) = rows(auth.app, Goal)
    set_values(auth.app, Goal, Goal.id == goal.id, status="reached")

    html = resident.get(url(accounts, "goals")).get_data(as_text=True)

    buttons = re.findall(r'name="status" value="(\w+)"[^>]*aria-pressed="(\w+)"', html)
    assert buttons == [("active", "false"), ("reached", "true"), ("paused", "false")]


def test_every_change_to_a_goal_lands_at_the_goal_and_says_what_changed(auth, accounts, resident, advisor_da):
    response = add_goal(resident, accounts, words="Kok i en børnehave")
    (goal,) = rows(auth.app, Goal)
    at = f"goal-{goal.id}"
    assert landing(resident, response) == (at, "Saved: A job")
    response = resident.post(
        url(accounts, f"goals/{goal.id}/steps"), data={"text": "Ring til Lise", "idempotency_key": key(2)}
    )
    assert landing(resident, response) == (at, "Step added: Ring til Lise")
    (step,) = rows(auth.app, GoalStep)
    response = resident.post(url(accounts, f"goals/{goal.id}/steps/{step.id}/done"), data={"done": "1"})
    assert landing(resident, response) == (at, "Step done: Ring til Lise")
    response = resident.post(url(accounts, f"goals/{goal.id}/steps/{step.id}/done"), data={"done": "0"})
    assert landing(resident, response) == (at, "Step not done yet: Ring til Lise")
    response = resident.post(url(accounts, f"goals/{goal.id}/status"), data={"status": "paused"})
    assert landing(resident, response)[0] == at
    response = resident.post(url(accounts, f"goals/{goal.id}"), data={"kind": "education", "words": "Kokkeskole"})
    assert landing(resident, response) == (at, "Saved: Education")
    response = advisor_da.post(
        url(accounts, f"goals/{goal.id}/comments"), data={"text": "Godt!", "idempotency_key": key(3)}
    )
    assert landing(advisor_da, response) == (at, "Kommentaren er gemt.")
