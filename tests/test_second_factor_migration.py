"""Migration 0009 (the staff second factor) goes down and up again on a database with second factors, recovery
codes, passkeys and reset links in it, on SQLite and on TEST_DATABASE_URL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlmodel import func, select

from webapp.auth import password_links
from webapp.cli import alembic_config
from webapp.models import Passkey, User

from .conftest import make_app, reset_postgres
from .factories import make_accounts, make_staff_with_link, run
from .second_factor_helpers import signed_in_with_app
from .test_migrations import database_urls


def filled(url: str) -> None:
    if url.startswith("postgresql"):
        reset_postgres(url)
    command.upgrade(alembic_config(url), "head")
    app = make_app(url, STAFF_SECOND_FACTOR=True)
    accounts = make_accounts(app)
    signed_in_with_app(app, "advisor1", accounts.advisor1)
    make_staff_with_link(app)  # a new staff member's password link, which the downgrade keeps
    run(app, password_links.make_reset_link, user=accounts.advisor2, actor=None)
    run(app, password_links.make_reset_link, user=accounts.volunteer1, actor=accounts.coordinator)

    def add_passkey(session):
        session.add(Passkey(user_id=accounts.coordinator.id, credential_id="AAAA", public_key=b"key"))
        session.commit()

    run(app, add_passkey)
    app.extensions["db_engine"].dispose()


def test_0009_goes_down_and_up_again_with_second_factors_and_reset_links(tmp_path):
    for url in database_urls(tmp_path):
        filled(url)
        config = alembic_config(url)

        command.downgrade(config, "0008")

        engine = create_engine(url)
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            links = connection.execute(text("SELECT user_id, created_by_id FROM password_links")).all()
            columns = {column["name"] for column in inspect(connection).get_columns("device_sessions")}
        engine.dispose()
        assert not tables & {"totp_secrets", "recovery_codes", "passkeys"}
        assert len(links) == 1 and links[0][1] is not None  # the new staff member's link stays; reset links go
        assert not columns & {"second_factor_at", "challenge"}

        command.upgrade(config, "head")
        app = make_app(url)
        assert run(app, lambda session: session.exec(select(func.count(User.id))).one()) == 9
        app.extensions["db_engine"].dispose()
        if url.startswith("postgresql"):
            reset_postgres(url)
            command.upgrade(config, "head")
