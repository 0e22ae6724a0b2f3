"""Voice messages: only what phones can play back is kept, checked from the bytes; served only to the
timeline's readers, with Range for seeking."""

from __future__ import annotations

import io
import re
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from webapp.models import AuditEvent, Entry, EntryKind, utcnow
from webapp.timeline import voice

from .conftest import make_app
from .factories import audio_bytes, make_accounts, ogg_voice_bomb, rows, send_voice, set_values, webm_voice_bomb

FORMATS = [("voice.webm", "audio/webm"), ("voice.ogg", "audio/ogg"), ("voice.m4a", "audio/mp4")]


def upload(client, resident, data: bytes, name="voice.webm", mimetype="audio/webm", headers=None):
    return client.post(
        f"/residents/{resident.id}/voice",
        content_type="multipart/form-data",
        data={"audio": (io.BytesIO(data), name, mimetype), "idempotency_key": uuid.uuid4().hex},
        headers=headers or {},
    )


def stored_files(app) -> list[Path]:
    return [path for path in Path(app.config["AUDIO_DIR"]).rglob("*") if path.is_file()]


def voice_entries(app) -> list[Entry]:
    return rows(app, Entry, Entry.kind == EntryKind.VOICE)


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
        (
            b"<!doctype html><script>alert(1)</script>" * 50,
            "voice.ogg",
            "audio/ogg",
            "not a recording the app can play",
        ),
        (b"#!/bin/sh\nrm -rf /\n" * 100, "voice.m4a", "audio/mp4", "not a recording the app can play"),
        (audio_bytes("voice.mp3"), "voice.mp3", "audio/mpeg", "not a recording the app can play"),
        (truncated("voice.webm"), "voice.webm", "audio/webm", "damaged or not complete"),
        (truncated("voice.ogg"), "voice.ogg", "audio/ogg", "damaged or not complete"),
        (truncated("voice.m4a"), "voice.m4a", "audio/mp4", "damaged or not complete"),
    ],
    ids=["empty", "wrong-bytes", "html-as-audio", "script-as-audio", "mp3", "cut-webm", "cut-ogg", "cut-mp4"],
)
def test_what_cannot_be_played_is_refused_next_to_the_field_and_nothing_is_kept(
    auth, accounts, data, name, mimetype, message
):
    response = upload(auth.client_for("resident1"), accounts.resident1, data, name=name, mimetype=mimetype)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="voice-file-error"' in html and message in html
    assert voice_entries(auth.app) == [] and stored_files(auth.app) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x1a\x45\xdf\xa3" + audio_bytes("voice.m4a")[4:], "not a recording the app can play"),  # WebM's, then MP4
        (b"OggS" + audio_bytes("voice.webm")[4:], "not a recording the app can play"),  # Ogg's, then WebM
        (
            audio_bytes("voice.m4a")[:8] + audio_bytes("voice.ogg"),
            "not a recording the app can play",
        ),  # MP4's, then Ogg
    ],
    ids=["webm-then-mp4", "ogg-then-webm", "mp4-then-ogg"],
)
def test_bytes_that_begin_as_one_container_and_go_on_as_another_are_refused(auth, accounts, data, message):
    response = upload(auth.client_for("resident1"), accounts.resident1, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="voice-file-error"' in html and message in html
    assert voice_entries(auth.app) == [] and stored_files(auth.app) == []


@pytest.fixture
def demuxers_asked(monkeypatch) -> list:
    """The demuxer each opening of an upload by FFmpeg asks for (None: FFmpeg guesses)."""
    from webapp.timeline import voice_check

    asked, real_open = [], voice_check.av.open

    def open_and_note(*args, **kwargs):
        asked.append(kwargs.get("format"))
        return real_open(*args, **kwargs)

    monkeypatch.setattr(voice_check.av, "open", open_and_note)
    return asked


@pytest.mark.parametrize(("name", "demuxer"), [("voice.webm", "matroska"), ("voice.ogg", "ogg"), ("voice.m4a", "mp4")])
def test_ffmpeg_reads_an_upload_only_with_the_demuxer_its_first_bytes_name(demuxers_asked, name, demuxer):
    # Left to guess, FFmpeg would try the bytes on every demuxer it has.
    voice.check(audio_bytes(name), max_bytes=2 * 1024 * 1024, max_seconds=120)
    assert demuxers_asked and set(demuxers_asked) == {demuxer}


def test_bytes_that_begin_as_none_of_the_three_containers_never_reach_ffmpeg(demuxers_asked):
    with pytest.raises(voice.Refused) as refused:
        voice.check(audio_bytes("voice.mp3"), max_bytes=2 * 1024 * 1024, max_seconds=120)
    assert refused.value.reason == "not_audio" and demuxers_asked == []


def test_a_form_sent_without_its_key_is_refused_and_not_checked(auth, accounts):
    response = auth.client_for("resident1").post(
        f"/residents/{accounts.resident1.id}/voice",
        content_type="multipart/form-data",
        data={"audio": (io.BytesIO(audio_bytes()), "voice.webm")},
    )
    assert response.status_code == 422
    assert rows(auth.app, AuditEvent, AuditEvent.action == "voice_upload") == []


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
    assert voice_entries(app) == [] and stored_files(app) == []


def test_a_recording_longer_than_the_limit_is_refused(app_with):
    app = app_with(VOICE_MAX_SECONDS=2)
    response = upload(signed_in(app, "resident1"), resident_of(app), audio_bytes("voice.m4a"), name="voice.m4a")
    assert response.status_code == 422
    assert "The recording is longer than 2 minutes." in response.get_data(as_text=True)


def test_other_requests_keep_the_small_body_limit(auth, accounts):
    response = auth.client_for("resident1").post(
        f"/residents/{accounts.resident1.id}/entries", data={"body": "x" * 200_000, "idempotency_key": "a" * 32}
    )
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
        client.post(
            f"/residents/{accounts.resident1.id}/voice",
            content_type="multipart/form-data",
            data={"audio": (io.BytesIO(audio_bytes()), "voice.webm", "audio/webm"), "idempotency_key": key},
        )
    assert len(rows(auth.app, Entry, Entry.kind == EntryKind.VOICE)) == 1
    assert len(stored_files(auth.app)) == 1


def test_asking_only_for_the_headers_does_not_count_as_heard(auth, accounts):
    entry_id = send_voice(auth.app, accounts.resident1, accounts.advisor1)
    response = auth.client_for("resident1").head(f"/residents/{accounts.resident1.id}/voice/{entry_id}")
    assert response.status_code == 200 and response.headers["Content-Length"] == str(len(audio_bytes()))
    assert rows(auth.app, Entry, Entry.id == entry_id)[0].heard_at is None


def test_ten_sends_of_one_recording_at_once_keep_one_entry_and_one_file(app_with):
    from .conftest import AuthActions
    from .test_lockout_parallel import at_once
    from .test_records_parallel import clients

    # Each of the ten is checked, so each counts and takes a check's place: limits they all fit under.
    app = app_with(VOICE_UPLOADS_PER_MINUTE=10, VOICE_CHECKS_AT_ONCE=10)
    taps = clients(AuthActions(app), "resident1", 10)
    key = uuid.uuid4().hex
    path = f"/residents/{resident_of(app).id}/voice"

    def send(n):
        return (
            taps[n]
            .post(
                path,
                content_type="multipart/form-data",
                data={"audio": (io.BytesIO(audio_bytes()), "voice.webm", "audio/webm"), "idempotency_key": key},
            )
            .status_code
        )

    assert set(at_once(send, 10)) == {303}
    [entry] = voice_entries(app)
    [path_kept] = stored_files(app)
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
    assert re.search(
        rf'<p class="entry__heard" id="heard-{entry_id}" hx-swap-oob="true">.*Heard', news.get_data(as_text=True), re.S
    )


# --- Voice bombs: 2 MB of valid Opus that hold hours of silence ------------------------------------

BOMBS = {"ogg": ogg_voice_bomb, "webm": webm_voice_bomb}
# What the person waiting for the answer notices; the check itself takes milliseconds.
QUICKLY = 2.0
BUSY = "Many recordings are being checked just now."


@pytest.fixture(scope="session")
def bombs() -> dict:
    """(container, what its header says) → the file; made once, in a few milliseconds each."""
    return {(name, says): make(stated_seconds=says) for name, make in BOMBS.items() for says in (None, 3)}


def timed_upload(client, resident, data: bytes, name: str):
    started = time.perf_counter()
    response = upload(client, resident, data, name=f"voice.{name}", mimetype=f"audio/{name}")
    return response, time.perf_counter() - started


@pytest.mark.parametrize("name", BOMBS)
def test_a_voice_bomb_is_refused_as_too_long_within_two_seconds(auth, accounts, bombs, name):
    response, seconds = timed_upload(auth.client_for("resident1"), accounts.resident1, bombs[name, None], name)
    assert response.status_code == 422
    assert "The recording is longer than 2 minutes." in response.get_data(as_text=True)
    assert seconds < QUICKLY
    assert voice_entries(auth.app) == [] and stored_files(auth.app) == []


@pytest.mark.parametrize("name", BOMBS)
def test_a_voice_bomb_whose_header_says_three_seconds_is_still_refused_quickly(auth, accounts, bombs, name):
    response, seconds = timed_upload(auth.client_for("resident1"), accounts.resident1, bombs[name, 3], name)
    assert response.status_code == 422
    assert "The recording is longer than 2 minutes." in response.get_data(as_text=True)
    assert seconds < QUICKLY


def test_a_check_past_its_cpu_limit_is_refused_as_too_long_and_the_next_upload_is_checked(app_with, bombs, monkeypatch):
    # With no length limit to speak of, the bomb is a long recording, and checking 22 hours of it
    # honestly takes much more than the one CPU second allowed here. A wall clock that waits long
    # enough for that second even on a busy machine: the CPU limit is what ends the check.
    monkeypatch.setattr(voice, "WALL_MARGIN_SECONDS", 60)
    app = app_with(VOICE_CHECK_CPU_SECONDS=1, VOICE_MAX_SECONDS=10**6)
    client, resident = signed_in(app, "resident1"), resident_of(app)
    response = upload(client, resident, bombs["ogg", None], name="voice.ogg", mimetype="audio/ogg")
    assert response.status_code == 422
    assert "The recording is longer than 2 minutes." in response.get_data(as_text=True)
    assert upload(client, resident, audio_bytes("voice.ogg"), name="voice.ogg").status_code == 303


def test_a_check_past_its_wall_clock_time_is_refused_as_busy_within_it(app_with, bombs, monkeypatch):
    # A wall clock of 1 s against a CPU limit of 2 s: a process cannot use more CPU than time passes,
    # so the wall clock ends it first, as it would on a machine too busy to give the check its CPU.
    monkeypatch.setattr(voice, "WALL_MARGIN_SECONDS", -1)
    app = app_with(VOICE_CHECK_CPU_SECONDS=2, VOICE_MAX_SECONDS=10**6)
    response, seconds = timed_upload(signed_in(app, "resident1"), resident_of(app), bombs["ogg", None], "ogg")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert BUSY in response.get_data(as_text=True)
    assert seconds < QUICKLY


def test_an_upload_is_refused_as_busy_while_the_process_runs_all_the_checks_it_may(app_with):
    app = app_with(VOICE_CHECKS_AT_ONCE=1)
    client, resident = signed_in(app, "resident1"), resident_of(app)
    with voice.check_slot(app):  # another upload being checked
        response = upload(client, resident, audio_bytes())
    assert response.status_code == 503 and BUSY in response.get_data(as_text=True)
    assert upload(client, resident, audio_bytes()).status_code == 303


# --- Uploads per person per minute ----------------------------------------------------------------

TOO_MANY = "You have sent many voice messages in a short time."


def test_the_seventh_voice_message_within_a_minute_gets_429_and_is_not_kept(auth, accounts):
    client = auth.client_for("resident1")
    for _ in range(6):
        assert upload(client, accounts.resident1, audio_bytes()).status_code == 303
    response = upload(client, accounts.resident1, audio_bytes())
    assert response.status_code == 429 and response.headers["Retry-After"] == "60"
    html = response.get_data(as_text=True)
    assert 'id="voice-file-error"' in html and TOO_MANY in html
    assert len(voice_entries(auth.app)) == 6 and len(stored_files(auth.app)) == 6


def test_too_many_comes_back_as_the_form_alone_for_htmx(app_with):
    app = app_with(VOICE_UPLOADS_PER_MINUTE=1)
    client, resident = signed_in(app, "resident1"), resident_of(app)
    upload(client, resident, audio_bytes(), headers={"HX-Request": "true"})
    response = upload(client, resident, audio_bytes(), headers={"HX-Request": "true"})
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<form id="voice-form"') and TOO_MANY in html


def test_refused_uploads_count_towards_the_limit(app_with):
    app = app_with(VOICE_UPLOADS_PER_MINUTE=1)
    client, resident = signed_in(app, "resident1"), resident_of(app)
    assert upload(client, resident, b"#!/bin/sh\n" * 100).status_code == 422
    assert upload(client, resident, audio_bytes()).status_code == 429


def test_an_empty_upload_does_not_count_towards_the_limit(app_with):
    app = app_with(VOICE_UPLOADS_PER_MINUTE=1)
    client, resident = signed_in(app, "resident1"), resident_of(app)
    assert upload(client, resident, b"").status_code == 422
    assert upload(client, resident, audio_bytes()).status_code == 303


def test_uploads_from_another_person_are_not_counted(app_with):
    app = app_with(VOICE_UPLOADS_PER_MINUTE=1)
    resident = resident_of(app)
    assert upload(signed_in(app, "advisor1"), resident, audio_bytes()).status_code == 303
    assert upload(signed_in(app, "resident1"), resident, audio_bytes()).status_code == 303


def test_uploads_older_than_a_minute_are_not_counted(app_with):
    app = app_with(VOICE_UPLOADS_PER_MINUTE=1)
    client, resident = signed_in(app, "resident1"), resident_of(app)
    assert upload(client, resident, audio_bytes()).status_code == 303
    set_values(app, AuditEvent, AuditEvent.action == "voice_upload", at=utcnow() - timedelta(seconds=61))
    assert upload(client, resident, audio_bytes()).status_code == 303


def test_the_same_form_sent_again_after_it_was_kept_is_not_counted(app_with):
    app = app_with(VOICE_UPLOADS_PER_MINUTE=1)
    client, resident = signed_in(app, "resident1"), resident_of(app)
    key = uuid.uuid4().hex
    for _ in range(2):
        response = client.post(
            f"/residents/{resident.id}/voice",
            content_type="multipart/form-data",
            data={"audio": (io.BytesIO(audio_bytes()), "voice.webm", "audio/webm"), "idempotency_key": key},
        )
        assert response.status_code == 303
    assert len(voice_entries(app)) == 1
