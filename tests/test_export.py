"""“Download my data”: one ZIP with a printable page, data.json and the voice messages (webapp/export)."""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from flask import Response, request
from flask_babel import force_locale
from jsonschema import Draft202012Validator
from sqlalchemy import func
from sqlmodel import Session, select

from webapp import file_openings
from webapp.db import engine
from webapp.export import services as export_services
from webapp.models import COPENHAGEN, AnswerTime, AuditEvent, Entry, EntryKind, Situation, User
from webapp.outcomes import situations
from webapp.records import catalog
from webapp.records.checkins import today
from webapp.storage import audio_store
from webapp.timeline import display, phrases
from webapp.timeline import services as timeline

from .conftest import page_text
from .export_data import KINDS, fill_history
from .factories import (
    ask_for_contact,
    audio_bytes,
    records_of,
    register_tablet,
    rows,
    run,
    send_voice,
    set_values,
    write,
)
from .records_helpers import speaking

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "docs" / "export-schema.json").read_text())
VOICE_NAME = re.compile(r"^voice/(\d{4}-\d{2}-\d{2})_\d{2}-\d{2}-\d{2}_(\d+)\.webm$")


def download(client, url: str = "/me/data/export") -> zipfile.ZipFile:
    response = client.post(url)
    assert response.status_code == 200, response.status_code
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def data_of(archive: zipfile.ZipFile) -> dict:
    return json.loads(archive.read("data.json"))


def exports(app) -> list[AuditEvent]:
    return rows(app, AuditEvent, AuditEvent.action == file_openings.EXPORTED)


def say_phrase(app, resident, author, key: str, **params) -> int:
    data = phrases.stored(phrases.PHRASES[key], **params)
    return run(
        app,
        timeline.post_message,
        resident=resident,
        author=author,
        body=None,
        kind=EntryKind.PHRASE,
        data=data,
        idempotency_key=uuid.uuid4().hex,
    ).id


def test_resident_downloads_a_zip_with_the_page_the_data_and_the_voice_messages(app, auth, accounts):
    entry_id = send_voice(app, accounts.resident1, accounts.resident1)

    archive = download(auth.client_for("resident1"))

    assert archive.testzip() is None
    voices = [name for name in archive.namelist() if name.startswith("voice/")]
    assert {"export.html", "data.json"} <= set(archive.namelist()) and len(voices) == 1
    sent = rows(app, Entry, Entry.id == entry_id)[0].created_at.astimezone(COPENHAGEN)
    assert VOICE_NAME.match(voices[0]).groups() == (sent.date().isoformat(), str(entry_id))
    assert archive.read(voices[0]) == audio_bytes("voice.webm")


def test_the_download_is_a_streamed_zip_attachment_that_is_not_kept(auth, accounts):
    response = auth.client_for("resident1").post("/me/data/export")

    assert response.is_streamed
    assert response.mimetype == "application/zip"
    assert re.fullmatch(
        r"attachment; filename=sammen-resident1-\d{4}-\d{2}-\d{2}\.zip", response.headers["Content-Disposition"]
    )
    assert response.headers["Cache-Control"] == "no-store"
    response.close()


def test_data_json_follows_the_documented_schema(app, auth, accounts):
    Draft202012Validator.check_schema(SCHEMA)
    records_of(app, accounts.resident1, accounts.advisor1)
    ask_for_contact(app, accounts.resident1)
    write(app, accounts.resident1, accounts.advisor1, "Hej Fatima")
    say_phrase(
        app,
        accounts.resident1,
        accounts.advisor1,
        "meet_at",
        on=date(2027, 3, 14),
        at=time(10, 30),
        place="Beboerhuset",
    )
    send_voice(app, accounts.resident1, accounts.resident1)
    auth.client_for("advisor1").get(f"/advisor/residents/{accounts.resident1.id}")  # for looked_at_by

    data = data_of(download(auth.client_for("resident1")))

    assert list(Draft202012Validator(SCHEMA).iter_errors(data)) == []
    assert data["looked_at_by"] and data["records"]["goals"][0]["steps"]


