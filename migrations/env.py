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
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = database_url()
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=url.startswith("sqlite"))
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
