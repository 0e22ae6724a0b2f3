"""Follow-ups on the caseload: 1, 3, 6 and 12 months after a start in work or education, on the right day,
"still there" in one tap, and no push for quiet weeks while in work."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import select

from webapp.models import COPENHAGEN, Entry, EntryKind, FollowUp, Situation
from webapp.outcomes import situations

from .conftest import page_text
from .factories import counted_queries, rows, run

START = date(2027, 1, 15)


@pytest.fixture
def clock(monkeypatch):
    """Moves the app's day (and its now, at noon in Copenhagen) to the day given."""

    def move_to(day: date) -> None:
        moment = datetime.combine(day, time(12), tzinfo=COPENHAGEN).astimezone(UTC)
        # `today()` everywhere reads the clock through the check-ins module.
        monkeypatch.setattr("webapp.records.checkins.utcnow", lambda: moment)
        monkeypatch.setattr("webapp.advisor.services.utcnow", lambda: moment)

    return move_to


def situation_of(session, key: str | None = None, **made) -> Situation:
    if key is not None:
        return session.exec(select(Situation).where(Situation.key == key)).one()
    situation = Situation(**made)
    session.add(situation)
    session.commit()
    return situation


def start(app, resident, advisor, key: str = "work", *, on: date = START, hours: int | None = 20, **made) -> None:
    """The advisor records a start (in work with 20 hours a week, unless told otherwise)."""

    def go(session):
        situation = situation_of(session, key if not made else None, **made)
        situations.record(
            session,
            resident=resident,
            advisor=advisor,
            situation=situation,
            starts_on=on,
            hours=hours,
            employer="Netto" if situation.asks_employer else None,
            idempotency_key=uuid.uuid4().hex,
        )

    run(app, go)


def caseload(auth) -> str:
    return page_text(auth.client_for("advisor1").get("/advisor/"))


def still_there(client, resident, months: int, hours: str | None = "20", headers=None):
    data = {"months": months, **({"hours": hours} if hours is not None else {})}
    return client.post(f"/advisor/residents/{resident.id}/follow-up", data=data, headers=headers or {})


def test_a_start_in_work_is_followed_up_a_month_later(auth, accounts, clock):
    start(auth.app, accounts.resident1, accounts.advisor1)
    clock(situations.add_months(START, 1))
    assert "Follow up: 1 month in work" in caseload(auth)


def test_no_follow_up_is_asked_for_before_the_first_month(auth, accounts, clock):
    start(auth.app, accounts.resident1, accounts.advisor1)
    clock(situations.add_months(START, 1) - timedelta(days=1))
    assert "Follow up" not in caseload(auth)


def test_after_the_1_month_follow_up_nothing_is_asked_at_2_months(auth, accounts, clock):
    start(auth.app, accounts.resident1, accounts.advisor1)
    clock(situations.add_months(START, 1))
    still_there(auth.client_for("advisor1"), accounts.resident1, 1)
    clock(situations.add_months(START, 2))
    assert "Follow up" not in caseload(auth)


def test_the_3_month_follow_up_comes_on_its_day_not_the_day_before(auth, accounts, clock):
    start(auth.app, accounts.resident1, accounts.advisor1)
    clock(situations.add_months(START, 1))
    still_there(auth.client_for("advisor1"), accounts.resident1, 1)
    clock(date(2027, 4, 14))
    assert "Follow up" not in caseload(auth)
    clock(date(2027, 4, 15))
    assert "Follow up: 3 months in work · since 15 April" in caseload(auth)


def test_a_missed_1_month_follow_up_is_taken_over_by_the_3_month(auth, accounts, clock):
    start(auth.app, accounts.resident1, accounts.advisor1)
    clock(situations.add_months(START, 3))
    text = caseload(auth)
    assert "Follow up: 3 months in work" in text and "1 month" not in text


