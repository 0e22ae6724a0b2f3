"""Voice messages: only what phones can play back is kept, checked from the bytes; served only to the
timeline's readers, with Range for seeking."""
from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

import pytest

from webapp.models import Entry, EntryKind

from .conftest import make_app
from .factories import audio_bytes, make_accounts, rows, send_voice

FORMATS = [("voice.webm", "audio/webm"), ("voice.ogg", "audio/ogg"), ("voice.m4a", "audio/mp4")]


def upload(client, resident, data: bytes, name="voice.webm", mimetype="audio/webm", headers=None):
    return client.post(f"/residents/{resident.id}/voice", content_type="multipart/form-data",
                       data={"audio": (io.BytesIO(data), name, mimetype), "idempotency_key": uuid.uuid4().hex},
                       headers=headers or {})


def stored_files(app) -> list[Path]:
    return [path for path in Path(app.config["AUDIO_DIR"]).rglob("*") if path.is_file()]


@pytest.mark.parametrize(("name", "mimetype"), FORMATS)
def test_a_recording_each_browser_makes_is_kept_with_its_length(auth, accounts, name, mimetype):
    response = upload(auth.client_for("resident1"), accounts.resident1, audio_bytes(name), name=name)
    assert response.status_code == 303
    entry = rows(auth.app, Entry, Entry.kind == EntryKind.VOICE)[0]
    assert entry.data["type"] == mimetype and entry.data["seconds"] == 3.0
    assert entry.author_id == accounts.resident1.id
    [path] = stored_files(auth.app)
    assert path.parent.name == str(accounts.resident1.id) and path.read_bytes() == audio_bytes(name)
    text = auth.client_for("advisor1").get(f"/advisor/residents/{accounts.resident1.id}").get_data(as_text=True)
    assert f'src="/residents/{accounts.resident1.id}/voice/{entry.id}"' in text and "Voice message, 0:03" in text


