"""Every page costs the same few statements at 1 entry of every kind or 1,000 of each."""

from __future__ import annotations

import re
import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.exc import InvalidRequestError
from sqlmodel import Session, select

from webapp.db import engine
from webapp.models import Entry, EntryKind, utcnow

from .factories import counted_queries, run

# What each kind of entry keeps in `data`, as the records write it. A new kind must be added here.
SAMPLE_DATA = {
    EntryKind.MESSAGE: None,
    EntryKind.ADVISOR_CHANGED: {"advisor_name": "Mette", "advisor_username": "advisor1"},
    EntryKind.CHECKIN: {"mood": 2, "wants_contact": True, "replaced": False},
    EntryKind.CONTACT_MADE: {"how": "sms"},
    EntryKind.BARRIER_ADDED: {"key": "transport"},
    EntryKind.BARRIER_STATUS: {"key": "transport", "status": "better"},
    EntryKind.BARRIER_SEEN: {"key": "childcare"},
    EntryKind.BARRIER_REMOVED: {"key": "danish"},
    EntryKind.GOAL_ADDED: {"kind": "job", "words": "Lager", "hours": 20, "month": "2027-03-01"},
    EntryKind.GOAL_CHANGED: {"kind": "job", "words": "Lager", "hours": 25},
    EntryKind.GOAL_STATUS: {"kind": "education", "status": "paused"},
    EntryKind.GOAL_COMMENT: {"kind": "job"},
    EntryKind.STEP_ADDED: {"kind": "job"},
    EntryKind.STEP_DONE: {"kind": "job"},
    EntryKind.APPOINTMENT_ADDED: {
        "starts_at": "2026-12-01T09:00:00+00:00",
        "with_whom": "advisor",
        "place": "Beboerhuset",
        "interpreter": "ar",
        "needs": ["needs_childcare"],
    },
    EntryKind.APPOINTMENT_MOVED: {
        "starts_at": "2026-12-02T09:00:00+00:00",
        "with_whom": "doctor",
        "place": "Klinikken",
    },
    EntryKind.APPOINTMENT_CANCELLED: {"starts_at": "2026-12-02T09:00:00+00:00"},
    EntryKind.APPOINTMENT_RESTORED: {"starts_at": "2026-12-02T09:00:00+00:00"},
    EntryKind.APPOINTMENT_ANSWERED: {
        "starts_at": "2026-12-02T09:00:00+00:00",
        "response": "cant_come",
        "reason": "sick",
        "words": "Feber",
    },
    EntryKind.APPOINTMENT_OUTCOME: {"starts_at": "2026-12-02T09:00:00+00:00", "outcome": "attended"},
    EntryKind.PHRASE: {"phrase": "come_on", "version": 1, "params": {"date": "2026-12-02", "time": "10:00"}},
    EntryKind.VOICE: {"audio": "1/0123456789abcdef.webm", "seconds": 12.5, "type": "audio/webm"},
    EntryKind.PHONE_SET_UP: {
        "made_by_name": "Mette",
        "made_by_username": "advisor1",
        "device": "iphone",
        "new_pin": True,
    },
    EntryKind.SITUATION: {
        "key": "work",
        "name": "I arbejde (ordinære timer)",
        "category": "work",
        "starts_on": "2026-12-01",
        "hours": 20,
        "employer": "Netto",
    },
    EntryKind.FOLLOW_UP: {
        "key": "work",
        "name": "I arbejde (ordinære timer)",
        "category": "work",
        "starts_on": "2026-09-01",
        "hours": 25,
        "employer": "Netto",
        "months": 3,
    },
}


def test_the_sample_entries_cover_every_kind():
    assert set(SAMPLE_DATA) == set(EntryKind)


def add_entries(app, resident, advisor, count):
    """`count` entries of every kind, in turn from the resident and from the advisor."""

    def insert(session):
        now = utcnow()
        for n in range(count):
            for kind, data in SAMPLE_DATA.items():
                author = resident if n % 2 else advisor
                session.add(
                    Entry(
                        resident_id=resident.id,
                        author_id=author.id,
                        kind=kind,
                        data=data,
                        body=f"{kind} {n}",
                        created_at=now,
                        idempotency_key=uuid.uuid4().hex,
                    )
                )
            if n % 100 == 99:
                session.commit()
        session.commit()

    run(app, insert)


