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


@pytest.mark.parametrize("entries", [1, 500])
@pytest.mark.parametrize(("username", "page"), [("resident1", "/me/"), ("advisor1", "/advisor/residents/{id}")])
def test_timeline_page_uses_at_most_5_queries(auth, accounts, entries, username, page):
    add_entries(auth.app, accounts.resident1, accounts.advisor1, entries)
    client = auth.client_for(username)
    with counted_queries(auth.app) as statements:
        response = client.get(page.format(id=accounts.resident1.id))
    assert response.status_code == 200
    print(f"{page} with {entries} entries: {len(statements)} queries")
    assert len(statements) <= 5, statements


@pytest.mark.parametrize("entries", [1, 500])
def test_caseload_uses_at_most_5_queries(auth, accounts, entries):
    add_entries(auth.app, accounts.resident1, accounts.advisor1, entries)
    add_entries(auth.app, accounts.resident2, accounts.advisor1, entries)
    client = auth.client_for("advisor1")
    with counted_queries(auth.app) as statements:
        response = client.get("/advisor/")
    assert response.status_code == 200
    print(f"caseload with {entries} entries each: {len(statements)} queries")
    assert len(statements) <= 5, statements


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
