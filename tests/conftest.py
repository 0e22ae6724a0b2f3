"""Fixtures: a fresh database per test, on SQLite always and on TEST_DATABASE_URL when set.

Under pytest-xdist (`make test` runs two workers) each worker has a PostgreSQL database of its own, named
after TEST_DATABASE_URL's and the worker (`..._gw0`), made when the worker starts and dropped when its
session ends; its SQLite files and temporary folders are its own already (tmp_path).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from html import unescape
from pathlib import Path

import pytest
from alembic import command
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from webapp import create_app
from webapp.cli import TRANSLATIONS, alembic_config

from .factories import RESIDENT_PIN, STAFF_PASSWORD, Accounts, make_accounts, pair_client

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])

TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "SECRET_PEPPER": "test-pepper",
    # Cheap hashing keeps the suite fast; test_passwords checks the production parameters.
    "ARGON2_MEMORY_KIB": 1024,
    "ARGON2_TIME_COST": 1,
    "WTF_CSRF_ENABLED": False,
    # Staff sign in with the password alone here; tests/test_second_factor*.py turn the second factor on.
    "STAFF_SECOND_FACTOR": False,
}


def postgres_url() -> str:
    return os.environ["TEST_DATABASE_URL"]


def migrate(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def pytest_configure(config):
    if not hasattr(config, "workerinput"):
        # The suite tests what people see, so it runs on freshly compiled translations: compiled once, by the
        # process that starts the run, before any xdist worker reads them.
        from babel.messages.frontend import CommandLineInterface

        CommandLineInterface().run(["pybabel", "-q", "compile", "-d", str(TRANSLATIONS)])
    elif os.environ.get("TEST_DATABASE_URL"):
        shared = config.stash[SHARED_DATABASE] = os.environ["TEST_DATABASE_URL"]
        name = f"{make_url(shared).database}_{config.workerinput['workerid']}"
        on_server(shared, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
        os.environ["TEST_DATABASE_URL"] = make_url(shared).set(database=name).render_as_string(hide_password=False)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    # Not at unconfigure: the worker is told to stop as soon as it reports its session finished.
    if SHARED_DATABASE in session.config.stash:
        name = make_url(os.environ["TEST_DATABASE_URL"]).database
        on_server(session.config.stash[SHARED_DATABASE], f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


SHARED_DATABASE = pytest.StashKey[str]()


def on_server(url: str, *statements: str) -> None:
    """Statements about whole databases, sent through the database `url` names."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_schema() -> str:
    url = postgres_url()
    reset_postgres(url)
    migrate(url)
    keep_seeded_rows(url)
    return url


# Rows the migrations insert (the default situations), kept aside and put back after each truncation, so
# PostgreSQL starts each test as the SQLite template does.
SEED_SCHEMA = "test_seed"
PUBLIC_TABLES = text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")
SCHEMA_TABLES = text("SELECT tablename FROM pg_tables WHERE schemaname = :schema")


def keep_seeded_rows(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SEED_SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SEED_SCHEMA}"))
        tables = connection.execute(PUBLIC_TABLES).scalars().all()
        for table in tables:
            if connection.execute(text(f'SELECT EXISTS (SELECT 1 FROM public."{table}")')).scalar():
                connection.execute(text(f'CREATE TABLE {SEED_SCHEMA}."{table}" AS SELECT * FROM public."{table}"'))
    engine.dispose()


def truncate_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = connection.execute(PUBLIC_TABLES).scalars().all()
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        seeded = connection.execute(SCHEMA_TABLES, {"schema": SEED_SCHEMA}).scalars().all()
        for table in seeded:
            connection.execute(text(f'INSERT INTO public."{table}" SELECT * FROM {SEED_SCHEMA}."{table}"'))
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('public.\"{table}\"', 'id'), "
                    f'(SELECT max(id) FROM public."{table}"))'
                )
            )
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_schema")
    truncate_postgres(url)
    return url


class EnglishBrowser(FlaskClient):
    """A browser that asks for English, so assertions can read the source strings."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def make_app(database_url: str, **overrides):
    # Voice messages go to a folder of this test's own, not to the checkout's instance/.
    audio = tempfile.mkdtemp(prefix="sammen-audio-")
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "AUDIO_DIR": audio, **overrides})
    app.test_client_class = EnglishBrowser
    return app


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def accounts(app) -> Accounts:
    return make_accounts(app)


class AuthActions:
    def __init__(self, app):
        self.app = app

    def client_for(self, username: str, secret: str | None = None, *, staff: bool | None = None):
        client = self.app.test_client()
        response = self.sign_in(client, username, secret, staff=staff)
        assert response.status_code == 303, response.get_data(as_text=True)
        return client

    def sign_in(self, client, username: str, secret: str | None = None, *, staff: bool | None = None):
        if staff is None:
            staff = not username.startswith("resident")
        if secret is None:
            secret = STAFF_PASSWORD if staff else RESIDENT_PIN
        if staff:
            return client.post("/login/staff", data={"username": username, "password": secret})
        if getattr(client, "on_tablet", False):
            return client.post("/login", data={"username": username, "pin": secret})
        if getattr(client, "paired_with", None) != username:
            pair_client(self.app, client, username)
        return client.post("/login", data={"pin": secret})


@pytest.fixture
def auth(app, accounts) -> AuthActions:
    return AuthActions(app)


def page_text(response) -> str:
    """The text a person sees, roughly: tags stripped, whitespace collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


@pytest.fixture
def resident(auth, accounts):
    """resident1's phone, signed in."""
    return auth.client_for("resident1")


@pytest.fixture
def advisor_da(auth, accounts):
    """advisor1 (resident1's advisor), reading Danish, signed in."""
    from .records_helpers import speaking

    speaking(auth.app, accounts.advisor1, "da")
    return auth.client_for("advisor1")