def test_still_there_is_recorded_in_one_tap_with_the_hours_and_an_entry_in_the_timeline(auth, accounts, clock):
    start(auth.app, accounts.resident1, accounts.advisor1)
    clock(situations.add_months(START, 3))
    advisor = auth.client_for("advisor1")
    response = still_there(advisor, accounts.resident1, 3, hours="25")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/advisor/#resident-{accounts.resident1.id}")
    (done,) = rows(auth.app, FollowUp)
    assert (done.resident_id, done.run_starts_on, done.months, done.still_there, done.hours_per_week) == (
        accounts.resident1.id,
        START,
        3,
        True,
        25,
    )
    (entry,) = rows(auth.app, Entry, Entry.kind == EntryKind.FOLLOW_UP)
    assert entry.resident_id == accounts.resident1.id and entry.author_id == accounts.advisor1.id
    text = page_text(advisor.get("/advisor/"))
    assert "Follow up" not in text
    assert f"Noted: {accounts.resident1.display_name} is still there." in text


def test_a_second_tap_records_nothing_and_says_so(auth, accounts, clock):
    start(auth.app, accounts.resident1, accounts.advisor1)
    clock(situations.add_months(START, 3))
    advisor = auth.client_for("advisor1")
    still_there(advisor, accounts.resident1, 3)
    assert still_there(advisor, accounts.resident1, 3).status_code == 303
    assert len(rows(auth.app, FollowUp)) == 1
    assert len(rows(auth.app, Entry, Entry.kind == EntryKind.FOLLOW_UP)) == 1
    assert "Nothing was recorded: this follow-up was done already" in page_text(advisor.get("/advisor/"))


def test_a_form_from_before_the_situation_changed_records_nothing(auth, accounts, clock):
    start(auth.app, accounts.resident1, accounts.advisor1)
    clock(situations.add_months(START, 3))
    # The caseload was open while another tab recorded that they are on sick leave since yesterday.
    yesterday = situations.add_months(START, 3) - timedelta(days=1)
    start(auth.app, accounts.resident1, accounts.advisor1, "sick_leave", on=yesterday)
    advisor = auth.client_for("advisor1")
    still_there(advisor, accounts.resident1, 3)
    assert rows(auth.app, FollowUp) == []
    assert "or their situation has changed" in page_text(advisor.get("/advisor/"))


def test_the_hours_are_filled_in_from_the_situation(auth, accounts, clock):
    start(auth.app, accounts.resident1, accounts.advisor1, hours=18)
    clock(situations.add_months(START, 1))
    html = auth.client_for("advisor1").get("/advisor/").get_data(as_text=True)
    assert f'id="follow-up-hours-{accounts.resident1.id}" name="hours" type="text" value="18"' in html


def test_no_hours_are_asked_where_the_situation_does_not_ask_for_them(auth, accounts, clock):
    start(
        auth.app,
        accounts.resident1,
        accounts.advisor1,
        hours=None,
        name="Sæsonarbejde",
        category="work",
        asks_hours=False,
    )
    clock(situations.add_months(START, 1))
    html = auth.client_for("advisor1").get("/advisor/").get_data(as_text=True)
    assert "Follow up: 1 month in work" in page_text(auth.client_for("advisor1").get("/advisor/"))
    assert 'name="hours"' not in html and "Still there" in html


def test_the_row_links_to_the_situation_on_the_residents_page_for_a_change(auth, accounts, clock):
    start(auth.app, accounts.resident1, accounts.advisor1)
    clock(situations.add_months(START, 1))
    html = auth.client_for("advisor1").get("/advisor/").get_data(as_text=True)
    assert f'href="/advisor/residents/{accounts.resident1.id}#situation"' in html
    assert "Something changed" in html


def test_hours_that_cannot_be_are_refused_next_to_the_field_and_kept(auth, accounts, clock):
    start(auth.app, accounts.resident1, accounts.advisor1)
    clock(situations.add_months(START, 1))
    response = still_there(auth.client_for("advisor1"), accounts.resident1, 1, hours="99")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="follow-up-hours-{accounts.resident1.id}-error">Hours a week are from 1 to 60.' in html
    assert 'value="99"' in html
    assert rows(auth.app, FollowUp) == []