def page_queries(client, app, url) -> int:
    with counted_queries(app) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("entries", [1, 1000])
def test_resident_timeline_uses_at_most_5_queries(auth, accounts, entries):
    add_entries(auth.app, accounts.resident1, accounts.advisor1, entries)
    add_records(auth.app, accounts.resident1, accounts.advisor1, min(entries, 100))
    count = page_queries(auth.client_for("resident1"), auth.app, "/me/")
    print(f"resident home with {entries} entries of every kind: {count} queries")
    assert count <= 5


def add_records(app, resident, advisor, count):
    """`count` of each: barriers, goals with two steps each, appointments."""
    from datetime import timedelta

    from webapp.models import Appointment, Barrier, Goal, GoalStep

    def insert(session):
        for n in range(count):
            # "Something else": the only kind a resident may have open many times over.
            session.add(Barrier(resident_id=resident.id, key="other", words=f"barrier {n}"))
            goal = Goal(resident_id=resident.id, kind="job")
            session.add(goal)
            session.flush()
            session.add_all(
                [
                    GoalStep(goal_id=goal.id, text=f"step {n}a", created_by=resident.id),
                    GoalStep(goal_id=goal.id, text=f"step {n}b", created_by=advisor.id),
                ]
            )
            session.add(
                Appointment(
                    resident_id=resident.id,
                    created_by=advisor.id,
                    place="Beboerhuset",
                    with_whom="advisor",
                    starts_at=utcnow() + timedelta(days=1 + n % 300),
                )
            )
        session.commit()

    run(app, insert)


@pytest.mark.parametrize("records", [1, 1000])
def test_overview_costs_the_same_few_queries_at_1_and_500_records(auth, accounts, records):
    add_records(auth.app, accounts.resident1, accounts.advisor1, records)
    count = page_queries(auth.client_for("resident1"), auth.app, f"/residents/{accounts.resident1.id}/overview")
    print(f"overview with {records} of each record: {count} queries")
    assert count <= 6


WRITE = re.compile(r"\b(?:INSERT INTO|UPDATE|DELETE FROM) \w+")


def writes(statements: list[str]) -> list[str]:
    """Each write, as "UPDATE entries ...": one in a WITH of PostgreSQL's (written by the statement that follows)
    counted in its own right."""
    found = []
    for statement in statements:
        text = " ".join(statement.split())
        if text.upper().startswith("WITH "):
            found += [match.group(0) for match in WRITE.finditer(text)]
        elif text.upper().startswith(("INSERT", "UPDATE", "DELETE")):
            found.append(text)
    return found


def test_advisor_resident_page_query_count_does_not_grow(auth, accounts):
    client = auth.client_for("advisor1")
    page = f"/advisor/residents/{accounts.resident1.id}"
    add_entries(auth.app, accounts.resident1, accounts.advisor1, 1)
    add_records(auth.app, accounts.resident1, accounts.advisor1, 1)
    client.get(page)  # the opening is recorded and the resident's entry marked seen: the same visit from here
    few = page_queries(client, auth.app, page)
    add_entries(auth.app, accounts.resident1, accounts.advisor1, 1000)
    add_records(auth.app, accounts.resident1, accounts.advisor1, 1000)
    with counted_queries(auth.app) as first:  # the resident wrote since: their entries are marked seen
        assert client.get(page).status_code == 200
    many = page_queries(client, auth.app, page)
    print(
        f"advisor's resident page (timeline and overview): {few} statements, {many} with 1,000 of everything, "
        f"{len(first)} when entries are marked seen"
    )
    assert few == many <= 8  # 7, and the situation list with the resident's changes
    assert len(writes(first)) == 1 and len(first) <= many + 1


def test_advisor_resident_page_writes_only_what_changed(auth, accounts):
    from .factories import write

    client = auth.client_for("advisor1")
    page = f"/advisor/residents/{accounts.resident1.id}"
    write(auth.app, accounts.resident1, accounts.resident1, "Hej")
    with counted_queries(auth.app) as opening:
        client.get(page)
    with counted_queries(auth.app) as again:
        client.get(page)
    # First: mark the message seen and record the opening; within the same visit, nothing to write.
    assert [" ".join(w.replace(" INTO ", " ").split()[:2]) for w in writes(opening)] == [
        "UPDATE entries",
        "INSERT audit_events",
    ]
    assert writes(again) == []


