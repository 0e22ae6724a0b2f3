"""PostgreSQL: `pg_dump --format=custom` and `pg_restore`, run with an argument list and the connection in
libpq's environment variables, so the password never shows on a command line (`ps` shows those to everyone).

The dump reads the snapshot that the row counts were read in (`pg_export_snapshot`), so the manifest counts
exactly what the dump holds while the app goes on writing."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from .database import BackupError, Snapshot, counts_in, revision_in

DUMP_NAME = "database.pgdump"

# Settings in the URL's query that libpq also reads from the environment.
QUERY_TO_ENV = {
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


def libpq_environment(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    parts = {
        "PGHOST": url.host,
        "PGPORT": url.port,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    for key, value in url.query.items():
        if key in QUERY_TO_ENV:
            parts[QUERY_TO_ENV[key]] = value if isinstance(value, str) else value[-1]
    env.update({name: str(value) for name, value in parts.items() if value not in (None, "")})
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client (Debian: postgresql-client)")
    return found


def _major(version_text: str) -> int:
    found = re.search(r"(\d+)(?:\.\d+)?", version_text)
    if found is None:
        raise BackupError(f"cannot read a version in {version_text!r}")
    return int(found.group(1))


def check_client(tool: str, server_version_num: int) -> None:
    """pg_dump and pg_restore of an older major version than the server's refuse its dumps, or dump wrongly."""
    client = _major(subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout)
    server = server_version_num // 10000
    if client < server:
        raise BackupError(
            f"{Path(tool).name} is version {client}, older than the server's {server}: "
            f"install postgresql-client-{server}"
        )


def _run(arguments: list[str], url: URL) -> None:
    done = subprocess.run(arguments, env=libpq_environment(url), capture_output=True, text=True)
    if done.returncode != 0:
        message = " ".join(done.stderr.split())[:500]
        raise BackupError(f"{Path(arguments[0]).name} failed: {message}")


def dump(url: str, into: Path) -> Snapshot:
    target = into / DUMP_NAME
    tool = _tool("pg_dump")
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection:
            check_client(tool, int(connection.execute(text("SHOW server_version_num")).scalar_one()))
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts, revision = counts_in(connection), revision_in(connection)
            # The exported snapshot lives as long as this transaction: pg_dump runs inside it.
            _run(
                [tool, "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={target}"], make_url(url)
            )
            connection.rollback()
    finally:
        engine.dispose()
    return Snapshot(file=target, counts=counts, revision=revision)


def restore(url: str, dump_file: Path, *, schema_present: bool) -> None:
    parsed = make_url(url)
    tool = _tool("pg_restore")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            check_client(tool, int(connection.execute(text("SHOW server_version_num")).scalar_one()))
    finally:
        engine.dispose()
    # A schema without rows (after `db upgrade` on a new server) is dropped object by object first.
    clean = ["--clean", "--if-exists"] if schema_present else []
    _run(
        [tool, "--no-owner", "--exit-on-error", "--no-password", *clean, f"--dbname={parsed.database}", str(dump_file)],
        parsed,
    )


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def scratch(url: str) -> Iterator[str]:
    """A database beside the app's on the same server, `<db>_verify_<random>`, dropped afterwards."""
    parsed = make_url(url)
    name = f"{(parsed.database or 'sammen')[:40]}_verify_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {_quoted(name)}"))
    except Exception as error:
        admin.dispose()
        raise BackupError(f"--verify needs a role that may create databases: {error.__class__.__name__}") from error
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)"))
        admin.dispose()
