"""A backup that cannot be restored as it is says why in one line and changes nothing: a database or audio
folder that holds something, a changed or damaged archive, a missing or wrong key, a full disk."""

from __future__ import annotations

import threading
from pathlib import Path

import pyrage

from webapp.backup import crypto, database
from webapp.backup.database import BackupError

from .backup_helpers import app_on, fresh_url, invoke, key_pair, only_archive  # noqa: F401 -- fixtures
from .factories import audio_bytes, send_voice


def test_an_encrypted_archive_needs_its_identity(app, accounts, tmp_path, fresh_url, app_on):
    recipient, _ = key_pair(tmp_path)
    _, other_key = key_pair(tmp_path)
    app.config["BACKUP_RECIPIENT"] = recipient
    invoke(app, "backup", "create", tmp_path / "backups")
    archive = only_archive(tmp_path / "backups")
    restored = app_on(fresh_url(), tmp_path / "restored-audio")

    without = invoke(restored, "backup", "restore", archive)
    wrong = invoke(restored, "backup", "restore", archive, "--identity", other_key)

    assert without.exit_code == 1 and "give --identity FILE" in without.output
    assert wrong.exit_code == 1 and "cannot decrypt the archive" in wrong.output
    assert database.rows_held(restored.config["DATABASE_URL"]) == 0


def test_without_a_recipient_the_archive_says_on_stderr_it_is_not_encrypted(app, accounts, tmp_path):
    made = invoke(app, "backup", "create", tmp_path)

    assert made.exit_code == 0
    assert "NOT encrypted and holds health data" in made.stderr
    assert not crypto_header(only_archive(tmp_path))


def crypto_header(path: Path) -> bool:
    return path.read_bytes().startswith(b"age-encryption.org/v1\n")


def test_restore_refuses_a_database_that_holds_rows(app, accounts, tmp_path):
    invoke(app, "backup", "create", tmp_path)
    before = database.row_counts(app.config["DATABASE_URL"])

    done = invoke(app, "backup", "restore", only_archive(tmp_path))

    assert done.exit_code == 1
    (said,) = [line for line in done.output.splitlines() if not line.startswith("{")]  # log lines are JSON
    assert said.startswith("Error: the database already holds") and "only into an empty database" in said
    assert database.row_counts(app.config["DATABASE_URL"]) == before


def test_restore_refuses_an_audio_folder_that_holds_voice_messages(app, accounts, tmp_path, fresh_url, app_on):
    invoke(app, "backup", "create", tmp_path / "backups")
    (tmp_path / "audio" / "7").mkdir(parents=True)
    (tmp_path / "audio" / "7" / "old.webm").write_bytes(b"x")
    restored = app_on(fresh_url(), tmp_path / "audio")

    done = invoke(restored, "backup", "restore", only_archive(tmp_path / "backups"))

    assert done.exit_code == 1 and "audio folder" in done.output and "empty one" in done.output
    assert database.rows_held(restored.config["DATABASE_URL"]) == 0


def test_a_changed_voice_file_is_refused_by_its_checksum_and_nothing_is_restored(
    app, accounts, tmp_path, fresh_url, app_on
):
    send_voice(app, accounts.resident1, accounts.resident1)
    invoke(app, "backup", "create", tmp_path / "backups")
    archive = only_archive(tmp_path / "backups")
    data = bytearray(archive.read_bytes())
    at = data.index(audio_bytes()) + 1000
    data[at] ^= 0xFF
    archive.write_bytes(bytes(data))
    restored = app_on(fresh_url(), tmp_path / "restored-audio")

    done = invoke(restored, "backup", "restore", archive)

    assert done.exit_code == 1 and "does not match its checksum" in done.output
    assert database.rows_held(restored.config["DATABASE_URL"]) == 0
    assert not list((tmp_path / "restored-audio").rglob("*.*"))


def test_a_changed_encrypted_archive_is_refused(app, accounts, tmp_path, fresh_url, app_on):
    recipient, key_file = key_pair(tmp_path)
    app.config["BACKUP_RECIPIENT"] = recipient
    invoke(app, "backup", "create", tmp_path / "backups")
    archive = only_archive(tmp_path / "backups")
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    archive.write_bytes(bytes(data))
    restored = app_on(fresh_url(), tmp_path / "restored-audio")

    done = invoke(restored, "backup", "restore", archive, "--identity", key_file)

    assert done.exit_code == 1 and "damaged" in done.output
    assert database.rows_held(restored.config["DATABASE_URL"]) == 0


class FullDisk:
    def __init__(self, room: int):
        self.room = room

    def write(self, data: bytes) -> int:
        if len(data) > self.room:
            raise OSError(28, "No space left on device")
        self.room -= len(data)
        return len(data)

    def flush(self) -> None:
        pass


def test_a_full_disk_while_encrypting_stops_the_backup_with_the_reason_and_does_not_hang():
    identity = pyrage.x25519.Identity.generate()
    outcome = []

    def write_a_large_archive():
        try:
            with crypto.encrypting(FullDisk(room=100_000), identity.to_public()) as sink:
                for _ in range(100):
                    sink.write(bytes(1 << 16))
        except BaseException as error:  # noqa: BLE001
            outcome.append(error)

    thread = threading.Thread(target=write_a_large_archive, daemon=True)
    thread.start()
    thread.join(timeout=20)

    assert not thread.is_alive(), "the backup waits for ever on a pipe nobody reads"
    assert isinstance(outcome[0], BackupError) and "No space left" in str(outcome[0])


def test_a_database_that_cannot_be_read_is_said_in_one_line(tmp_path, app_on):
    app = app_on(f"sqlite:///{tmp_path / 'missing.sqlite3'}", tmp_path / "audio")

    done = invoke(app, "backup", "create", tmp_path / "backups")

    assert done.exit_code == 1 and "Error: no database at" in done.output and "Traceback" not in done.output
