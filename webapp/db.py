"""Engine and per-request session, and the rule every write follows.

SQLite runs in WAL mode with a busy timeout, and write transactions begin IMMEDIATE:
a deferred transaction that reads and then writes cannot wait for the lock and fails
with "database is locked" under concurrent writers. It also runs with `secure_delete`, so what
is deleted is overwritten with zeros, not left in free space; after an erasure or a retention run,
`checkpoint` copies the write-ahead log into the file and empties it, so no old page stays there either.

How a write reads what it checks
--------------------------------
The session keeps the rows it has loaded (`expire_on_commit=False`), and a later
`select(...)` — even `.with_for_update()` — hands back that copy, not the row as it is now.
So a write never decides on a row it read earlier. Instead:

* A versioned change is one `UPDATE … WHERE id = :id AND version = :seen` (see `change_if`).
  It changes the row only if nobody changed it since the user saw it; the history entry is
  added only when the update changed one row.
* A state change (done, seen, paused, answered) is `UPDATE … WHERE id = :id AND state <> :target`,
  so a double tap or twenty parallel taps change it, and record it, once.
* A check that guards a write on another row (an advisor is active, has no residents) first
  locks the row both sides share with `lock_and_read`; a subquery in the `WHERE` alone is not
  enough on PostgreSQL, where two such updates of different rows do not wait for each other.
* What the caller shows afterwards is read again with `reread`, which replaces the stale copy.
* `writing()` refuses to begin while the session holds changes made outside a write (a copy set by
  hand, a row added before it): it would commit them blind (`PendingChanges`).

Reads that need no transaction
------------------------------
The poll that finds nothing new (`timeline/poll.py`) reads with one statement, on an engine of its own in
autocommit (`autocommit_engine`): no BEGIN, no ROLLBACK, and no ping when a connection is taken from its pool.
A connection found dead fails that one statement; the pool drops it, and the request goes on by the usual path,
whose pool pings.

What a flush writes besides
---------------------------
Every session of the app is an `AppSession` (`get_session`, `new_session`). Listeners that keep derived
rows in step are attached to that class, not to SQLAlchemy's `Session`, so they go wherever the app's
sessions go and touch no other session in the process. One does so today: each flush that inserts
timeline entries updates their residents' `resident_activity` rows in the same transaction
(`timeline/activity.py`, attached when that module is imported; `timeline/services.py`, which adds the
entries, imports it). Writes that do not flush ORM objects bypass it: bulk Core writes
(`session.execute(insert(Entry), rows)`, raw SQL, a benchmark's or a repair's inserts), and any session
made as a plain `sqlmodel.Session`. After such a write run `flask caseload rebuild`, which recomputes
every row from the entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import TypeVar

from flask import Flask, current_app, g, request
from sqlalchemy import Engine, create_engine, event, inspect, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import configure_mappers, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state
from sqlmodel import Session, select

_write_transaction: ContextVar[bool] = ContextVar("write_transaction", default=False)
T = TypeVar("T")


def make_engine(url: str, *, autocommit: bool = False) -> Engine:
    """`autocommit`: each statement stands alone, with no BEGIN or ROLLBACK around it and no ping of the
    connection first (see "Reads that need no transaction")."""
    # An error's text leaves out the statement's values (a message, a name): it goes to the operators' log.
    alone = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
    if url.startswith("sqlite"):
        engine = create_engine(
            url, hide_parameters=True, connect_args={"check_same_thread": False, "timeout": 30}, **alone
        )
        event.listen(engine, "connect", _configure_sqlite_connection)
        if not autocommit:
            event.listen(engine, "begin", _begin_sqlite)
        return engine
    # PostgreSQL's JIT compiles a plan to machine code when its cost estimate is high. It did so for the
    # caseload's correlated subqueries before the caseload read `resident_activity`: 1.7 s of a 2.5 s caseload,
    # and a typical one from 18 ms to 70 ms. The app's queries are short index lookups, which never win that time back.
    return create_engine(
        url, pool_pre_ping=not autocommit, hide_parameters=True, connect_args={"options": "-c jit=off"}, **alone
    )


def _configure_sqlite_connection(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the driver, decide when transactions begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted rows are zeroed in the file, not left readable in free space (privacy, issue 17).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _begin_sqlite(connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_transaction.get() else "BEGIN")


def checkpoint(bind: Engine) -> bool:
    """On SQLite, copy the write-ahead log into the database file and truncate the log to nothing, so
    the pages that held deleted rows are gone from it as well; False if a reader kept it from finishing
    within the busy timeout. Run after the commit, outside any transaction. Nothing to do on PostgreSQL,
    whose deleted rows stay in the table files until vacuum.
    """
    if bind.dialect.name != "sqlite":
        return True
    raw = bind.raw_connection()
    try:
        busy, _frames, _copied = raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        raw.close()
    return not busy


def init_app(app: Flask) -> None:
    main = app.extensions["db_engine"] = make_engine(app.config["DATABASE_URL"])
    alone = app.extensions["db_autocommit"] = make_engine(app.config["DATABASE_URL"], autocommit=True)
    # Whoever closes the app's connections (a test, a backup's restore) closes both pools.
    event.listen(main, "engine_disposed", lambda _engine: alone.dispose())
    app.before_request(take_connection)
    app.teardown_appcontext(close_session)


def take_connection() -> None:
    """Every page but the health checks and static files first takes its connection (on PostgreSQL the pool
    checks it is alive): while the database is away, each answers 503 (errors.py) before doing anything,
    the sign-in pages too, which would otherwise ask for a password they cannot check."""
    if request.blueprint != "health" and request.endpoint != "static":
        get_session().connection()


def engine() -> Engine:
    return current_app.extensions["db_engine"]


def autocommit_engine() -> Engine:
    return current_app.extensions["db_autocommit"]


class AppSession(Session):
    """The app's sessions, and the class its flush listeners are attached to (see the module's docstring)."""


def new_session(bind: Engine | None = None) -> AppSession:
    """A session of the app's own kind: the current app's engine, or `bind` for a script with an engine of its
    own (`make_engine`). Rows it has loaded stay as loaded after a commit (see `reread`)."""
    return AppSession(bind if bind is not None else engine(), expire_on_commit=False)


def get_session() -> AppSession:
    """The request's (or CLI command's) session, made on first use and closed when the app context ends."""
    if "db_session" not in g:
        g.db_session = new_session()
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is None:
        return
    try:
        session.close()
    except Exception:
        # Closing only ends a read snapshot or a transaction that already failed; what was
        # committed is stored. A lost connection here must not turn a sent message into a 500.
        current_app.logger.warning("Could not close the database session cleanly", exc_info=True)
        session.invalidate()


class PendingChanges(RuntimeError):
    """A programming error: `writing()` began while the session held changes made outside a write."""


def _pending(session: Session) -> list[str]:
    """What the session would write at its next flush: `Model` for a row added or deleted, `Model.field` for a
    copy changed by hand. Names only: the values may be someone's words."""
    found = [type(row).__name__ for row in (*session.new, *session.deleted)]
    for row in session.dirty:
        state = inspect(row)
        found += [f"{type(row).__name__}.{attr.key}" for attr in state.attrs if attr.history.has_changes()] or [
            type(row).__name__
        ]
    return sorted(set(found))


