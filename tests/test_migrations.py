from __future__ import annotations

import os

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

from webapp import models  # noqa: F401
from webapp.cli import alembic_config

from .conftest import reset_postgres

TABLES = {"users", "device_sessions", "entries", "audit_events", "checkins", "barriers", "goals", "goal_steps", "appointments",
          "housing_areas", "consent_texts", "signup_drafts", "pairing_links", "trusted_devices"}
RECORDS = {"users", "device_sessions", "entries", "audit_events", "checkins", "barriers", "goals", "goal_steps", "appointments"}


def database_urls(tmp_path):
    urls = [f"sqlite:///{tmp_path / 'migrations.sqlite3'}"]
    if os.environ.get("TEST_DATABASE_URL"):
        urls.append(os.environ["TEST_DATABASE_URL"])
    return urls


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


@pytest.fixture
def migration_urls(tmp_path, request):
    urls = database_urls(tmp_path)
    yield urls
    # Leave PostgreSQL migrated for the fixtures that expect the schema there.
    for url in urls:
        if url.startswith("postgresql"):
            reset_postgres(url)
            command.upgrade(alembic_config(url), "head")


def test_upgrade_to_head_and_back_down_to_empty(migration_urls):
    for url in migration_urls:
        if url.startswith("postgresql"):
            reset_postgres(url)
        config = alembic_config(url)
        command.upgrade(config, "head")
        assert tables(url) == TABLES
        command.downgrade(config, "0002")
        assert tables(url) == RECORDS
        command.downgrade(config, "0001")
        assert tables(url) == {"users", "device_sessions", "entries", "audit_events"}
        command.downgrade(config, "base")
        assert tables(url) == set()
        command.upgrade(config, "head")
        assert tables(url) == TABLES


def test_migrations_match_the_models(migration_urls):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    url = migration_urls[0]
    command.upgrade(alembic_config(url), "head")
    engine = create_engine(url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert diff == []
