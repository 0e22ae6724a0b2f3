"""Barriers: what stands in the resident's way, and how it changes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from webapp.models import Barrier, Entry, EntryKind, utcnow
from webapp.records import barriers

from .conftest import page_text
from .factories import records_of, rows, run, set_values
from .records_helpers import LANGUAGES, entries, key, landing, reasons_of, said_in_timeline, speaking, url
from .test_lockout_parallel import at_once


@pytest.mark.parametrize("locale", LANGUAGES)
def test_barrier_picked_in_any_language_shows_in_danish_to_the_advisor(auth, accounts, resident, advisor_da, locale):
    speaking(auth.app, accounts.resident1, locale)
    response = resident.post(
        url(accounts, "barriers"),
        data={"key": "childcare", "words": "الروضة تغلق الساعة الثالثة", "idempotency_key": key(1)},
    )
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
    history = [
        e.data["status"]
        for e in rows(auth.app, Entry, Entry.barrier_id == barrier.id, Entry.kind == EntryKind.BARRIER_STATUS)
    ]
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
    response = resident.post(
        url(accounts, "barriers"), data={"key": "dragons", "words": "mine egne ord", "idempotency_key": key(1)}
    )
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


# --- What each state allows (webapp.models.records.BARRIER_MOVES) -------------------------------------------

STATUSES = ("present", "better", "solved")


def add_barrier(app, accounts, key_: str = "transport", n: int = 1) -> Barrier:
    return run(app, barriers.add, resident=accounts.resident1, key=key_, words=None, idempotency_key=key(n)).barrier


def status_entries(app, barrier_id: int) -> list[Entry]:
    return rows(app, Entry, Entry.barrier_id == barrier_id, Entry.kind == EntryKind.BARRIER_STATUS)


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("who", ["resident1", "advisor1"])
def test_status_form_on_a_removed_barrier_does_not_bring_it_back(auth, accounts, who, status):
    barrier = add_barrier(auth.app, accounts)
    assert auth.client_for("resident1").post(url(accounts, f"barriers/{barrier.id}/remove")).status_code == 303
    client = auth.client_for(who)

    response = client.post(url(accounts, f"barriers/{barrier.id}/status"), data={"status": status})

    assert response.status_code == 303
    assert rows(auth.app, Barrier)[0].status == "removed"
    assert status_entries(auth.app, barrier.id) == []
    page = page_text(client.get(response.headers["Location"]))
    assert "Transport was removed and can no longer be changed." in page
    assert "Transport" not in page.split("Recorded", 1)[1]


def test_advisor_cannot_mark_a_removed_barrier_as_seen(auth, accounts, resident):
    barrier = add_barrier(auth.app, accounts)
    resident.post(url(accounts, f"barriers/{barrier.id}/remove"))
    advisor = auth.client_for("advisor1")

    response = advisor.post(url(accounts, f"barriers/{barrier.id}/acknowledge"))

    assert response.status_code == 303
    assert rows(auth.app, Barrier)[0].acknowledged_at is None
    assert rows(auth.app, Entry, Entry.kind == EntryKind.BARRIER_SEEN) == []
    assert "Transport was removed and can no longer be changed." in page_text(advisor.get(response.headers["Location"]))


def test_marking_as_seen_twice_records_it_once(auth, accounts, advisor_da):
    barrier = add_barrier(auth.app, accounts)
    for _ in range(2):
        assert advisor_da.post(url(accounts, f"barriers/{barrier.id}/acknowledge")).status_code == 303
    assert len(rows(auth.app, Entry, Entry.kind == EntryKind.BARRIER_SEEN)) == 1


@pytest.mark.parametrize("status", ["present", "better"])
def test_reopening_a_solved_barrier_while_its_twin_is_open_lands_at_the_twin(auth, accounts, resident, status):
    old = add_barrier(auth.app, accounts, n=1)
    resident.post(url(accounts, f"barriers/{old.id}/status"), data={"status": "solved"})
    twin = add_barrier(auth.app, accounts, n=2)
    assert twin.id != old.id

    response = resident.post(url(accounts, f"barriers/{old.id}/status"), data={"status": status})

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#barrier-{twin.id}")
    assert {b.id: b.status for b in rows(auth.app, Barrier)} == {old.id: "solved", twin.id: "present"}
    assert [e.data["status"] for e in status_entries(auth.app, old.id)] == ["solved"]
    assert "Transport is already on the list." in page_text(resident.get(response.headers["Location"]))


def test_something_else_solved_can_reopen_beside_another_open_one(auth, accounts, resident):
    old = add_barrier(auth.app, accounts, "other", n=1)
    resident.post(url(accounts, f"barriers/{old.id}/status"), data={"status": "solved"})
    add_barrier(auth.app, accounts, "other", n=2)

    assert resident.post(url(accounts, f"barriers/{old.id}/status"), data={"status": "present"}).status_code == 303

    assert sorted(b.status for b in rows(auth.app, Barrier)) == ["present", "present"]


# Every status may move to every other one; the one it has already records nothing.
@pytest.mark.parametrize("before", STATUSES)
@pytest.mark.parametrize("after", STATUSES)
def test_every_status_moves_to_every_other_and_to_itself_records_nothing(auth, accounts, resident, before, after):
    barrier = add_barrier(auth.app, accounts)
    set_values(auth.app, Barrier, Barrier.id == barrier.id, status=before)

    response = resident.post(url(accounts, f"barriers/{barrier.id}/status"), data={"status": after})

    assert response.status_code == 303 and response.headers["Location"].endswith(f"#barrier-{barrier.id}")
    assert rows(auth.app, Barrier)[0].status == after
    assert [e.data["status"] for e in status_entries(auth.app, barrier.id)] == ([] if before == after else [after])


@pytest.mark.parametrize(
    ("status", "age", "removed"),
    [
        ("present", timedelta(hours=23), True),
        ("better", timedelta(hours=23), True),
        ("solved", timedelta(hours=1), False),  # solved is not a mistake
        ("present", timedelta(days=1, minutes=1), False),
    ],
)
def test_remove_is_offered_and_done_only_for_an_open_barrier_within_a_day(
    auth, accounts, resident, status, age, removed
):
    barrier = add_barrier(auth.app, accounts)
    set_values(auth.app, Barrier, Barrier.id == barrier.id, status=status, created_at=utcnow() - age)

    offered = "Added by mistake? Remove it" in page_text(resident.get(url(accounts, "barriers")))
    response = resident.post(url(accounts, f"barriers/{barrier.id}/remove"))

    assert offered is removed
    assert rows(auth.app, Barrier)[0].status == ("removed" if removed else status)
    assert len(rows(auth.app, Entry, Entry.kind == EntryKind.BARRIER_REMOVED)) == (1 if removed else 0)
    text = page_text(resident.get(response.headers["Location"]))
    assert ("Removed: Transport" in text) is removed
    assert ("This can no longer be removed." in text) is not removed


def test_remove_sent_twice_says_removed_both_times_and_records_once(auth, accounts, resident):
    barrier = add_barrier(auth.app, accounts)
    for _ in range(2):
        response = resident.post(url(accounts, f"barriers/{barrier.id}/remove"))
        assert "Removed: Transport" in page_text(resident.get(response.headers["Location"]))
    assert len(rows(auth.app, Entry, Entry.kind == EntryKind.BARRIER_REMOVED)) == 1


def test_open_barriers_come_first_newest_first_then_the_solved_ones(auth, accounts, resident):
    first, second, third = (
        add_barrier(auth.app, accounts, kind, n) for n, kind in enumerate(("transport", "money", "danish"), start=1)
    )
    resident.post(url(accounts, f"barriers/{third.id}/status"), data={"status": "solved"})

    text = page_text(resident.get(url(accounts, "barriers"))).split("Recorded", 1)[1]

    assert text.index("Money and debt") < text.index("Transport") < text.index("Danish language")


def test_a_solved_barrier_offers_its_way_back_and_shows_solved_pressed(auth, accounts, resident):
    barrier = add_barrier(auth.app, accounts)
    set_values(auth.app, Barrier, Barrier.id == barrier.id, status="solved")

    html = resident.get(url(accounts, "barriers")).get_data(as_text=True)

    buttons = re.findall(r'name="status" value="(\w+)"[^>]*aria-pressed="(\w+)"', html)
    assert buttons == [("present", "false"), ("better", "false"), ("solved", "true")]


def test_a_tile_tapped_twice_adds_one_barrier_and_says_so_where_the_page_lands(app, auth, accounts):
    resident = accounts.resident1
    me = auth.client_for("resident1")

    first = me.post(f"/residents/{resident.id}/barriers", data={"key": "digital", "idempotency_key": key(1)})
    landed = me.get(first.headers["Location"])
    second = me.post(f"/residents/{resident.id}/barriers", data={"key": "digital", "idempotency_key": key(2)})
    landed_again = me.get(second.headers["Location"])

    (barrier,) = rows(app, Barrier)
    assert (
        first.headers["Location"]
        == second.headers["Location"]
        == f"/residents/{resident.id}/barriers#barrier-{barrier.id}"
    )
    card = re.search(rf'id="barrier-{barrier.id}">(.*?)</li>', landed.get_data(as_text=True), re.S).group(1)
    assert "Saved: Computer and phone" in card
    assert "Computer and phone is already on your list." in landed_again.get_data(as_text=True)
    assert len(entries(app, EntryKind.BARRIER_ADDED)) == 1


def test_parallel_taps_on_one_tile_from_two_phones_add_one_barrier(app, auth, accounts):
    resident = accounts.resident1
    phones = [auth.client_for("resident1") for _ in range(6)]

    statuses = at_once(
        lambda n: (
            phones[n]
            .post(f"/residents/{resident.id}/barriers", data={"key": "transport", "idempotency_key": key(n)})
            .status_code
        ),
        6,
    )

    assert set(statuses) == {303}
    assert len(rows(app, Barrier)) == 1
    assert len(entries(app, EntryKind.BARRIER_ADDED)) == 1


def test_something_else_can_be_open_more_than_once(app, auth, accounts):
    resident = accounts.resident1
    me = auth.client_for("resident1")
    for n, words in enumerate(("Min bil er gået i stykker", "Jeg skal flytte")):
        me.post(f"/residents/{resident.id}/barriers", data={"key": "other", "words": words, "idempotency_key": key(n)})

    assert len(rows(app, Barrier)) == 2


def test_a_solved_barrier_can_come_back(app, auth, accounts):
    resident = accounts.resident1
    me = auth.client_for("resident1")
    me.post(f"/residents/{resident.id}/barriers", data={"key": "money", "idempotency_key": key(1)})
    set_values(app, Barrier, Barrier.resident_id == resident.id, status="solved")

    me.post(f"/residents/{resident.id}/barriers", data={"key": "money", "idempotency_key": key(2)})

    assert sorted(b.status for b in rows(app, Barrier)) == ["present", "solved"]


def test_a_barrier_added_by_mistake_is_removed_within_a_day(app, auth, accounts):
    resident = accounts.resident1
    me = auth.client_for("resident1")
    me.post(f"/residents/{resident.id}/barriers", data={"key": "childcare", "idempotency_key": key(1)})
    (barrier,) = rows(app, Barrier)
    assert "Added by mistake? Remove it" in page_text(me.get(f"/residents/{resident.id}/barriers"))

    response = me.post(f"/residents/{resident.id}/barriers/{barrier.id}/remove")

    assert response.status_code == 303
    assert "Childcare" not in page_text(me.get(f"/residents/{resident.id}/barriers")).split("Recorded", 1)[1]
    assert "Removed, added by mistake: Childcare" in page_text(
        auth.client_for("advisor1").get(f"/advisor/residents/{resident.id}")
    )
    assert "barrier" not in reasons_of(app, accounts.advisor1, resident)


def test_a_barrier_older_than_a_day_is_marked_solved_instead(app, auth, accounts):
    resident = accounts.resident1
    me = auth.client_for("resident1")
    me.post(f"/residents/{resident.id}/barriers", data={"key": "childcare", "idempotency_key": key(1)})
    set_values(app, Barrier, Barrier.resident_id == resident.id, created_at=utcnow() - timedelta(days=1, minutes=1))
    (barrier,) = rows(app, Barrier)

    assert "Added by mistake? Remove it" not in page_text(me.get(f"/residents/{resident.id}/barriers"))
    response = me.post(f"/residents/{resident.id}/barriers/{barrier.id}/remove")

    assert "This can no longer be removed." in page_text(me.get(response.headers["Location"]))
    assert rows(app, Barrier)[0].status == "present"


def test_only_the_resident_removes_a_barrier(app, auth, accounts):
    resident = accounts.resident1
    barrier = records_of(app, resident, accounts.advisor1)["barrier_id"]

    response = auth.client_for("advisor1").post(f"/residents/{resident.id}/barriers/{barrier}/remove")

    assert response.status_code == 403


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


def test_another_residents_barrier_is_not_found_under_this_resident(auth, accounts, resident):
    theirs = run(
        auth.app, barriers.add, resident=accounts.resident2, key="money", words=None, idempotency_key=key(1)
    ).barrier

    response = resident.post(url(accounts, f"barriers/{theirs.id}/status"), data={"status": "solved"})

    assert response.status_code == 404
    assert rows(auth.app, Barrier)[0].status == "present"


def test_the_advisors_status_change_and_seen_mark_are_recorded_as_theirs(auth, accounts):
    barrier = add_barrier(auth.app, accounts)
    advisor = auth.client_for("advisor1")

    advisor.post(url(accounts, f"barriers/{barrier.id}/status"), data={"status": "better"})
    advisor.post(url(accounts, f"barriers/{barrier.id}/acknowledge"))

    (after,) = rows(auth.app, Barrier)
    assert (after.status, after.acknowledged_by) == ("better", accounts.advisor1.id)
    authors = {e.kind: e.author_id for e in rows(auth.app, Entry, Entry.barrier_id == barrier.id)}
    assert authors == {
        EntryKind.BARRIER_ADDED: accounts.resident1.id,
        EntryKind.BARRIER_STATUS: accounts.advisor1.id,
        EntryKind.BARRIER_SEEN: accounts.advisor1.id,
    }


def test_each_residents_barriers_are_their_own_even_with_the_same_kind_and_form_key(app, auth, accounts):
    other = auth.client_for("resident2")
    for kind, form_key in (("transport", key(1)), ("money", key(3))):
        other.post(f"/residents/{accounts.resident2.id}/barriers", data={"key": kind, "idempotency_key": form_key})
    mine = auth.client_for("resident1")

    mine.post(url(accounts, "barriers"), data={"key": "transport", "idempotency_key": key(1)})  # the same form key
    mine.post(url(accounts, "barriers"), data={"key": "money", "idempotency_key": key(4)})  # a kind open for resident2

    def kinds_of(resident):
        return sorted(barrier.key for barrier in run(app, lambda session: barriers.of(session, resident=resident)))

    assert kinds_of(accounts.resident1) == kinds_of(accounts.resident2) == ["money", "transport"]


def test_acknowledging_or_removing_one_barrier_leaves_the_others_alone(app, auth, accounts):
    kinds = ["transport", "money", "danish"]
    first, second, third = (add_barrier(app, accounts, kind, n) for n, kind in enumerate(kinds))

    auth.client_for("advisor1").post(url(accounts, f"barriers/{second.id}/acknowledge"))
    auth.client_for("resident1").post(url(accounts, f"barriers/{third.id}/remove"))

    by_id = {barrier.id: barrier for barrier in rows(app, Barrier)}
    assert [by_id[first.id].acknowledged_at is None, by_id[second.id].acknowledged_at is None] == [True, False]
    statuses = [by_id[barrier.id].status for barrier in (first, second, third)]
    assert statuses == ["present", "present", "removed"]


def test_something_else_sent_twice_is_added_once(app, auth, accounts, resident):
    form = {"key": "other", "words": "Min cykel er stjålet", "idempotency_key": key(5)}

    answers = [resident.post(url(accounts, "barriers"), data=form).status_code for _ in range(2)]

    assert answers == [303, 303]
    assert [barrier.words for barrier in rows(app, Barrier)] == ["Min cykel er stjålet"]


def test_the_timeline_tells_each_barrier_change_at_its_barrier(auth, accounts, resident):
    words = "Bussen kører ikke om aftenen"
    resident.post(url(accounts, "barriers"), data={"key": "transport", "words": words, "idempotency_key": key(1)})
    resident.post(url(accounts, "barriers"), data={"key": "childcare", "idempotency_key": key(2)})
    transport, childcare = sorted(rows(auth.app, Barrier), key=lambda barrier: barrier.id)
    advisor = auth.client_for("advisor1")
    advisor.post(url(accounts, f"barriers/{transport.id}/acknowledge"))
    advisor.post(url(accounts, f"barriers/{transport.id}/status"), data={"status": "better"})
    resident.post(url(accounts, f"barriers/{childcare.id}/remove"))

    text = said_in_timeline(resident)

    for said in (
        f"New barrier: Transport {words}",
        "The advisor has seen: Transport",
        "Transport: Getting better",
        "New barrier: Childcare",
        "Removed, added by mistake: Childcare",
    ):
        assert said in text, said
    kept_at = [(entry.kind, entry.barrier_id, entry.data) for entry in rows(auth.app, Entry)]
    assert sorted(kept_at, key=str) == sorted(
        [
            (EntryKind.BARRIER_ADDED, transport.id, {"key": "transport"}),
            (EntryKind.BARRIER_ADDED, childcare.id, {"key": "childcare"}),
            (EntryKind.BARRIER_SEEN, transport.id, {"key": "transport"}),
            (EntryKind.BARRIER_STATUS, transport.id, {"key": "transport", "status": "better"}),
            (EntryKind.BARRIER_REMOVED, childcare.id, {"key": "childcare"}),
        ],
        key=str,
    )


def test_a_new_status_or_a_removal_is_when_the_barrier_last_changed(auth, accounts, resident):
    for n, kind in enumerate(("transport", "childcare")):
        resident.post(url(accounts, "barriers"), data={"key": kind, "idempotency_key": key(n)})
    transport, childcare = sorted(rows(auth.app, Barrier), key=lambda barrier: barrier.id)
    set_values(auth.app, Barrier, Barrier.id.is_not(None), updated_at=utcnow() - timedelta(hours=5))
    resident.post(url(accounts, f"barriers/{transport.id}/status"), data={"status": "solved"})
    resident.post(url(accounts, f"barriers/{childcare.id}/remove"))

    changed = {barrier.key: (barrier.status, barrier.updated_at) for barrier in rows(auth.app, Barrier)}

    assert {key: status for key, (status, _) in changed.items()} == {"transport": "solved", "childcare": "removed"}
    assert all(at > utcnow() - timedelta(minutes=1) for _, at in changed.values())
