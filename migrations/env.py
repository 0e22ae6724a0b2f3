"""Alembic runs on SQLModel's metadata; the URL comes from `flask db` or DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context
from alembic.util import CommandError
from sqlmodel import SQLModel

from webapp import models  # noqa: F401  (registers the tables)
from webapp.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def database_url() -> str:
    try:
        url = config.get_main_option("sqlalchemy.url")
    except CommandError:  # run as plain `alembic` with only pyproject.toml: no ini section
        url = None
    if url:
        return url
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    from webapp import create_app

    return create_app().config["DATABASE_URL"]


def run_migrations_offline() -> None:
    url = database_url()
    context.configure(
        url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=url.startswith("sqlite")
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = database_url()
    engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            set_foreign_keys(connection, on=False)
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=sqlite,
                on_version_apply=[refuse_broken_foreign_keys] if sqlite else [],
            )
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if sqlite:
                set_foreign_keys(connection, on=True)
    engine.dispose()


def set_foreign_keys(connection, *, on: bool) -> None:
    """SQLite's batch mode copies a table, drops the old one and renames the copy. With foreign keys on,
    dropping a table that rows point at fails (or would empty it), so they are off while migrations run,
    as SQLite's own procedure for changing a table says. The pragma does nothing inside a transaction,
    hence the driver's connection, outside SQLAlchemy's."""
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def refuse_broken_foreign_keys(*, ctx, step, **_given) -> None:
    """The check the foreign keys did not make while they were off, after each migration and before it
    commits: on SQLite each migration runs in a transaction of its own, which this undoes."""
    broken = ctx.connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(
            f"{'upgrade to' if step.is_upgrade else 'downgrade from'} {step.up_revision_id} would "
            f"leave rows pointing at rows that are not there (table, row, parent): {broken[:5]}"
        )


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