@pytest.mark.parametrize(("residents", "entries"), [(1, 1), (500, 1), (1, 1000)])
def test_caseload_uses_at_most_5_queries(auth, accounts, residents, entries):
    from webapp.models import CheckIn, FollowUp, ResidentSituation, Role, Situation, User

    def insert(session):
        work = session.exec(select(Situation).where(Situation.key == "work")).one()
        for n in range(residents):
            resident = User(
                username=f"many{n}",
                display_name=f"Many {n}",
                role=Role.RESIDENT,
                secret_hash="x",
                advisor_id=accounts.advisor1.id,
            )
            if n % 10 == 3:  # asked to stop: still on the caseload, with the day they are deleted
                resident.active, resident.stopped_at, resident.erase_after = (
                    False,
                    utcnow(),
                    utcnow() + timedelta(days=30),
                )
            session.add(resident)
            session.flush()
            session.add(Entry(resident_id=resident.id, author_id=resident.id, kind=EntryKind.MESSAGE, body="hi"))
            session.add(CheckIn(resident_id=resident.id, day=utcnow().date(), mood=1 + n % 5, wants_contact=n % 7 == 0))
            if n % 4 == 0:  # in work for 100 days, followed up at 1 month: the 3-month follow-up is due
                began = (utcnow() - timedelta(days=100)).date()
                session.add(
                    ResidentSituation(
                        resident_id=resident.id,
                        situation_id=work.id,
                        starts_on=began,
                        run_starts_on=began,
                        hours_per_week=20,
                        recorded_by=accounts.advisor1.id,
                    )
                )
                session.add(
                    FollowUp(
                        resident_id=resident.id,
                        run_starts_on=began,
                        months=1,
                        still_there=True,
                        recorded_by=accounts.advisor1.id,
                    )
                )
            if n % 5 == 1:  # "I started working", not yet recorded
                session.add(
                    Entry(
                        resident_id=resident.id,
                        author_id=resident.id,
                        kind=EntryKind.PHRASE,
                        data={"phrase": "started_working", "version": 1, "params": {}},
                    )
                )
        session.commit()

    run(auth.app, insert)
    add_records(auth.app, accounts.resident1, accounts.advisor1, 3)
    add_entries(auth.app, accounts.resident1, accounts.advisor1, entries)
    count = page_queries(auth.client_for("advisor1"), auth.app, "/advisor/")
    print(f"caseload with {residents} residents, {entries} entries of every kind: {count} queries")
    assert count <= 5


@pytest.mark.parametrize("entries", [1, 1000])
def test_poll_uses_at_most_5_queries_and_3_when_nothing_is_new(auth, accounts, entries):
    add_entries(auth.app, accounts.resident1, accounts.advisor1, entries)
    client = auth.client_for("resident1")
    url = f"/residents/{accounts.resident1.id}/updates"
    with counted_queries(auth.app) as statements:
        assert client.get(f"{url}?after=0", headers={"HX-Request": "true"}).status_code == 200
    assert len(statements) <= 5, statements
    newest = run(auth.app, lambda session: session.exec(select(Entry.id).order_by(Entry.id.desc())).first())
    since = utcnow().isoformat().replace("+", "%2B")
    with counted_queries(auth.app) as statements:
        assert client.get(f"{url}?after={newest}&since={since}", headers={"HX-Request": "true"}).status_code == 204
    assert len(statements) <= 3, statements


def test_relationships_raise_instead_of_lazy_loading(app, accounts):
    add_entries(app, accounts.resident1, accounts.advisor1, 1)
    with app.app_context(), Session(engine()) as session:
        entry = session.exec(select(Entry)).first()
        with pytest.raises(InvalidRequestError):
            _ = entry.author