def truncated(name: str) -> bytes:
    data = audio_bytes(name)
    return data[: len(data) * 2 // 3]


@pytest.mark.parametrize(
    ("data", "name", "mimetype", "message"),
    [
        (b"", "voice.webm", "audio/webm", "The recording is empty."),
        (bytes(range(256)) * 40, "voice.webm", "audio/webm", "not a recording the app can play"),
        (b"<!doctype html><script>alert(1)</script>" * 50, "voice.ogg", "audio/ogg", "not a recording the app can play"),
        (b"#!/bin/sh\nrm -rf /\n" * 100, "voice.m4a", "audio/mp4", "not a recording the app can play"),
        (audio_bytes("voice.mp3"), "voice.mp3", "audio/mpeg", "not a recording the app can play"),
        (truncated("voice.webm"), "voice.webm", "audio/webm", "damaged or not complete"),
        (truncated("voice.ogg"), "voice.ogg", "audio/ogg", "damaged or not complete"),
        (truncated("voice.m4a"), "voice.m4a", "audio/mp4", "damaged or not complete"),
    ],
    ids=["empty", "wrong-bytes", "html-as-audio", "script-as-audio", "mp3", "cut-webm", "cut-ogg", "cut-mp4"],
)
def test_what_cannot_be_played_is_refused_next_to_the_field_and_nothing_is_kept(auth, accounts, data, name,
                                                                                mimetype, message):
    response = upload(auth.client_for("resident1"), accounts.resident1, data, name=name, mimetype=mimetype)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="voice-file-error"' in html and message in html
    assert rows(auth.app, Entry) == [] and stored_files(auth.app) == []


def test_the_refusal_comes_back_as_the_form_alone_for_htmx(auth, accounts):
    response = upload(auth.client_for("resident1"), accounts.resident1, b"", headers={"HX-Request": "true"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<form id="voice-form"') and "The recording is empty." in html


@pytest.fixture
def app_with(database_url):
    """An app with other voice limits, and the test accounts."""
    made = []

    def make(**limits):
        app = make_app(database_url, **limits)
        make_accounts(app)
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["db_engine"].dispose()


def signed_in(app, username):
    from .conftest import AuthActions

    return AuthActions(app).client_for(username)


def resident_of(app):
    from webapp.models import User

    return rows(app, User, User.username == "resident1")[0]


def test_too_large_and_far_too_large_are_refused(app_with):
    app = app_with(VOICE_MAX_BYTES=5000)
    client, resident = signed_in(app, "resident1"), resident_of(app)
    too_large = upload(client, resident, audio_bytes("voice.webm"))  # 7,536 bytes
    assert too_large.status_code == 422 and "The recording is too large." in too_large.get_data(as_text=True)
    # Over the request limit: refused before the body is read, with words about the recording.
    far = upload(client, resident, b"\0" * 200_000)
    assert far.status_code == 413 and "That recording is too large" in far.get_data(as_text=True)
    assert rows(app, Entry) == [] and stored_files(app) == []


def test_a_recording_longer_than_the_limit_is_refused(app_with):
    app = app_with(VOICE_MAX_SECONDS=2)
    response = upload(signed_in(app, "resident1"), resident_of(app), audio_bytes("voice.m4a"), name="voice.m4a")
    assert response.status_code == 422
    assert "The recording is longer than 2 minutes." in response.get_data(as_text=True)


def test_other_requests_keep_the_small_body_limit(auth, accounts):
    response = auth.client_for("resident1").post(f"/residents/{accounts.resident1.id}/entries",
                                                 data={"body": "x" * 200_000, "idempotency_key": "a" * 32})
    assert response.status_code == 413


def test_the_owner_and_their_advisor_get_the_audio_with_range_and_others_get_404(auth, accounts):
    entry_id = send_voice(auth.app, accounts.resident1, accounts.resident1, "voice.ogg")
    url = f"/residents/{accounts.resident1.id}/voice/{entry_id}"
    whole = audio_bytes("voice.ogg")
    for username in ("resident1", "advisor1"):
        response = auth.client_for(username).get(url)
        assert response.status_code == 200 and response.data == whole
        assert response.mimetype == "audio/ogg"
        assert response.headers["Content-Disposition"] == "inline"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Accept-Ranges"] == "bytes"
        part = auth.client_for(username).get(url, headers={"Range": "bytes=100-199"})
        assert part.status_code == 206 and part.data == whole[100:200]
        assert part.headers["Content-Range"] == f"bytes 100-199/{len(whole)}"
    for username in ("resident3", "advisor2", "volunteer1", "coordinator"):
        assert auth.client_for(username).get(url).status_code == 404
    other = send_voice(auth.app, accounts.resident3, accounts.resident3)
    # Another resident's recording under this resident's address: not found either.
    assert auth.client_for("resident1").get(f"/residents/{accounts.resident1.id}/voice/{other}").status_code == 404


def test_playing_it_marks_it_heard_for_its_author_only_when_the_other_side_plays_it(auth, accounts):
    entry_id = send_voice(auth.app, accounts.resident1, accounts.advisor1)
    url = f"/residents/{accounts.resident1.id}/voice/{entry_id}"
    advisor = auth.client_for("advisor1")
    advisor.get(url)  # the author listening to their own recording
    assert rows(auth.app, Entry, Entry.id == entry_id)[0].heard_at is None
    page = advisor.get(f"/advisor/residents/{accounts.resident1.id}").get_data(as_text=True)
    assert "Not played yet" in page
    auth.client_for("resident1").get(url)
    assert rows(auth.app, Entry, Entry.id == entry_id)[0].heard_at is not None
    page = advisor.get(f"/advisor/residents/{accounts.resident1.id}").get_data(as_text=True)
    assert "Heard" in page and "Not played yet" not in page


def test_a_voice_message_from_the_resident_waits_for_an_answer_on_the_caseload(auth, accounts):
    upload(auth.client_for("resident1"), accounts.resident1, audio_bytes("voice.webm"))
    from .conftest import page_text

    assert "1 entry waits for an answer" in page_text(auth.client_for("advisor1").get("/advisor/"))


def test_sending_the_same_form_twice_keeps_one_recording(auth, accounts):
    client = auth.client_for("resident1")
    key = uuid.uuid4().hex
    for _ in range(2):
        client.post(f"/residents/{accounts.resident1.id}/voice", content_type="multipart/form-data",
                    data={"audio": (io.BytesIO(audio_bytes()), "voice.webm", "audio/webm"), "idempotency_key": key})
    assert len(rows(auth.app, Entry, Entry.kind == EntryKind.VOICE)) == 1
    assert len(stored_files(auth.app)) == 1


def test_asking_only_for_the_headers_does_not_count_as_heard(auth, accounts):
    entry_id = send_voice(auth.app, accounts.resident1, accounts.advisor1)
    response = auth.client_for("resident1").head(f"/residents/{accounts.resident1.id}/voice/{entry_id}")
    assert response.status_code == 200 and response.headers["Content-Length"] == str(len(audio_bytes()))
    assert rows(auth.app, Entry, Entry.id == entry_id)[0].heard_at is None


def test_ten_sends_of_one_recording_at_once_keep_one_entry_and_one_file(auth, accounts):
    from .test_records_parallel import clients
    from .test_lockout_parallel import at_once

    taps = clients(auth, "resident1", 10)
    key = uuid.uuid4().hex
    path = f"/residents/{accounts.resident1.id}/voice"

    def send(n):
        return taps[n].post(path, content_type="multipart/form-data",
                            data={"audio": (io.BytesIO(audio_bytes()), "voice.webm", "audio/webm"),
                                  "idempotency_key": key}).status_code

    assert set(at_once(send, 10)) == {303}
    [entry] = rows(auth.app, Entry, Entry.kind == EntryKind.VOICE)
    [path_kept] = stored_files(auth.app)
    assert entry.data["audio"].endswith(path_kept.name)


def test_the_author_sees_heard_on_the_next_poll(auth, accounts):
    entry_id = send_voice(auth.app, accounts.resident1, accounts.advisor1)
    advisor = auth.client_for("advisor1")
    page = advisor.get(f"/advisor/residents/{accounts.resident1.id}").get_data(as_text=True)
    after = re.search(r'name="after" value="(\d+)"', page).group(1)
    since = re.search(r'name="since" value="([^"]+)"', page).group(1)
    poll = f"/residents/{accounts.resident1.id}/updates"
    htmx = {"HX-Request": "true"}
    assert advisor.get(poll, query_string={"after": after, "since": since}, headers=htmx).status_code == 204
    auth.client_for("resident1").get(f"/residents/{accounts.resident1.id}/voice/{entry_id}")
    news = advisor.get(poll, query_string={"after": after, "since": since}, headers=htmx)
    assert news.status_code == 200
    assert re.search(rf'<p class="entry__heard" id="heard-{entry_id}" hx-swap-oob="true">.*Heard', news.get_data(as_text=True), re.S)