def test_words_kept_from_the_message_box_when_a_sign_in_ended_are_in_the_copy_and_on_my_data(app, auth, accounts):
    from webapp.timeline import drafts

    run(
        app,
        lambda s: drafts.keep(
            s,
            user=s.get(User, accounts.resident1.id),
            resident_id=accounts.resident1.id,
            body="أحتاج إلى مساعدة في رسالة البلدية",
        ),
    )
    client = auth.client_for("resident1")
    archive = download(client)
    data = data_of(archive)
    assert data["version"] == 3 and list(Draft202012Validator(SCHEMA).iter_errors(data)) == []
    assert data["resident"]["unsent_words"] == "أحتاج إلى مساعدة في رسالة البلدية"
    assert data["resident"]["unsent_words_kept_at"]
    assert "أحتاج إلى مساعدة في رسالة البلدية" in archive.read("export.html").decode()
    assert "Words you wrote but did not send yet" in page_text(client.get("/me/data"))


def test_every_entry_of_a_resident_with_2000_entries_of_every_kind_is_in_the_export(app, auth, accounts, monkeypatch):
    monkeypatch.setattr(export_services, "PAGE", 64)  # many pages of entries, records and histories
    run(app, fill_history, resident=accounts.resident1, advisor=accounts.advisor1, entries=2000, records=150)
    stored = rows(app, Entry, Entry.resident_id == accounts.resident1.id)

    archive = download(auth.client_for("resident1"))

    data = data_of(archive)
    assert [entry["id"] for entry in data["entries"]] == sorted(entry.id for entry in stored)
    assert set(Counter(entry["kind"] for entry in data["entries"])) == set(KINDS)
    assert {name: len(found) for name, found in data["records"].items()} == {
        "checkins": 150,
        "barriers": 150,
        "goals": 150,
        "appointments": 150,
        "contact_requests": 22,
        "situations": 0,
        "answer_times": len(rows(app, AnswerTime, AnswerTime.resident_id == accounts.resident1.id)),
    }
    assert list(Draft202012Validator(SCHEMA).iter_errors(data)) == []
    page = archive.read("export.html").decode()
    linked = sum(1 for entry in stored if entry.checkin_id or entry.barrier_id or entry.goal_id or entry.appointment_id)
    # Every entry once in the timeline, and each one that is a record's history once more under its record.
    assert page.count('<li class="entry') == len(stored) + linked


def test_phrases_carry_their_key_parameters_and_text_in_the_residents_language(app, auth, accounts):
    speaking(app, accounts.resident1, "ar")
    say_phrase(app, accounts.resident1, accounts.advisor1, "come_on", on=date(2027, 3, 14), at=time(10, 30))

    (entry,) = data_of(download(auth.client_for("resident1")))["entries"]

    assert entry["phrase"]["key"] == "come_on"
    assert entry["phrase"]["params"] == {"date": "2027-03-14", "time": "10:30"}
    with app.test_request_context(), force_locale("ar"):
        arabic = display.phrase_text(phrases.stored(phrases.PHRASES["come_on"], on=date(2027, 3, 14), at=time(10, 30)))
    assert entry["phrase"]["text"] == entry["text"] == arabic.striptags()
    assert "آذار" in entry["text"] and "community house" not in entry["text"]


def test_arabic_page_reads_right_to_left_with_dates_as_arabic_readers_write_them(app, auth, accounts):
    speaking(app, accounts.resident1, "ar")
    entry = write(app, accounts.resident1, accounts.resident1, "مرحبا")
    set_values(app, Entry, Entry.id == entry.id, created_at=datetime(2025, 3, 14, 9, 5, tzinfo=UTC))

    page = download(auth.client_for("resident1")).read("export.html").decode()

    assert '<html lang="ar" dir="rtl">' in page
    assert "14 آذار 2025" in page and "مرحبا" in page
    assert "<script" not in page and 'rel="stylesheet"' not in page and "<use" not in page