# The main pages of each role, as the one who opens them; `{r}` is resident1's id.
MAIN_PAGES = {
    "resident1": [
        "/me/",
        "/me/data",
        "/account",
        "/residents/{r}/overview",
        "/residents/{r}/barriers",
        "/residents/{r}/goals",
        "/residents/{r}/appointments",
    ],
    "advisor1": [
        "/advisor/",
        "/advisor/residents/{r}",
        "/account",
        "/residents/{r}/overview",
        "/residents/{r}/barriers",
        "/residents/{r}/goals",
        "/residents/{r}/appointments",
    ],
    "coordinator": ["/coordinator/", "/coordinator/audit", "/coordinator/situations", "/coordinator/tablets"],
    "volunteer1": ["/volunteer/"],
    "partner1": ["/partner/"],
}


@contextmanager
def counted_transactions(app):
    """The transactions the app begins while the block runs."""
    begun: list[int] = []

    def count(_connection):
        begun.append(1)

    db_engine = app.extensions["db_engine"]
    event.listen(db_engine, "begin", count)
    try:
        yield begun
    finally:
        event.remove(db_engine, "begin", count)


def page_cost(client, app, url) -> tuple[int, int]:
    """Statements and transactions of one GET."""
    with counted_transactions(app) as transactions, counted_queries(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements), len(transactions)


def walk_main_pages(auth, clients, resident_id) -> dict[str, tuple[int, int]]:
    costs = {}
    for username, urls in MAIN_PAGES.items():
        for url in (url.format(r=resident_id) for url in urls):
            clients[username].get(url)  # an opening recorded, entries marked seen: the same visit from here
            costs[f"{username} {url}"] = page_cost(clients[username], auth.app, url)
    return costs


def test_every_main_page_costs_at_most_5_statements_in_one_transaction_at_any_history_length(auth, accounts):
    clients = {username: auth.client_for(username) for username in MAIN_PAGES}
    resident_id = accounts.resident1.id
    add_entries(auth.app, accounts.resident1, accounts.advisor1, 1)
    add_records(auth.app, accounts.resident1, accounts.advisor1, 1)
    few = walk_main_pages(auth, clients, resident_id)
    add_entries(auth.app, accounts.resident1, accounts.advisor1, 999)
    add_records(auth.app, accounts.resident1, accounts.advisor1, 999)
    many = walk_main_pages(auth, clients, resident_id)
    for page, (statements, transactions) in few.items():
        print(f"{page}: {statements} statements in {transactions} transaction(s); {many[page][0]} at 1,000 entries")
    assert many == few
    assert {page: cost for page, cost in few.items() if cost[1] != 1} == {}
    over = {page: statements for page, (statements, _transactions) in few.items() if statements > 5}
    assert over == STILL_OVER_5


# Pages of lists of a different kind each (phones, sign-ins, who looked, consents, changes to the account), one
# statement per list: what is left of issue 22's "every page at most 5 statements". They must not grow.
STILL_OVER_5 = {"resident1 /me/data": 7, "resident1 /account": 7}


@pytest.mark.parametrize("resident_wrote", [False, True])
def test_the_advisors_first_opening_of_a_resident_is_one_transaction_of_at_most_5_statements(
    auth, accounts, resident_wrote
):
    """The opening is recorded, and what the resident wrote marked seen, after the page's reads and in their
    transaction; on PostgreSQL both writes are one statement. SQLite's reading transactions cannot wait to
    write, so there the writes take a transaction of their own, and are a statement each."""
    from .factories import write

    client = auth.client_for("advisor1")
    add_records(auth.app, accounts.resident1, accounts.advisor1, 3)
    if resident_wrote:
        write(auth.app, accounts.resident1, accounts.resident1, "Hej")
    page = f"/advisor/residents/{accounts.resident1.id}"
    with counted_transactions(auth.app) as transactions, counted_queries(auth.app) as statements:
        assert client.get(page).status_code == 200
    if auth.app.extensions["db_engine"].dialect.name == "sqlite":
        assert (len(statements), len(transactions)) == ((6, 2) if resident_wrote else (5, 2))
    else:
        assert (len(statements), len(transactions)) == (5, 1)
    assert [" ".join(w.replace(" INTO ", " ").split()[:2]) for w in writes(statements)][-1] == "INSERT audit_events"
    assert page_cost(client, auth.app, page) == (4, 1)  # the same visit: nothing to write
