"""Backups restore: taken while twenty writers write, restored into a new database and audio folder, a
resident signs in with their PIN and hears their voice message; checked in a scratch copy without touching
production; never holding the pepper; taken by `upgrade` before it migrates."""

from __future__ import annotations

import hashlib
import secrets
import tarfile
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session

from webapp.backup import database
from webapp.db import make_engine
from webapp.models import Entry
from webapp.timeline import services as timeline

from .backup_helpers import app_on, fresh_url, invoke, key_pair, only_archive  # noqa: F401 -- fixtures
from .conftest import AuthActions, make_app, migrate, postgres_url
from .factories import audio_bytes, make_accounts, rows, send_voice

WRITERS = 20


class Writers:
    """Twenty threads, each with its own connection, posting messages until stopped; each remembers when
    its every commit returned."""

    def __init__(self, app, resident, author):
        self.app, self.resident, self.author = app, resident, author
        self.committed: list[tuple[float, str]] = []
        self.lock, self.stop, self.errors = threading.Lock(), threading.Event(), []
        self.threads = [threading.Thread(target=self.write, args=(n,)) for n in range(WRITERS)]

    def write(self, writer: int) -> None:
        engine = make_engine(self.app.config["DATABASE_URL"])
        try:
            with self.app.app_context():
                for n in range(10_000):
                    if self.stop.is_set():
                        break
                    body = f"writer {writer} message {n}"
                    with Session(engine, expire_on_commit=False) as session:
                        timeline.post_message(
                            session,
                            resident=self.resident,
                            author=self.author,
                            body=body,
                            idempotency_key=uuid.uuid4().hex,
                        )
                    with self.lock:
                        self.committed.append((time.monotonic(), body))
        except Exception as error:  # noqa: BLE001 -- reported by the test
            self.errors.append(error)
        finally:
            engine.dispose()

    def committed_before(self, moment: float) -> set[str]:
        with self.lock:
            return {body for at, body in self.committed if at < moment}

    def committed_between(self, start: float, end: float) -> int:
        with self.lock:
            return sum(start <= at < end for at, _ in self.committed)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        deadline = time.monotonic() + 30
        while len(self.committed) < WRITERS * 2 and not self.errors and time.monotonic() < deadline:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc):
        time.sleep(0.2)  # and a little after the backup
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def test_a_backup_taken_while_twenty_write_restores_with_pin_sign_in_and_voice(
    app, accounts, tmp_path, fresh_url, app_on
):
    voice_id = send_voice(app, accounts.resident1, accounts.resident1)
    recipient, key_file = key_pair(tmp_path)
    app.config["BACKUP_RECIPIENT"] = recipient
    with Writers(app, accounts.resident1, accounts.advisor1) as writers:
        began = time.monotonic()
        made = invoke(app, "backup", "create", tmp_path / "backups")
        ended = time.monotonic()
    assert made.exit_code == 0, made.output
    assert not writers.errors, writers.errors
    assert writers.committed_between(began, ended) > 0, "nobody wrote while the backup was taken"
    archive = only_archive(tmp_path / "backups")
    assert archive.name.endswith(".tar.age") and archive.stat().st_mode & 0o777 == 0o600

    restored = app_on(fresh_url(), tmp_path / "restored-audio")
    done = invoke(restored, "backup", "restore", archive, "--identity", key_file)

    assert done.exit_code == 0, done.output
    bodies = {entry.body for entry in rows(restored, Entry, Entry.resident_id == accounts.resident1.id)}
    before = writers.committed_before(began)
    assert before and before <= bodies, f"{len(before - bodies)} entries committed before the backup are missing"
    phone = AuthActions(restored).client_for("resident1")
    played = phone.get(f"/residents/{accounts.resident1.id}/voice/{voice_id}")
    assert played.status_code == 200 and played.data == audio_bytes("voice.webm")