def test_staff_export_is_in_the_residents_language_not_the_staff_members(app, auth, accounts):
    speaking(app, accounts.resident1, "ar")
    speaking(app, accounts.advisor1, "da")
    client = auth.client_for("advisor1")
    records_of(app, accounts.resident1, accounts.advisor1)
    entry = write(app, accounts.resident1, accounts.advisor1, "Hej")
    set_values(app, Entry, Entry.id == entry.id, created_at=datetime(2025, 3, 14, 9, 5, tzinfo=UTC))

    archive = download(client, f"/residents/{accounts.resident1.id}/export")

    page = archive.read("export.html").decode()
    assert '<html lang="ar" dir="rtl">' in page and "14 آذار 2025" in page and "marts" not in page
    with app.test_request_context(), force_locale("ar"):
        transport = str(catalog.BARRIERS["transport"].label)
    assert transport != "Transport"
    assert data_of(archive)["records"]["barriers"][0]["barrier_text"] == transport


@pytest.mark.parametrize("staff", ["advisor1", "coordinator"])
def test_staff_export_is_logged_and_shown_to_the_resident(app, auth, accounts, staff):
    client = auth.client_for(staff)

    download(client, f"/residents/{accounts.resident1.id}/export")

    (event,) = exports(app)
    actor = getattr(accounts, staff)
    assert (event.actor_id, event.subject_id) == (actor.id, accounts.resident1.id)
    looks = run(app, file_openings.looks_at, resident=rows(app, User, User.id == accounts.resident1.id)[0])
    assert [(look.username, look.what) for look in looks] == [(staff, "export")]
    account = page_text(auth.client_for("resident1").get("/account"))
    assert "A copy of all the data" in account


def test_an_export_right_after_opening_the_page_is_shown_beside_the_opening(app, auth, accounts):
    client = auth.client_for("advisor1")
    client.get(f"/advisor/residents/{accounts.resident1.id}")

    download(client, f"/residents/{accounts.resident1.id}/export")

    looks = run(app, file_openings.looks_at, resident=rows(app, User, User.id == accounts.resident1.id)[0])
    assert [look.what for look in looks] == ["export", None]


@pytest.mark.parametrize("actor", ["volunteer1", "advisor2", "resident3"])
def test_others_cannot_export_a_resident_and_nothing_is_logged(app, auth, accounts, actor):
    response = auth.client_for(actor).post(f"/residents/{accounts.resident1.id}/export")

    assert response.status_code == 404
    assert exports(app) == []


@pytest.mark.parametrize("staff", ["advisor1", "volunteer1", "coordinator"])
def test_staff_cannot_use_the_residents_own_download(app, auth, accounts, staff):
    response = auth.client_for(staff).post("/me/data/export")

    assert response.status_code == 403
    assert exports(app) == []


@pytest.mark.parametrize("url", ["/me/data/export", "/residents/{id}/export"])
def test_an_export_cannot_be_opened_with_get(app, auth, accounts, url):
    response = auth.client_for("resident1").get(url.format(id=accounts.resident1.id))

    assert response.status_code == 405
    assert exports(app) == []


def test_residents_own_export_is_logged_but_not_shown_as_someone_looking(app, auth, accounts):
    download(auth.client_for("resident1"))

    (event,) = exports(app)
    assert event.actor_id == event.subject_id == accounts.resident1.id
    assert run(app, file_openings.looks_at, resident=rows(app, User, User.id == accounts.resident1.id)[0]) == []


def test_the_export_is_logged_before_any_of_it_is_sent(app, auth, accounts):
    response = auth.client_for("resident1").post("/me/data/export")

    # Read with a connection of its own: the log entry is committed, so no write stays open while it streams.
    with app.app_context(), Session(engine()) as other:
        assert (
            other.exec(select(func.count(AuditEvent.id)).where(AuditEvent.action == file_openings.EXPORTED)).one() == 1
        )
    response.close()


def test_resident_on_the_community_house_tablet_cannot_download(app, auth, accounts):
    client = app.test_client()
    register_tablet(app, client)
    auth.sign_in(client, "resident1")

    response = client.post("/me/data/export")

    assert response.status_code == 403
    assert exports(app) == []
    assert 'action="/me/data/export"' not in client.get("/account").get_data(as_text=True)


def test_a_recording_no_longer_kept_is_left_out(app, auth, accounts):
    entry_id = send_voice(app, accounts.resident1, accounts.resident1)
    key = rows(app, Entry, Entry.id == entry_id)[0].data["audio"]
    with app.app_context():
        audio_store().delete(key)

    archive = download(auth.client_for("resident1"))

    assert not [name for name in archive.namelist() if name.startswith("voice/")]
    (entry,) = data_of(archive)["entries"]
    assert entry["voice"]["file"] is None