@contextmanager
def writing(session: Session) -> Iterator[Session]:
    """Run the block as one write transaction and commit it; roll back on error.

    Refused (`PendingChanges`) if the session already holds changes: they were made outside any write,
    without the check that write would make, and committing them here would write them blind.
    """
    _refuse_pending(session)
    if session.in_transaction():
        session.commit()  # end the read snapshot so the write starts from fresh data
    token = _write_transaction.set(True)
    try:
        with session.begin():
            yield session
    finally:
        _write_transaction.reset(token)


def _refuse_pending(session: Session) -> None:
    if pending := _pending(session):
        session.rollback()  # drop them, so no later commit writes them either
        raise PendingChanges(
            f"writing() began with changes not yet written: {', '.join(pending)}. Change rows inside "
            "writing() (UPDATE ... WHERE on what was checked), and reread() what the caller shows afterwards."
        )


@contextmanager
def writing_after_reads(session: Session) -> Iterator[Session]:
    """`writing()` for the writes a page's reads lead to (its "seen" marks, the record of an opening): on
    PostgreSQL they go in the transaction that read, and commit it, so the page is one transaction.

    Each such write checks in its own `WHERE` what it depends on, so it writes what holds when it runs. On
    SQLite a transaction that has read cannot wait to become a writer (a write committed by another meanwhile
    fails it at once with "database is locked"): there the reads' transaction ends and the writes take an
    IMMEDIATE one of their own, as in `writing()`.
    """
    if session.get_bind().dialect.name == "sqlite" or not session.in_transaction():
        with writing(session):
            yield session
        return
    _refuse_pending(session)
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    session.commit()


