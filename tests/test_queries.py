"""The resident's timeline and the advisor's caseload cost the same few queries at 1 entry or 500."""
from __future__ import annotations

import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.exc import InvalidRequestError
from sqlmodel import Session, select

from webapp.db import engine
from webapp.models import Entry, EntryKind, utcnow

from .factories import run

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@contextmanager
def counted_queries(app):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            statements.append(statement)

    db_engine = app.extensions["db_engine"]
    event.listen(db_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db_engine, "before_cursor_execute", count)


def add_entries(app, resident, advisor, count):
    def insert(session):
        now = utcnow()
        for n in range(count):
            author = resident if n % 3 else advisor
            session.add(Entry(resident_id=resident.id, author_id=author.id, kind=EntryKind.MESSAGE,
                              body=f"entry {n}", created_at=now, idempotency_key=uuid.uuid4().hex))
        session.commit()

    run(app, insert)


def page_queries(client, app, url) -> int:
    with counted_queries(app) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("entries", [1, 500])
def test_resident_timeline_uses_at_most_5_queries(auth, accounts, entries):
    add_entries(auth.app, accounts.resident1, accounts.advisor1, entries)
    count = page_queries(auth.client_for("resident1"), auth.app, "/me/")
    print(f"resident home with {entries} entries: {count} queries")
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
            session.add_all([GoalStep(goal_id=goal.id, text=f"step {n}a", created_by=resident.id),
                             GoalStep(goal_id=goal.id, text=f"step {n}b", created_by=advisor.id)])
            session.add(Appointment(resident_id=resident.id, created_by=advisor.id, place="Beboerhuset",
                                    with_whom="advisor", starts_at=utcnow() + timedelta(days=1 + n % 300)))
        session.commit()

    run(app, insert)


@pytest.mark.parametrize("records", [1, 500])
def test_overview_costs_the_same_few_queries_at_1_and_500_records(auth, accounts, records):
    add_records(auth.app, accounts.resident1, accounts.advisor1, records)
    count = page_queries(auth.client_for("resident1"), auth.app, f"/residents/{accounts.resident1.id}/overview")
    print(f"overview with {records} of each record: {count} queries")
    assert count <= 6


def test_advisor_resident_page_query_count_does_not_grow(auth, accounts):
    client = auth.client_for("advisor1")
    add_entries(auth.app, accounts.resident1, accounts.advisor1, 1)
    add_records(auth.app, accounts.resident1, accounts.advisor1, 1)
    few = page_queries(client, auth.app, f"/advisor/residents/{accounts.resident1.id}")
    add_entries(auth.app, accounts.resident1, accounts.advisor1, 500)
    add_records(auth.app, accounts.resident1, accounts.advisor1, 500)
    many = page_queries(client, auth.app, f"/advisor/residents/{accounts.resident1.id}")
    print(f"advisor's resident page (timeline and overview): {few} queries, {many} with 500 of everything")
    assert few == many <= 10


@pytest.mark.parametrize("residents", [1, 500])
def test_caseload_uses_at_most_5_queries(auth, accounts, residents):
    from webapp.models import CheckIn, Role, User

    def insert(session):
        for n in range(residents):
            resident = User(username=f"many{n}", display_name=f"Many {n}", role=Role.RESIDENT, secret_hash="x",
                            advisor_id=accounts.advisor1.id)
            session.add(resident)
            session.flush()
            session.add(Entry(resident_id=resident.id, author_id=resident.id, kind=EntryKind.MESSAGE, body="hi"))
            session.add(CheckIn(resident_id=resident.id, day=utcnow().date(), mood=1 + n % 5, wants_contact=n % 7 == 0))
        session.commit()

    run(auth.app, insert)
    add_records(auth.app, accounts.resident1, accounts.advisor1, 3)
    count = page_queries(auth.client_for("advisor1"), auth.app, "/advisor/")
    print(f"caseload with {residents} residents: {count} queries")
    assert count <= 5


def test_poll_uses_at_most_5_queries(auth, accounts):
    add_entries(auth.app, accounts.resident1, accounts.advisor1, 500)
    client = auth.client_for("resident1")
    with counted_queries(auth.app) as statements:
        client.get(f"/residents/{accounts.resident1.id}/updates?after=0", headers={"HX-Request": "true"})
    assert len(statements) <= 5, statements


def test_relationships_raise_instead_of_lazy_loading(app, accounts):
    add_entries(app, accounts.resident1, accounts.advisor1, 1)
    with app.app_context(), Session(engine()) as session:
        entry = session.exec(select(Entry)).first()
        with pytest.raises(InvalidRequestError):
            _ = entry.author