@pytest.mark.parametrize("schema", ["none", "migrated"])
def test_a_plain_archive_restores_into_a_new_database_with_or_without_its_schema(
    app, accounts, tmp_path, fresh_url, app_on, schema
):
    send_voice(app, accounts.resident1, accounts.advisor1)
    invoke(app, "backup", "create", tmp_path / "backups")
    url = fresh_url()
    if schema == "migrated":
        migrate(url)  # as on a new server where `db upgrade` was run first
    restored = app_on(url, tmp_path / "restored-audio")

    done = invoke(restored, "backup", "restore", only_archive(tmp_path / "backups"))

    assert done.exit_code == 0, done.output
    assert database.row_counts(url) == database.row_counts(app.config["DATABASE_URL"])
    assert [path.read_bytes() for path in (tmp_path / "restored-audio").rglob("*.*")] == [audio_bytes()]


def databases_named_verify() -> list[str]:
    engine = create_engine(postgres_url())
    with engine.connect() as connection:
        names = connection.execute(text("SELECT datname FROM pg_database WHERE strpos(datname, '_verify_') > 0"))
        found = list(names.scalars())
    engine.dispose()
    return found


def audio_listing(app) -> dict[str, str]:
    root = Path(app.config["AUDIO_DIR"])
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def test_verify_restores_into_a_scratch_copy_and_leaves_production_untouched(app, accounts, tmp_path):
    send_voice(app, accounts.resident1, accounts.resident1)
    invoke(app, "backup", "create", tmp_path)
    url = app.config["DATABASE_URL"]
    counts, audio = database.row_counts(url), audio_listing(app)
    file_before = database.sqlite_path(url).read_bytes() if url.startswith("sqlite") else None

    done = invoke(app, "backup", "restore", only_archive(tmp_path), "--verify")

    assert done.exit_code == 0, done.output
    assert "Verified" in done.output and "and 1 voice message restored" in done.output
    assert database.row_counts(url) == counts and audio_listing(app) == audio
    if file_before is not None:
        assert database.sqlite_path(url).read_bytes() == file_before
    else:
        assert databases_named_verify() == []


def test_the_pepper_and_the_secret_key_are_never_in_the_archive(database_url, tmp_path):
    pepper, key = f"pepper-{secrets.token_hex(16)}", f"key-{secrets.token_hex(16)}"
    app = make_app(database_url, SECRET_PEPPER=pepper, SECRET_KEY=key)
    accounts = make_accounts(app)
    send_voice(app, accounts.resident1, accounts.resident1)
    invoke(app, "backup", "create", tmp_path)
    app.extensions["db_engine"].dispose()

    archive = only_archive(tmp_path)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and any(name.startswith("database/") for name in names)
    assert pepper.encode() not in archive.read_bytes() and key.encode() not in archive.read_bytes()


def revision_before_head() -> str:
    from alembic.script import ScriptDirectory

    from webapp.config import bundled

    return ScriptDirectory(str(bundled("migrations"))).get_revision(database.head_revision()).down_revision


def test_upgrade_takes_a_backup_then_migrates(fresh_url, tmp_path, app_on):
    url = fresh_url()
    head, previous = database.head_revision(), revision_before_head()
    migrate(url, previous)
    app = app_on(url, tmp_path / "audio")

    done = invoke(app, "upgrade", "--dest", tmp_path / "backups")

    assert done.exit_code == 0, done.output
    archive = only_archive(tmp_path / "backups")
    assert f"Backup written: {archive}" in done.output and f"Migrations: {previous} → {head}" in done.output
    assert database.revision(url) == head
    with tarfile.open(archive) as tar:
        assert f'"migration": "{previous}"' in tar.extractfile("manifest.json").read().decode()


def test_upgrade_does_not_migrate_when_the_backup_fails(fresh_url, tmp_path, app_on):
    url = fresh_url()
    previous = revision_before_head()
    migrate(url, previous)
    app = app_on(url, tmp_path / "audio")
    app.config["BACKUP_RECIPIENT"] = "not-a-key"

    done = invoke(app, "upgrade", "--dest", tmp_path / "backups")

    assert done.exit_code == 1 and "No migration was run" in done.output
    assert database.revision(url) == previous
    assert not (tmp_path / "backups").exists() or not list((tmp_path / "backups").iterdir())
