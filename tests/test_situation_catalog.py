"""The coordinator's list of situations: data, like the housing areas, and the partnership's choice of what counts."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from webapp.models import AuditEvent, Situation, User
from webapp.outcomes import situations

from .conftest import page_text
from .factories import rows, run, set_values
from .test_lockout_parallel import at_once
from .test_records_parallel import clients

DEFAULT_KEYS = [
    "work",
    "wage_subsidy",
    "flex_job",
    "education",
    "course",
    "work_placement",
    "sick_leave",
    "parental_leave",
    "nothing_yet",
    "moved_away",
    "ended",
]
NEW = {"name": "Fritidsjob", "category": "work", "asks_hours": "y", "idempotency_key": "a" * 32}


def offered(app) -> list[Situation]:
    return run(app, situations.catalog)


def by_key(app, key: str) -> Situation:
    (found,) = rows(app, Situation, Situation.key == key)
    return found


def by_name(app, name: str) -> list[Situation]:
    return rows(app, Situation, Situation.name == name)


def events(app, action: str) -> list[AuditEvent]:
    return sorted(rows(app, AuditEvent, AuditEvent.action == action), key=lambda event: event.id)


def test_the_default_list_is_offered_in_order(app):
    assert [situation.key for situation in offered(app)] == DEFAULT_KEYS


def test_by_default_only_ordinary_work_and_education_count_for_the_partnership(app):
    assert [situation.key for situation in offered(app) if situation.counts_as_outcome] == ["work", "education"]


def test_coordinator_sees_every_situation_with_its_danish_name_and_what_it_asks(auth, accounts):
    text = page_text(auth.client_for("coordinator").get("/coordinator/situations"))
    assert "In work (ordinary hours)" in text and "I arbejde (ordinære timer)" in text
    assert "Virksomhedspraktik" in text and "asks for the employer" in text
    assert text.count("Counts for the partnership") == 2
    assert "for still being there at 3, 6 and 12 months" in text


def test_the_overview_links_to_the_situations(auth, accounts):
    assert 'href="/coordinator/situations"' in auth.client_for("coordinator").get("/coordinator/").get_data(
        as_text=True
    )


def test_an_added_situation_goes_last_and_is_offered_to_advisors(auth, accounts):
    response = auth.client_for("coordinator").post("/coordinator/situations", data=NEW)
    assert response.status_code == 303
    last = offered(auth.app)[-1]
    assert (last.name, last.key, last.category, last.asks_hours, last.asks_employer, last.counts_as_outcome) == (
        "Fritidsjob",
        None,
        "work",
        True,
        False,
        False,
    )
    assert last.position == len(DEFAULT_KEYS)


def test_adding_a_situation_is_audit_logged(auth, accounts):
    auth.client_for("coordinator").post("/coordinator/situations", data=NEW)
    (event,) = events(auth.app, "situation_added")
    assert event.actor_id == accounts.coordinator.id and event.detail["name"] == "Fritidsjob"


def test_the_name_is_kept_without_the_spaces_around_it(auth, accounts):
    auth.client_for("coordinator").post("/coordinator/situations", data={**NEW, "name": "  Fritidsjob  "})
    assert by_name(auth.app, "Fritidsjob")


@pytest.mark.parametrize(
    ("name", "refusal"),
    [
        ("", "Write the Danish name of the situation."),
        ("   ", "Write the Danish name of the situation."),
        ("x" * 81, "A name can be at most 80 characters."),
        ("Fleksjob", "There is already a situation with that name."),
        ("fleksjob", "There is already a situation with that name."),
        (" FLEKSJOB ", "There is already a situation with that name."),
    ],
)
def test_a_name_that_is_empty_too_long_or_taken_is_refused_next_to_the_field(auth, accounts, name, refusal):
    response = auth.client_for("coordinator").post("/coordinator/situations", data={**NEW, "name": name})
    assert response.status_code == 422
    assert f'id="name-error">{refusal}' in response.get_data(as_text=True).replace("&#39;", "'")
    assert len(offered(auth.app)) == len(DEFAULT_KEYS)


def test_a_refused_form_keeps_what_was_typed(auth, accounts):
    response = auth.client_for("coordinator").post(
        "/coordinator/situations", data={**NEW, "name": "fleksjob", "asks_employer": "y", "counts_as_outcome": "y"}
    )
    html = response.get_data(as_text=True)
    assert 'value="fleksjob"' in html
    assert 'value="work" aria-describedby="category-work-hint" checked' in html
    assert 'name="asks_employer" value="y" checked' in html and 'name="counts_as_outcome" value="y" checked' in html


def test_a_situation_without_a_kind_is_refused_next_to_the_choice(auth, accounts):
    response = auth.client_for("coordinator").post("/coordinator/situations", data={**NEW, "category": ""})
    assert response.status_code == 422
    assert 'id="category-error">Please choose one of the options.' in response.get_data(as_text=True)


def test_the_same_form_sent_twice_adds_the_situation_once(auth, accounts):
    coordinator = auth.client_for("coordinator")
    assert [coordinator.post("/coordinator/situations", data=NEW).status_code for _ in range(2)] == [303, 303]
    assert len(by_name(auth.app, "Fritidsjob")) == 1 and len(events(auth.app, "situation_added")) == 1


def test_parallel_adds_of_one_name_in_different_cases_add_it_once(auth, accounts):
    browsers = clients(auth, "coordinator", 6)
    names = ["Fritidsjob", "fritidsjob", "FRITIDSJOB"] * 2

    statuses = at_once(
        lambda n: (
            browsers[n]
            .post("/coordinator/situations", data={**NEW, "name": names[n], "idempotency_key": f"{n:032x}"})
            .status_code
        ),
        len(browsers),
    )

    assert sorted(statuses) == [303] + [422] * 5
    assert len(offered(auth.app)) == len(DEFAULT_KEYS) + 1


def test_a_situation_off_the_list_is_not_offered_but_history_keeps_it(auth, accounts):
    course = by_key(auth.app, "course")
    run(
        auth.app,
        situations.record,
        resident=accounts.resident1,
        advisor=accounts.advisor1,
        situation=course,
        starts_on=date(2026, 1, 5),
        hours=10,
        employer=None,
        idempotency_key="c" * 32,
    )

    response = auth.client_for("coordinator").post(f"/coordinator/situations/{course.id}/active", data={"to": "no"})

    assert response.status_code == 303
    assert "course" not in [situation.key for situation in offered(auth.app)]
    assert [situation.key for _, situation in run(auth.app, situations.history, resident=accounts.resident1)] == [
        "course"
    ]
    assert "Off the list" in page_text(auth.client_for("coordinator").get("/coordinator/situations"))


def test_a_situation_put_back_is_offered_again_in_its_place(auth, accounts):
    course = by_key(auth.app, "course")
    coordinator = auth.client_for("coordinator")
    coordinator.post(f"/coordinator/situations/{course.id}/active", data={"to": "no"})
    coordinator.post(f"/coordinator/situations/{course.id}/active", data={"to": "yes"})
    assert [situation.key for situation in offered(auth.app)] == DEFAULT_KEYS


def test_the_partnership_can_count_another_situation(auth, accounts):
    flex_job = by_key(auth.app, "flex_job")
    response = auth.client_for("coordinator").post(f"/coordinator/situations/{flex_job.id}/counts", data={"to": "yes"})
    assert response.status_code == 303
    assert by_key(auth.app, "flex_job").counts_as_outcome


def test_changing_what_counts_is_audit_logged_with_what_changed(auth, accounts):
    work = by_key(auth.app, "work")
    auth.client_for("coordinator").post(f"/coordinator/situations/{work.id}/counts", data={"to": "no"})
    (event,) = events(auth.app, "situation_changed")
    assert (event.actor_id, event.detail["situation_id"], event.detail["counts_as_outcome"]) == (
        accounts.coordinator.id,
        work.id,
        False,
    )


def test_two_parallel_taps_on_stop_counting_change_it_once(auth, accounts):
    work = by_key(auth.app, "work")
    browsers = clients(auth, "coordinator", 2)

    statuses = at_once(
        lambda n: browsers[n].post(f"/coordinator/situations/{work.id}/counts", data={"to": "no"}).status_code, 2
    )

    assert statuses == [303, 303]
    assert not by_key(auth.app, "work").counts_as_outcome
    assert len(events(auth.app, "situation_changed")) == 1


def test_a_form_from_an_old_page_asks_for_what_its_button_said_and_changes_nothing_already_so(auth, accounts):
    """The page showed "Count it" for flex jobs; meanwhile another coordinator counted them."""
    flex_job = by_key(auth.app, "flex_job")
    set_values(auth.app, Situation, Situation.id == flex_job.id, counts_as_outcome=True)

    response = auth.client_for("coordinator").post(f"/coordinator/situations/{flex_job.id}/counts", data={"to": "yes"})

    assert response.status_code == 303
    assert by_key(auth.app, "flex_job").counts_as_outcome
    assert events(auth.app, "situation_changed") == []


def test_an_unknown_situation_is_not_found(auth, accounts):
    assert (
        auth.client_for("coordinator").post("/coordinator/situations/999/counts", data={"to": "yes"}).status_code == 404
    )


def test_an_added_situation_reads_by_its_name_in_every_language(auth, accounts):
    auth.client_for("coordinator").post("/coordinator/situations", data=NEW)
    added = by_name(auth.app, "Fritidsjob")[0]
    assert situations.label(added.key, added.name) == "Fritidsjob"


def test_the_list_answers_in_the_readers_language(auth, accounts):
    set_values(auth.app, User, User.id == accounts.coordinator.id, locale="da")
    text = page_text(auth.client_for("coordinator").get("/coordinator/situations"))
    assert "Accounts and advisors" not in text


def test_positions_stay_unique_after_adds(app, accounts):
    def add(session, name, key):
        from webapp.coordinator import situation_catalog

        return situation_catalog.add_situation(
            session,
            actor=accounts.coordinator,
            name=name,
            category="activity",
            asks_hours=False,
            asks_employer=False,
            counts_as_outcome=False,
            idempotency_key=key,
        )

    run(app, add, name="Sprogskole", key="1" * 32)
    run(app, add, name="Frivilligt arbejde", key="2" * 32)
    positions = run(app, lambda session: session.exec(select(Situation.position)).all())
    assert len(set(positions)) == len(positions) == len(DEFAULT_KEYS) + 2


def test_the_audit_log_says_which_situation_changed(auth, accounts):
    coordinator = auth.client_for("coordinator")
    coordinator.post(f"/coordinator/situations/{by_key(auth.app, 'flex_job').id}/counts", data={"to": "yes"})
    assert "Situation changed on the list: Fleksjob" in page_text(coordinator.get("/coordinator/audit"))


def test_the_page_uses_no_id_twice_and_every_form_carries_its_token(auth, accounts):
    from .test_html_validity import elements_of

    coordinator = auth.client_for("coordinator")
    auth.app.config["WTF_CSRF_ENABLED"] = True
    elements = elements_of(coordinator.get("/coordinator/situations"))
    ids = [attributes["id"] for _, attributes in elements if attributes.get("id")]
    assert len(ids) == len(set(ids))
    forms = sum(1 for tag, attributes in elements if tag == "form" and attributes.get("method") == "post")
    tokens = sum(1 for tag, attributes in elements if tag == "input" and attributes.get("name") == "csrf_token")
    assert forms == tokens == 2 * len(DEFAULT_KEYS) + 2  # two per situation, the new one, and signing out


def test_a_taken_name_is_said_at_once_even_when_another_field_is_missing(auth, accounts):
    response = auth.client_for("coordinator").post(
        "/coordinator/situations", data={**NEW, "name": "Barsel", "category": ""}
    )
    html = response.get_data(as_text=True)
    assert 'id="name-error">There is already a situation with that name.' in html and 'id="category-error"' in html
