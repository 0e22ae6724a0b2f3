"""A release can be rolled back on a database in use: from head down to every revision and up again,
with the demo data in it, on SQLite and on TEST_DATABASE_URL. What the lower revision has room for comes
back unchanged; what it has no table or column for is gone, as a downgrade means.

The revisions are read from migrations/versions, so a new migration is covered without a change here."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from webapp import demo
from webapp.cli import alembic_config
from webapp.config import bundled

from .conftest import make_app, reset_postgres
from .factories import run
from .test_migrations import database_urls

SCRIPTS = ScriptDirectory(str(bundled("migrations")))
BELOW_HEAD = [script.revision for script in SCRIPTS.walk_revisions() if script.revision != SCRIPTS.get_current_head()]


@pytest.fixture
def demo_database(tmp_path):
    """A function making a fresh database at head with the demo data, for each URL in turn."""
    made = []

    def make(url: str) -> str:
        if url.startswith("postgresql"):
            reset_postgres(url)
        command.upgrade(alembic_config(url), "head")
        app = make_app(url)
        run(app, demo.load)
        app.extensions["db_engine"].dispose()
        made.append(url)
        return url

    yield make
    for url in made:  # leave PostgreSQL migrated and empty for the fixtures that expect it
        if url.startswith("postgresql"):
            reset_postgres(url)
            command.upgrade(alembic_config(url), "head")


def contents(url: str) -> dict[str, list[dict]]:
    """Every row of every table, in primary-key order."""
    engine = create_engine(url)
    try:
        found = inspect(engine)
        with engine.connect() as db:
            return {
                table: [
                    dict(row._mapping)
                    for row in db.execute(
                        text(
                            f'SELECT * FROM "{table}" ORDER BY '
                            + ", ".join(
                                f'"{column}"' for column in found.get_pk_constraint(table)["constrained_columns"]
                            )
                        )
                    )
                ]
                for table in found.get_table_names()
                if table != "alembic_version"
            }
    finally:
        engine.dispose()


def shape(url: str) -> dict[str, set[str]]:
    engine = create_engine(url)
    try:
        found = inspect(engine)
        return {
            table: {column["name"] for column in found.get_columns(table)}
            for table in found.get_table_names()
            if table != "alembic_version"
        }
    finally:
        engine.dispose()


def within(rows: dict[str, list[dict]], room: dict[str, set[str]]) -> dict[str, list[dict]]:
    """The rows as far as a schema has tables and columns for them."""
    return {
        table: [{name: row[name] for name in sorted(columns)} for row in rows.get(table, [])]
        for table, columns in room.items()
    }


def broken_foreign_keys(url: str) -> list:
    if not url.startswith("sqlite"):
        return []  # PostgreSQL checks them as it goes
    engine = create_engine(url)
    try:
        with engine.connect() as db:
            return db.execute(text("PRAGMA foreign_key_check")).all()
    finally:
        engine.dispose()


def test_every_migration_has_a_revision_below_head_to_go_down_to():
    assert "0001" in BELOW_HEAD and len(BELOW_HEAD) == len(list(SCRIPTS.walk_revisions())) - 1


@pytest.mark.parametrize("revision", BELOW_HEAD)
def test_going_down_to_a_revision_and_up_again_keeps_the_demo_data_that_revision_has_room_for(
    tmp_path, demo_database, revision
):
    for url in database_urls(tmp_path):
        before = contents(demo_database(url))
        command.downgrade(alembic_config(url), revision)
        room = shape(url)
        assert broken_foreign_keys(url) == []
        assert within(contents(url), room)["entries"] == within(before, room)["entries"]
        command.upgrade(alembic_config(url), "head")
        after = contents(url)
        assert broken_foreign_keys(url) == []
        expected = closed_by_the_downgrade(before) if revision < "0010" else before
        assert within(after, room) == within(expected, room), (url.split(":")[0], revision)


def closed_by_the_downgrade(rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Below 0010 there is no partner role: going down closes partner accounts (0010's downgrade), and coming
    back up leaves them closed until the coordinator opens them again. Everything else comes back as it was."""
    users = [{**user, "active": False if user["role"] == "partner" else user["active"]} for user in rows["users"]]
    assert any(user["role"] == "partner" for user in users)  # the demo has one, so this is checked
    return {**rows, "users": users}


def test_the_round_trip_compares_the_demo_residents_and_their_messages(tmp_path, demo_database):
    """The comparison above is not of empty tables: the demo residents and their words are in it."""
    url = demo_database(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    room = {"users": {"username"}, "entries": {"body"}}
    rows = within(contents(url), room)
    assert {row["username"] for row in rows["users"]} >= set(demo.RESIDENTS)
    assert {row["body"] for row in rows["entries"]} >= {
        text for lines in demo.CONVERSATIONS.values() for _days, _clock, _by, text in lines
    }


def test_a_sqlite_migration_that_would_leave_rows_pointing_nowhere_is_undone(tmp_path):
    """Foreign keys are off while SQLite migrates; each migration is checked before it commits."""
    import sqlite3

    url = f"sqlite:///{tmp_path / 'dangling.sqlite3'}"
    command.upgrade(alembic_config(url), "0001")
    raw = sqlite3.connect(tmp_path / "dangling.sqlite3")  # foreign keys off, as a careless import would leave them
    raw.execute(
        "INSERT INTO entries (resident_id, author_id, kind, body, created_at) "
        "VALUES (99, 99, 'message', 'x', '2026-11-20 09:00:00')"
    )
    raw.commit()
    raw.close()
    with pytest.raises(RuntimeError, match="upgrade to 0002 would leave rows pointing at rows that are not there"):
        command.upgrade(alembic_config(url), "head")
    assert "checkin_id" not in shape(url)["entries"] and "goals" not in shape(url)
    engine = create_engine(url)
    with engine.connect() as db:
        assert db.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "0001"
    engine.dispose()
