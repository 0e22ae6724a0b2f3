"""Engine and per-request session.

SQLite runs in WAL mode with a busy timeout, and write transactions begin IMMEDIATE:
a deferred transaction that reads and then writes cannot wait for the lock and fails
with "database is locked" under concurrent writers.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, current_app, g
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

_write_transaction: ContextVar[bool] = ContextVar("write_transaction", default=False)
T = TypeVar("T")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_transaction.get() else "BEGIN")


def init_app(app: Flask) -> None:
    app.extensions["db_engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(close_session)


def engine() -> Engine:
    return current_app.extensions["db_engine"]


def get_session() -> Session:
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def writing(session: Session) -> Iterator[Session]:
    """Run the block as one write transaction and commit it; roll back on error."""
    if session.in_transaction():
        session.commit()  # end the read snapshot so the write starts from fresh data
    token = _write_transaction.set(True)
    try:
        with session.begin():
            yield session
    finally:
        _write_transaction.reset(token)


def create_once(session: Session, *, existing: Callable[[], T | None], create: Callable[[], T]) -> T:
    """Make something once per form: `existing` finds what an earlier send of the same form made.

    `create` runs in a write transaction. If a twin request wins the race, its result is returned.
    """
    if (found := existing()) is not None:
        return found
    try:
        with writing(session):
            return create()
    except IntegrityError:
        found = existing()
        if found is None:
            raise
        return found