def test_the_account_page_offers_the_download_in_a_form_htmx_leaves_alone(auth, accounts):
    page = auth.client_for("resident1").get("/account").get_data(as_text=True)

    assert re.search(r'<form method="post" action="/me/data/export" hx-boost="false">', page)


@pytest.mark.parametrize(("staff", "path"), [("advisor1", "/advisor/residents/{id}"), ("coordinator", "/coordinator/")])
def test_staff_pages_offer_the_download_for_the_resident(auth, accounts, staff, path):
    page = auth.client_for(staff).get(path.format(id=accounts.resident1.id)).get_data(as_text=True)

    assert f'<form method="post" action="/residents/{accounts.resident1.id}/export" hx-boost="false">' in page


def test_a_download_let_go_half_way_is_closed_cleanly_during_another_request(app, auth, accounts):
    for _ in range(12):  # more than one chunk of recordings
        send_voice(app, accounts.resident1, accounts.resident1)
    response = auth.client_for("resident1").post("/me/data/export", buffered=False)
    assert next(response.iter_encoded())

    with app.test_request_context("/another"):
        response.close()
        assert request.path == "/another"
    assert len(exports(app)) == 1


def in_work(
    session,
    *,
    resident,
    advisor,
    starts_on: date,
    hours: int | None = 20,
    employer: str = "Bageriet Sørensen",
    key: str = "work",
    follow_up_hours: int | None = None,
    waited: int | None = None,
) -> None:
    """A situation recorded by the advisor; with `follow_up_hours`, the follow-up due now ("still there");
    with `waited`, an answer the resident waited that many seconds for."""
    situation = session.exec(select(Situation).where(Situation.key == key)).one()
    situations.record(
        session,
        resident=resident,
        advisor=advisor,
        situation=situation,
        starts_on=starts_on,
        hours=hours,
        employer=employer,
        idempotency_key=uuid.uuid4().hex,
    )
    if follow_up_hours is not None:
        due = situations.current(session, resident=resident).follow_up_due
        assert due and situations.record_follow_up(
            session, resident=resident, advisor=advisor, months=due, hours=follow_up_hours
        )
    if waited is not None:
        session.add(AnswerTime(resident_id=resident.id, waited_seconds=waited))
    session.commit()


def test_situations_their_follow_ups_and_answer_times_are_in_data_json_as_the_schema_says(app, auth, accounts):
    started = today() - timedelta(days=100)  # the 3-month follow-up is due
    run(
        app,
        in_work,
        resident=accounts.resident1,
        advisor=accounts.advisor1,
        starts_on=started,
        follow_up_hours=25,
        waited=3725,
    )

    data = data_of(download(auth.client_for("resident1")))

    assert data["version"] == 3 and list(Draft202012Validator(SCHEMA).iter_errors(data)) == []
    (situation,) = data["records"]["situations"]
    assert {
        key: situation[key]
        for key in (
            "situation",
            "situation_text",
            "category",
            "starts_on",
            "run_starts_on",
            "hours_per_week",
            "employer",
            "recorded_by",
        )
    } == {
        "situation": "work",
        "situation_text": "In work (ordinary hours)",
        "category": "work",
        "starts_on": started.isoformat(),
        "run_starts_on": started.isoformat(),
        "hours_per_week": 20,
        "employer": "Bageriet Sørensen",
        "recorded_by": "staff",
    }
    (follow_up,) = situation["follow_ups"]
    assert (follow_up["months"], follow_up["still_there"], follow_up["hours_per_week"]) == (3, True, 25)
    assert [wait["waited_seconds"] for wait in data["records"]["answer_times"]] == [3725]
    assert {"situation", "follow_up"} <= {entry["kind"] for entry in data["entries"]}