def test_with_htmx_the_list_alone_comes_back_without_the_follow_up(auth, accounts, clock):
    start(auth.app, accounts.resident1, accounts.advisor1)
    clock(situations.add_months(START, 1))
    response = still_there(auth.client_for("advisor1"), accounts.resident1, 1, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="caseload">') and "<html" not in html
    assert "is still there" in html and "Follow up" not in page_text(response)


def test_a_start_in_education_is_followed_up_in_education(auth, accounts, clock):
    start(auth.app, accounts.resident1, accounts.advisor1, "education")
    clock(situations.add_months(START, 6))
    assert "Follow up: 6 months in education" in caseload(auth)


def test_a_follow_up_is_not_asked_for_a_course(auth, accounts, clock):
    start(auth.app, accounts.resident1, accounts.advisor1, "course")
    clock(situations.add_months(START, 3))
    assert "Follow up" not in caseload(auth)


def test_the_follow_up_is_due_since_its_day_and_comes_after_a_new_barrier(app, accounts, clock):
    from webapp.advisor.services import caseload as caseload_rows
    from webapp.models import Barrier

    start(app, accounts.resident1, accounts.advisor1)
    run(
        app,
        lambda session: (session.add(Barrier(resident_id=accounts.resident2.id, key="transport")), session.commit()),
    )
    clock(situations.add_months(START, 3))
    found = {row.resident_id: row for row in run(app, caseload_rows, advisor=accounts.advisor1)}
    row = found[accounts.resident1.id]
    assert row.reasons == ["follow_up"]
    assert row.since["follow_up"] == datetime(2027, 4, 15, tzinfo=COPENHAGEN)
    order = [row.resident_id for row in run(app, caseload_rows, advisor=accounts.advisor1)]
    assert order.index(accounts.resident2.id) < order.index(accounts.resident1.id)


def test_quiet_weeks_do_not_raise_a_resident_in_work_but_a_contact_request_does(auth, accounts, clock):
    from .factories import ask_for_contact

    start(auth.app, accounts.resident1, accounts.advisor1)
    start(auth.app, accounts.resident2, accounts.advisor1, "course")
    clock(situations.add_months(START, 1) + timedelta(days=1))
    still_there(auth.client_for("advisor1"), accounts.resident1, 1)
    from webapp.advisor.services import caseload as caseload_rows

    reasons = {row.resident_id: row.reasons for row in run(auth.app, caseload_rows, advisor=accounts.advisor1)}
    assert reasons[accounts.resident1.id] == []  # no check-in since they joined: quiet, but in work
    assert reasons[accounts.resident2.id] == ["quiet"]  # in a course: quiet weeks count
    ask_for_contact(auth.app, accounts.resident1)
    reasons = {row.resident_id: row.reasons for row in run(auth.app, caseload_rows, advisor=accounts.advisor1)}
    assert reasons[accounts.resident1.id][0] == "contact"  # with the hard day they told in the check-in


def test_the_caseload_is_still_one_statement_with_situations_follow_ups_and_told_phrases(auth, accounts, clock):
    from webapp.advisor.services import caseload as caseload_rows

    start(auth.app, accounts.resident1, accounts.advisor1)
    start(auth.app, accounts.resident2, accounts.advisor1, "education")
    clock(situations.add_months(START, 3))
    still_there(auth.client_for("advisor1"), accounts.resident2, 3)
    with auth.app.test_request_context(), counted_queries(auth.app) as statements:
        found = run(auth.app, caseload_rows, advisor=accounts.advisor1)
    assert [row.follow_up.months if row.follow_up else None for row in found] == [3, None]
    assert len(statements) == 1, statements


def test_a_follow_up_before_its_day_is_refused_quietly(auth, accounts, clock):
    start(auth.app, accounts.resident1, accounts.advisor1)
    clock(situations.add_months(START, 1) - timedelta(days=1))
    advisor = auth.client_for("advisor1")
    assert still_there(advisor, accounts.resident1, 1).status_code == 303
    assert rows(auth.app, FollowUp) == []


def test_a_follow_up_of_months_the_row_never_offers_is_a_bad_request(auth, accounts, clock):
    start(auth.app, accounts.resident1, accounts.advisor1)
    clock(situations.add_months(START, 3))
    assert still_there(auth.client_for("advisor1"), accounts.resident1, 2).status_code == 400
    assert rows(auth.app, FollowUp) == []
