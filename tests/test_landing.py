"""After every action the answer is in view: the redirect lands at the item that changed (a fragment
id) and the page shows a notice in words beside it, focused so it is read out. Without JavaScript
this is all there is; with htmx the same address is followed (see test_htmx_landing below)."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from webapp.models import Appointment, Barrier, Entry, Goal, GoalStep, utcnow

from .conftest import page_text
from .factories import rows, set_values
from .records_helpers import add_goal, key, local, url

def landing(client, response) -> tuple[str, str]:
    """Where the redirect lands (#fragment) and the notice shown inside that item, as a person sees it."""
    assert response.status_code == 303, response.status_code
    path, _, anchor = response.headers["Location"].partition("#")
    assert anchor, response.headers["Location"]
    html = client.get(path).get_data(as_text=True)
    start = html.index(f'id="{anchor}"')
    notice = re.search(r'<p class="notice" role="status" tabindex="-1" autofocus>.*?</p>', html[start:], re.S)
    assert notice, f"no focused notice after #{anchor}"
    assert html.index(notice.group(0), start) < _end_of_item(html, start), f"the notice is not inside #{anchor}"
    return anchor, unescape(re.sub(r"<[^>]+>", "", notice.group(0))).strip()


def _end_of_item(html: str, start: int) -> int:
    tag = re.match(r"<(\w+)", html[html.rindex("<", 0, start):]).group(1)
    return html.index(f"</{tag}>", start)


def test_a_tapped_barrier_lands_at_its_card_saying_saved(auth, accounts, resident):
    response = resident.post(url(accounts, "barriers"), data={"key": "digital", "idempotency_key": key(1)})
    (barrier,) = rows(auth.app, Barrier)
    assert landing(resident, response) == (f"barrier-{barrier.id}", "Saved: Computer and phone")


def test_a_barrier_tapped_again_lands_at_the_same_card_saying_it_is_there(auth, accounts, resident):
    landing(resident, resident.post(url(accounts, "barriers"), data={"key": "digital", "idempotency_key": key(1)}))
    response = resident.post(url(accounts, "barriers"), data={"key": "digital", "idempotency_key": key(2)})
    (barrier,) = rows(auth.app, Barrier)
    assert landing(resident, response) == (f"barrier-{barrier.id}", "Computer and phone is already on your list.")


def test_how_a_barrier_is_now_and_the_advisors_seen_mark_land_at_its_card(auth, accounts, resident, advisor_da):
    landing(resident, resident.post(url(accounts, "barriers"), data={"key": "transport", "idempotency_key": key(1)}))
    (barrier,) = rows(auth.app, Barrier)
    response = resident.post(url(accounts, f"barriers/{barrier.id}/status"), data={"status": "better"})
    assert landing(resident, response) == (f"barrier-{barrier.id}", "Saved: Transport — Getting better")
    response = advisor_da.post(url(accounts, f"barriers/{barrier.id}/acknowledge"))
    assert landing(advisor_da, response) == (f"barrier-{barrier.id}", "Markeret som set: Transport")


def test_every_change_to_a_goal_lands_at_the_goal_and_says_what_changed(auth, accounts, resident, advisor_da):
    response = add_goal(resident, accounts, words="Kok i en børnehave")
    (goal,) = rows(auth.app, Goal)
    at = f"goal-{goal.id}"
    assert landing(resident, response) == (at, "Saved: A job")
    response = resident.post(url(accounts, f"goals/{goal.id}/steps"), data={"text": "Ring til Lise", "idempotency_key": key(2)})
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
    response = advisor_da.post(url(accounts, f"goals/{goal.id}/comments"), data={"text": "Godt!", "idempotency_key": key(3)})
    assert landing(advisor_da, response) == (at, "Kommentaren er gemt.")


def test_every_change_to_an_appointment_lands_at_it_and_says_what_changed(auth, accounts, resident, advisor_da):
    response = advisor_da.post(url(accounts, "appointments"), data={
        "starts_at": local(utcnow() + timedelta(days=3)), "place": "Beboerhuset", "with_whom": "advisor",
        "interpreter": "", "idempotency_key": key(1)})
    (appointment,) = rows(auth.app, Appointment)
    at = f"appointment-{appointment.id}"
    anchor, notice = landing(advisor_da, response)
    assert anchor == at and notice.startswith("Gemt: Aftalen ")

    response = resident.post(url(accounts, f"appointments/{appointment.id}/answer"),
                             data={"response": "cant_come", "reason": "sick_child", "version": 1})
    anchor, notice = landing(resident, response)
    assert (anchor, notice) == (at, "Sent: I can't come")
    page = resident.get(url(accounts, "appointments")).get_data(as_text=True)
    card = page[page.index(f'id="{at}"'):]
    assert "<details open" not in card[:card.index("</article>")]  # the "I can't come" form is closed again

    version = rows(auth.app, Appointment)[0].version
    moved = local(utcnow() + timedelta(days=4))
    response = advisor_da.post(url(accounts, f"appointments/{appointment.id}/move"),
                               data={"starts_at": moved, "place": "Beboerhuset", "version": version})
    assert landing(advisor_da, response)[1].startswith("Gemt: Aftalen er nu ")
    version = rows(auth.app, Appointment)[0].version
    response = advisor_da.post(url(accounts, f"appointments/{appointment.id}/cancel"), data={"version": version})
    assert landing(advisor_da, response) == (at, "Aftalen er aflyst. Du kan fortryde i 10 minutter.")
    version = rows(auth.app, Appointment)[0].version
    response = advisor_da.post(url(accounts, f"appointments/{appointment.id}/restore"), data={"version": version})
    assert landing(advisor_da, response) == (at, "Aftalen gælder igen.")
    set_values(auth.app, Appointment, Appointment.id == appointment.id, starts_at=utcnow() - timedelta(hours=1))
    version = rows(auth.app, Appointment)[0].version
    response = advisor_da.post(url(accounts, f"appointments/{appointment.id}/outcome"),
                               data={"outcome": "attended", "version": version})
    assert landing(advisor_da, response) == (at, "Gemt: Vi mødtes")


def test_a_message_sent_without_javascript_lands_at_it_saying_sent(auth, accounts, resident):
    response = resident.post(f"/residents/{accounts.resident1.id}/entries",
                             data={"body": "Jeg kommer lidt senere.", "idempotency_key": key(1)})
    (entry,) = rows(auth.app, Entry)
    assert landing(resident, response) == (f"entry-{entry.id}", "Sent")


@pytest.mark.parametrize("boosted", [True, False], ids=["boosted-form", "htmx-swap"])
def test_htmx_landing_keeps_the_fragment_so_the_page_scrolls_to_the_item(auth, accounts, resident, boosted):
    headers = {"HX-Request": "true", **({"HX-Boosted": "true"} if boosted else {})}
    response = resident.post(url(accounts, "barriers"), data={"key": "digital", "idempotency_key": key(1)}, headers=headers)
    (barrier,) = rows(auth.app, Barrier)
    # A redirect followed by XMLHttpRequest would lose the #fragment; HX-Location keeps it for htmx to scroll to.
    assert response.status_code == 204
    assert f'#barrier-{barrier.id}"' in response.headers["HX-Location"]


def test_a_refused_boosted_form_keeps_the_address_of_its_page(auth, accounts, resident):
    add_goal(resident, accounts)
    (goal,) = rows(auth.app, Goal)
    response = resident.post(url(accounts, f"goals/{goal.id}/steps"), data={"text": "", "idempotency_key": key(2)},
                             headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert response.status_code == 422
    assert response.headers["HX-Push-Url"] == "false"
    assert "Write the step first." in page_text(response)


def test_a_page_shows_only_one_element_that_takes_the_focus(auth, accounts, resident):
    response = resident.post(url(accounts, "goals"), data={"kind": "", "month": "marts", "idempotency_key": key(3)})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.count(" autofocus") == 1  # two mistakes: the first (the kind of goal) takes the focus
    assert re.search(r'name="kind" value="\w+" aria-invalid="true" aria-describedby="new-goal-kind-error" autofocus', html)