def test_the_schema_refuses_a_situation_without_its_follow_ups_or_a_wait_without_its_seconds():
    valid = {
        "id": 1,
        "situation": "work",
        "situation_text": "In work",
        "name": "I arbejde",
        "category": "work",
        "starts_on": "2027-03-01",
        "run_starts_on": "2027-03-01",
        "hours_per_week": 20,
        "employer": None,
        "recorded_by": "staff",
        "recorded_at": "2027-03-01T10:00:00+01:00",
        "follow_ups": [],
    }
    situation = Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": "#/$defs/situation"})
    answer_time = Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": "#/$defs/answer_time"})

    assert situation.is_valid(valid)
    assert not situation.is_valid({key: value for key, value in valid.items() if key != "follow_ups"})
    assert not answer_time.is_valid({"answered_at": "2027-03-01T10:00:00+01:00"})


def test_situations_are_oldest_first_each_with_the_follow_ups_made_in_it(app, auth, accounts):
    first = today() - timedelta(days=100)
    run(app, in_work, resident=accounts.resident1, advisor=accounts.advisor1, starts_on=first, follow_up_hours=25)
    # More hours at the same place: the same stretch goes on, and the follow-up stays where it was made.
    run(
        app,
        in_work,
        resident=accounts.resident1,
        advisor=accounts.advisor1,
        starts_on=today() - timedelta(days=5),
        hours=30,
    )
    # Recorded last, but it started first.
    run(
        app,
        in_work,
        resident=accounts.resident1,
        advisor=accounts.advisor1,
        starts_on=first - timedelta(days=200),
        key="course",
        hours=None,
    )

    found = data_of(download(auth.client_for("resident1")))["records"]["situations"]

    assert [(s["situation"], s["hours_per_week"], len(s["follow_ups"])) for s in found] == [
        ("course", None, 0),
        ("work", 20, 1),
        ("work", 30, 0),
    ]
    assert found[1]["run_starts_on"] == found[2]["run_starts_on"] == first.isoformat()


def test_the_document_shows_situations_follow_ups_and_waits_in_the_residents_language(app, auth, accounts):
    speaking(app, accounts.resident1, "ar")
    run(
        app,
        in_work,
        resident=accounts.resident1,
        advisor=accounts.advisor1,
        starts_on=date(2026, 3, 2),
        follow_up_hours=25,
        waited=2 * 3600 + 5 * 60,
    )

    page = download(auth.client_for("resident1")).read("export.html").decode()

    assert '<html lang="ar" dir="rtl">' in page and "Bageriet Sørensen" in page
    assert "2 آذار 2026" in page  # the day it starts, as Arabic readers write it
    assert "ساعتان و5 دقائق" in page  # "2 hours and 5 minutes", in Babel's Arabic


def test_the_document_shows_each_situation_with_hours_employer_and_follow_up(app, auth, accounts):
    run(
        app,
        in_work,
        resident=accounts.resident1,
        advisor=accounts.advisor1,
        starts_on=today() - timedelta(days=100),
        follow_up_hours=25,
        waited=3725,
    )

    text = page_text(Response(download(auth.client_for("resident1")).read("export.html")))

    assert "In work (ordinary hours) · From" in text
    assert "20 hours a week · Employer: Bageriet Sørensen" in text
    assert "After 3 months: still there · 25 hours a week" in text
    assert "after 1 hour and 2 minutes" in text
    assert "Situations 1" in text and "Times you waited for an answer 1" in text


def test_another_residents_situations_and_waits_are_not_in_the_copy(app, auth, accounts):
    run(
        app,
        in_work,
        resident=accounts.resident1,
        advisor=accounts.advisor1,
        starts_on=today() - timedelta(days=100),
        employer="Bageriet Sørensen",
        follow_up_hours=25,
        waited=3725,
    )
    run(
        app,
        in_work,
        resident=accounts.resident3,
        advisor=accounts.advisor2,
        starts_on=today() - timedelta(days=100),
        employer="Netto Kolding",
        follow_up_hours=37,
        waited=999,
    )

    archive = download(auth.client_for("resident1"))

    data, page = data_of(archive), archive.read("export.html").decode()
    assert [s["employer"] for s in data["records"]["situations"]] == ["Bageriet Sørensen"]
    assert [s["follow_ups"][0]["hours_per_week"] for s in data["records"]["situations"]] == [25]
    assert [wait["waited_seconds"] for wait in data["records"]["answer_times"]] == [3725]
    assert "Netto Kolding" not in page and "Netto Kolding" not in archive.read("data.json").decode()
