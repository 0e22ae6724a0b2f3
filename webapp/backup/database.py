"""What both backends share: row counts, the schema's revision, whether a database is empty, and which backend
module dumps and restores it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, column, create_engine, func, inspect, select, table
from sqlalchemy.engine import make_url

from ..config import bundled

VERSION_TABLE = "alembic_version"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is the one line the operator reads."""


@dataclass(frozen=True)
class Snapshot:
    """A consistent copy of the database in a file, and what it held when it was taken."""

    file: Path
    counts: dict[str, int]
    revision: str | None


def backend(url: str) -> str:
    if url.startswith("sqlite"):
        return "sqlite"
    if url.startswith("postgresql"):
        return "postgresql"
    raise BackupError(f"backups know SQLite and PostgreSQL only, not {url.split(':', 1)[0]}")


def _module(url: str):
    from . import postgres, sqlite  # here: they import this module's helpers

    return sqlite if backend(url) == "sqlite" else postgres


def dump(url: str, into: Path) -> Snapshot:
    return _module(url).dump(url, into)


def restore(url: str, dump_file: Path) -> None:
    _module(url).restore(url, dump_file, schema_present=bool(table_names(url)))


@contextmanager
def scratch(url: str) -> Iterator[str]:
    """An empty database of the same backend (and, on PostgreSQL, the same server), removed afterwards."""
    with _module(url).scratch(url) as scratch_url:
        yield scratch_url


def counts_in(connection: Connection) -> dict[str, int]:
    """Rows per table (the migrations' own table included), read in the connection's transaction."""
    return {
        name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
        for name in sorted(inspect(connection).get_table_names())
    }


def revision_in(connection: Connection) -> str | None:
    if VERSION_TABLE not in inspect(connection).get_table_names():
        return None
    return connection.execute(select(column("version_num")).select_from(table(VERSION_TABLE))).scalar_one_or_none()


def _read(url: str, read):
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return read(connection)
    finally:
        engine.dispose()


def row_counts(url: str) -> dict[str, int]:
    return _read(url, counts_in)


def revision(url: str) -> str | None:
    return _read(url, revision_in)


def table_names(url: str) -> list[str]:
    return _read(url, lambda connection: inspect(connection).get_table_names())


# Tables the migrations fill themselves (the default list of situations): a new database holds their rows, and a
# restore replaces them with the backup's, as it replaces everything.
FILLED_BY_MIGRATIONS = (VERSION_TABLE, "situations")


def rows_held(url: str) -> int:
    """Rows in every table but those the migrations fill: 0 for a new database, with or without its schema."""
    if backend(url) == "sqlite" and not sqlite_path(url).exists():
        return 0
    return sum(count for name, count in row_counts(url).items() if name not in FILLED_BY_MIGRATIONS)


def sqlite_path(url: str) -> Path:
    return Path(make_url(url).database or "")


def known_revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory(str(bundled("migrations"))).walk_revisions()}


def head_revision() -> str:
    return ScriptDirectory(str(bundled("migrations"))).get_current_head()
