"""Voice messages on disk: written whole or not at all, and a full disk or a lost file said plainly to the
person, with nothing half kept (no entry without its file, no file without its entry, no temporary file)."""

from __future__ import annotations

import errno
import io
import os
import uuid
from pathlib import Path

import pytest

from webapp.models import Entry, EntryKind
from webapp.storage import CannotKeep, LocalAudioStore

from .factories import audio_bytes, rows, send_voice

CANNOT_KEEP = (
    "The server cannot keep recordings just now. Your message was not sent: please write it, or try again later."
)


def everything_in(folder) -> list[Path]:
    """Every file, hidden ones (a temporary file) included."""
    return [path for path in Path(folder).rglob("*") if path.is_file()]


def failing_inside(monkeypatch, folder, name: str, code: int) -> None:
    """os.NAME raises `code` for files under FOLDER, as a full (ENOSPC), over-quota (EDQUOT) or read-only
    (EROFS) disk would; everything else (the database, the check's pipes) works as before."""
    real = getattr(os, name)
    inside = str(Path(folder).resolve())

    def fails(descriptor, *args):
        if os.readlink(f"/proc/self/fd/{descriptor}").startswith(inside):
            raise OSError(code, os.strerror(code))
        return real(descriptor, *args)

    monkeypatch.setattr(os, name, fails)


def upload(client, resident, headers=None):
    return client.post(
        f"/residents/{resident.id}/voice",
        content_type="multipart/form-data",
        headers=headers or {},
        data={"audio": (io.BytesIO(audio_bytes()), "voice.webm", "audio/webm"), "idempotency_key": uuid.uuid4().hex},
    )


def test_put_keeps_the_whole_file_and_nothing_beside_it(tmp_path):
    LocalAudioStore(tmp_path).put("7/a.webm", b"sound" * 1000)
    assert everything_in(tmp_path) == [tmp_path / "7" / "a.webm"]
    assert (tmp_path / "7" / "a.webm").read_bytes() == b"sound" * 1000


def test_put_syncs_the_file_and_then_its_folder_to_disk(tmp_path, monkeypatch):
    synced = []
    real = os.fsync
    monkeypatch.setattr(
        os, "fsync", lambda descriptor: (synced.append(os.readlink(f"/proc/self/fd/{descriptor}")), real(descriptor))
    )
    LocalAudioStore(tmp_path).put("7/a.webm", b"sound")
    folder = str((tmp_path / "7").resolve())
    assert len(synced) == 2 and synced[0].startswith(folder + "/.part-") and synced[1] == folder


@pytest.mark.parametrize(("name", "code"), [("write", errno.ENOSPC), ("fsync", errno.EDQUOT)])
def test_put_on_a_full_disk_raises_and_leaves_no_temporary_file(tmp_path, monkeypatch, name, code):
    failing_inside(monkeypatch, tmp_path, name, code)
    with pytest.raises(CannotKeep) as refused:
        LocalAudioStore(tmp_path).put("7/a.webm", b"sound" * 1000)
    assert refused.value.__cause__.errno == code
    assert everything_in(tmp_path) == []


def test_put_on_a_read_only_disk_raises_cannot_keep(tmp_path, monkeypatch):
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr("tempfile.mkstemp", read_only)
    with pytest.raises(CannotKeep):
        LocalAudioStore(tmp_path).put("7/a.webm", b"sound")
    assert everything_in(tmp_path) == []


@pytest.mark.parametrize(("name", "code"), [("write", errno.ENOSPC), ("fsync", errno.EDQUOT)])
def test_a_full_disk_tells_the_resident_next_to_the_recorder_and_keeps_nothing(auth, accounts, monkeypatch, name, code):
    client = auth.client_for("resident1")
    failing_inside(monkeypatch, auth.app.config["AUDIO_DIR"], name, code)
    response = upload(client, accounts.resident1)
    assert response.status_code == 507
    html = response.get_data(as_text=True)
    assert 'id="voice-file-error"' in html and CANNOT_KEEP in html
    assert rows(auth.app, Entry, Entry.kind == EntryKind.VOICE) == []
    assert everything_in(auth.app.config["AUDIO_DIR"]) == []


def test_a_full_disk_answers_htmx_with_the_voice_form_alone(auth, accounts, monkeypatch):
    client = auth.client_for("advisor1")
    failing_inside(monkeypatch, auth.app.config["AUDIO_DIR"], "write", errno.ENOSPC)
    response = upload(client, accounts.resident1, headers={"HX-Request": "true"})
    assert response.status_code == 507
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<form id="voice-form"') and CANNOT_KEEP in html


def test_htmx_shows_the_answer_of_a_full_disk_rather_than_a_bare_error(client):
    html = client.get("/login").get_data(as_text=True)
    assert '{"code":"507","swap":true}' in html


def test_once_there_is_room_again_the_same_recording_is_kept(auth, accounts, monkeypatch):
    client = auth.client_for("resident1")
    with monkeypatch.context() as full:
        failing_inside(full, auth.app.config["AUDIO_DIR"], "write", errno.ENOSPC)
        assert upload(client, accounts.resident1).status_code == 507
    assert upload(client, accounts.resident1).status_code == 303
    [entry] = rows(auth.app, Entry, Entry.kind == EntryKind.VOICE)
    assert [path.name for path in everything_in(auth.app.config["AUDIO_DIR"])] == [entry.data["audio"].split("/")[1]]


def test_a_listed_recording_whose_file_is_missing_gets_a_page_that_says_so(auth, accounts):
    entry_id = send_voice(auth.app, accounts.resident1, accounts.resident1)
    for path in everything_in(auth.app.config["AUDIO_DIR"]):
        path.unlink()
    response = auth.client_for("advisor1").get(f"/residents/{accounts.resident1.id}/voice/{entry_id}")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "This recording cannot be played" in html and "It is missing on the server." in html


def test_a_recording_the_server_may_not_read_gets_a_503_page_not_a_500(auth, accounts, monkeypatch):
    entry_id = send_voice(auth.app, accounts.resident1, accounts.resident1)

    def not_allowed(self, key):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(LocalAudioStore, "get", not_allowed)
    response = auth.client_for("resident1").get(f"/residents/{accounts.resident1.id}/voice/{entry_id}")
    assert response.status_code == 503
    assert "The server cannot read it just now." in response.get_data(as_text=True)


def test_the_readme_gives_the_answers_to_a_full_disk_and_a_lost_file_as_the_app_does():
    from webapp.timeline.views import VOICE_NOT_NOW

    said = " ".join((Path(__file__).resolve().parent.parent / "README.md").read_text().split())
    assert VOICE_NOT_NOW["cannot_keep"][0] == 507
    assert (
        "told so next to the recorder, in their language (status 507), and nothing is kept: no file, no "
        "temporary file, no message without its recording"
    ) in said
    assert "whose file is gone answers a page that says so (404)" in said