def change_if(session: Session, model, row_id: int, *conditions, **values) -> bool:
    """`UPDATE model SET values WHERE id = row_id AND conditions`; True if the row changed.

    Call inside `writing`. The copy the session holds is not touched: `reread` it afterwards.
    """
    result = session.execute(
        update(model)
        .where(model.id == row_id, *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def from_row(model: type[T], names: Sequence[str], values: Sequence) -> T:
    """An object of `model` from a Core row: the `values` of its table's columns `names`, made as the ORM's
    loader makes one (no validation, no defaults, nothing marked as changed), in no session. Every other column
    counts as expired, so asking for one raises (DetachedInstanceError) rather than answering None."""
    keys, unread = _attributes(model, tuple(names))
    instance = inspect(model).class_manager.new_instance()
    instance.__dict__.update(zip(keys, values, strict=True))
    instance_state(instance).expired_attributes.update(unread)
    return instance


def attach(session: Session, model: type[T], names: Sequence[str], values: Sequence) -> T:
    """`from_row` (the primary key among `names`), held by the session as if it had loaded it, without a query:
    it can be reread, locked or changed like any row the session loaded, and a column not read is loaded when
    asked for. A copy the session holds already is kept, as a query would keep it."""
    instance = from_row(model, names, values)
    make_transient_to_detached(instance)
    held = session.identity_map.get(inspect(instance).key)
    if held is not None:
        return held
    session.add(instance)
    return instance


@cache
def _attributes(model, names: tuple[str, ...]) -> tuple[tuple[str, ...], frozenset[str]]:
    """The attributes of these columns, and those of the others."""
    configure_mappers()  # as the first query would: until then, attributes have no behaviour
    mapper = inspect(model)
    keys = tuple(mapper.get_property_by_column(model.__table__.c[name]).key for name in names)
    return keys, frozenset(prop.key for prop in mapper.column_attrs) - set(keys)


def reread(session: Session, model: type[T], row_id: int) -> T:
    """The row as the database has it now, replacing whatever copy the session held."""
    return session.exec(select(model).where(model.id == row_id).execution_options(populate_existing=True)).one()


def lock_and_read(session: Session, column, row_id: int):
    """Lock one row until the transaction ends and read one column of it as it is now.

    Two writes that each check a different row (assign to an advisor who must be active;
    deactivate an advisor who must follow nobody) both lock the row they share first, so the
    second one waits and then reads what the first wrote. SQLite's IMMEDIATE transactions
    already run one at a time.
    """
    return session.execute(select(column).where(column.class_.id == row_id).with_for_update()).scalar_one_or_none()


def lock_row(session: Session, model, row_id: int) -> None:
    """Make other writers that lock the same row wait until this transaction ends.

    Nothing to do on SQLite: its IMMEDIATE write transactions already run one at a time.
    """
    if session.get_bind().dialect.name != "sqlite":
        session.execute(select(model.id).where(model.id == row_id).with_for_update())


def create_once(session: Session, *, existing: Callable[[], T | None], create: Callable[[], T]) -> T:
    """Make something once per form: `existing` finds what an earlier send of the same form made.

    `create` runs in a write transaction. If a twin request wins the race, its result is returned.
    If the write fails on a lost connection, it may have been stored all the same (see
    `stored_after_all`): then that is returned, and the person is not asked to send it again.
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
    except DBAPIError:
        if (found := stored_after_all(session, existing)) is None:
            raise
        return found


def stored_after_all(session: Session, find: Callable[[], T | None]) -> T | None:
    """After a write failed at the database: what it stored, if it was stored after all.

    A connection lost at COMMIT (the server restarted, a backend was terminated, the network dropped)
    leaves the client not knowing: the server may have committed and its answer never arrived. Ask
    again, on a fresh connection, before answering with an error; None if it is not there, or if the
    database cannot be asked either.
    """
    session.rollback()  # leaves the failed transaction, and the connection if it was lost
    try:
        return find()
    except DBAPIError:
        current_app.logger.warning("Could not look again for a write that failed", exc_info=True)
        session.rollback()
        return None
