"""What the backup tests share: running a command, a second empty database, apps on it, an age key pair."""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path

import pyrage
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from .conftest import make_app, postgres_url


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=[str(arg) for arg in args])


def only_archive(folder: Path) -> Path:
    (path,) = [path for path in folder.iterdir() if path.name.startswith("sammen-backup-")]
    return path


def key_pair(folder: Path) -> tuple[str, Path]:
    """A public key for BACKUP_RECIPIENT, and the private key in a file as age-keygen writes it."""
    identity = pyrage.x25519.Identity.generate()
    key_file = folder / f"backup-key-{uuid.uuid4().hex[:6]}.txt"
    key_file.write_text(f"# public key: {identity.to_public()}\n{identity}\n")
    return str(identity.to_public()), key_file


@pytest.fixture
def fresh_url(database_url, tmp_path):
    """Makes another database of the same backend with nothing in it, not even a schema."""
    made: list[str] = []
    admin = None if database_url.startswith("sqlite") else create_engine(postgres_url(), isolation_level="AUTOCOMMIT")

    def make() -> str:
        if admin is None:
            return f"sqlite:///{tmp_path / f'restored-{uuid.uuid4().hex[:8]}.sqlite3'}"
        name = f"{make_url(postgres_url()).database}_restored_{secrets.token_hex(4)}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return make_url(postgres_url()).set(database=name).render_as_string(hide_password=False)

    yield make
    if admin is not None:
        with admin.connect() as connection:
            for name in made:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def app_on():
    """Makes an app on a given database and audio folder, with the suite's pepper."""
    apps = []

    def make(url: str, audio: Path):
        app = make_app(url, AUDIO_DIR=str(audio))
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["db_engine"].dispose()
