"""At 10^5 entries, no page reads the whole entries table: every statement of the caseload, the
advisor's resident page, the resident's home and the poll finds its entries through an index.

A check that cannot be flaky, in place of a timing: the database's own plan for each statement.
"""

from __future__ import annotations

import json

from sqlalchemy import event, text
from sqlmodel import Session

from benchmarks.scale_data import Scale, build_postgres, build_sqlite
from webapp.auth import services as accounts
from webapp.db import engine
from webapp.models import Role, User
from webapp.passwords import hash_secret
from webapp.timeline import activity

from .factories import RESIDENT_PIN, STAFF_PASSWORD, pair_client

FAR_AHEAD = 2**31 - 1


def build(app, url: str) -> tuple[int, int, str]:
    """About 10^5 entries; returns (advisor id, resident id, resident's username) to sign in as."""
    with app.app_context(), Session(engine()) as session:
        if url.startswith("postgresql"):
            scale = Scale(residents=1000, advisors=20, entries=100_000, long_history=2_000)
            with session.begin():
                build_postgres(session.connection(), scale)
            advisor_id, resident_id = 2, scale.long_resident
            resident = session.get(User, resident_id)
        else:
            advisor = accounts.create_user(
                session, username="adv2", display_name="Rådgiver", role=Role.ADVISOR, secret=STAFF_PASSWORD
            )
            with session.begin():
                advisor_id = advisor.id
                resident_id = build_sqlite(
                    session.connection(), residents=100, entries_each=1000, advisor_id=advisor_id
                )[0]
            resident = session.get(User, resident_id)
        activity.rebuild(session)
        with session.begin():
            for user in (session.get(User, advisor_id), resident):
                user.secret_hash = hash_secret(STAFF_PASSWORD if user.role == Role.ADVISOR else RESIDENT_PIN)
                session.add(user)
            username = resident.username
            advisor_name = session.get(User, advisor_id).username
        session.execute(text("ANALYZE"))
        session.commit()
    return advisor_name, resident_id, username


def captured(app, client, path: str, **kwargs) -> list[tuple[str, object]]:
    statements = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            statements.append((statement, parameters))

    db_engine = app.extensions["db_engine"]
    event.listen(db_engine, "before_cursor_execute", keep)
    try:
        response = client.get(path, **kwargs)
    finally:
        event.remove(db_engine, "before_cursor_execute", keep)
    assert response.status_code in (200, 204), (path, response.status_code)
    return statements


def full_scans_of_entries(app, statement: str, parameters, tables=("entries",)) -> list[str]:
    """The steps of the plan that read all of `entries` (or all of one of its indexes), or of the `tables` given."""
    raw = app.extensions["db_engine"].raw_connection()
    try:
        cursor = raw.cursor()
        if app.extensions["db_engine"].dialect.name == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            return [
                row[3] for row in cursor.fetchall() if row[3].startswith(tuple(f"SCAN {table}" for table in tables))
            ]
        cursor.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return [
            f"{node['Node Type']} on {node['Relation Name']}"
            for node in _nodes(plan[0]["Plan"])
            if node.get("Relation Name") in tables and node["Node Type"] in ("Seq Scan", "Parallel Seq Scan")
        ]
    finally:
        raw.rollback()
        raw.close()


def _nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def test_no_page_reads_all_entries_at_ten_to_the_fifth(app, database_url):
    advisor_name, resident_id, resident_name = build(app, database_url)
    advisor = app.test_client()
    assert advisor.post("/login/staff", data={"username": advisor_name, "password": STAFF_PASSWORD}).status_code == 303
    resident = app.test_client()
    pair_client(app, resident, resident_name)
    assert resident.post("/login", data={"pin": RESIDENT_PIN}).status_code == 303
    htmx = {"headers": {"HX-Request": "true"}}
    pages = {
        "caseload": captured(app, advisor, "/advisor/"),
        "advisor's resident page": captured(app, advisor, f"/advisor/residents/{resident_id}"),
        "resident home": captured(app, resident, "/me/"),
        "poll, nothing new": captured(
            app,
            resident,
            f"/residents/{resident_id}/updates?after={FAR_AHEAD}&since=2026-01-01T00:00:00%2B00:00",
            **htmx,
        ),
        "poll with news": captured(
            app, resident, f"/residents/{resident_id}/updates?after=1&since=2026-01-01T00:00:00%2B00:00", **htmx
        ),
        "older entries": captured(app, resident, f"/residents/{resident_id}/entries?before={FAR_AHEAD}"),
    }
    assert all(pages.values()), {page: len(statements) for page, statements in pages.items()}
    scans = {
        f"{page}: {' '.join(statement.split())[:300]}": found
        for page, statements in pages.items()
        for statement, parameters in statements
        if (found := full_scans_of_entries(app, statement, parameters))
    }
    assert scans == {}
    # The caseload's situations and follow-ups, too: each resident's found by the index that starts with them.
    own = ("resident_situations", "follow_ups")
    assert [
        found
        for statement, parameters in pages["caseload"]
        if (found := full_scans_of_entries(app, statement, parameters, own))
    ] == []
