"""SQLite: copied with its online backup API, which reads one consistent state while the app goes on writing
(a plain file copy of a database in write-ahead-log mode loses the newest writes)."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import create_engine

from .database import BackupError, Snapshot, counts_in, revision_in, sqlite_path

DUMP_NAME = "database.sqlite3"


def _copy(source: Path, target: Path) -> None:
    # pages=-1: every page in one step, inside one read transaction of the source.
    with closing(sqlite3.connect(source, timeout=30)) as reading, closing(sqlite3.connect(target)) as writing:
        reading.backup(writing)


def dump(url: str, into: Path) -> Snapshot:
    source = sqlite_path(url)
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    target = into / DUMP_NAME
    _copy(source, target)
    # Counted in the copy, so the counts are those of the archived state, not of the live database.
    engine = create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as connection:
            return Snapshot(file=target, counts=counts_in(connection), revision=revision_in(connection))
    finally:
        engine.dispose()


def restore(url: str, dump_file: Path, *, schema_present: bool) -> None:
    # The backup API replaces whatever the target file held (an empty schema, say) with the copy.
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(dump_file, target)


@contextmanager
def scratch(url: str) -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="sammen-verify-") as folder:
        yield f"sqlite:///{Path(folder) / 'verify.sqlite3'}"
