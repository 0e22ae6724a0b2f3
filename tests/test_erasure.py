"""Removing a resident removes everything about them, their voice messages included."""

from __future__ import annotations

import shutil
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from webapp.auth import erasure
from webapp.coordinator import services as coordination
from webapp.models import AuditEvent, Entry, EntryKind, Goal, GoalStep, SignupDraft, TrustedDevice, User, utcnow

from .conftest import AuthActions, make_app
from .factories import (
    Accounts,
    ask_for_contact,
    audio_bytes,
    make_accounts,
    make_area,
    records_of,
    rows,
    run,
    send_voice,
    set_values,
    write,
)
from .signup_helpers import NEW_PIN, newest_resident, pair_url_from, sign_up
from .test_lockout_parallel import at_once
from .test_voice import upload


def test_erasing_a_resident_removes_their_data_and_audio_and_leaves_others_alone(auth, accounts):
    app = auth.app
    auth.client_for("resident1")  # a paired phone and a device session
    records_of(app, accounts.resident1, accounts.advisor1)
    ask_for_contact(app, accounts.resident1)
    write(app, accounts.resident1, accounts.advisor1, "Hej Fatima")
    send_voice(app, accounts.resident1, accounts.resident1)
    send_voice(app, accounts.resident1, accounts.advisor1, "voice.ogg")
    kept = send_voice(app, accounts.resident2, accounts.resident2, "voice.m4a")
    audio = Path(app.config["AUDIO_DIR"])
    assert len(list((audio / str(accounts.resident1.id)).iterdir())) == 2

    theirs = [
        event.id
        for event in rows(app, AuditEvent)
        if accounts.resident1.id in (event.actor_id, event.subject_id) and event.ip
    ]
    assert theirs  # the sign-in of their phone, with its address

    result = app.test_cli_runner().invoke(args=["users", "erase-resident", "resident1", "--yes"])
    assert result.exit_code == 0, result.output

    assert rows(app, User, User.id == accounts.resident1.id) == []
    assert rows(app, Entry, Entry.resident_id == accounts.resident1.id) == []
    assert rows(app, Goal, Goal.resident_id == accounts.resident1.id) == [] and rows(app, GoalStep) == []
    assert rows(app, TrustedDevice, TrustedDevice.resident_id == accounts.resident1.id) == []
    assert not (audio / str(accounts.resident1.id)).exists()
    # Nobody else's: resident2's voice message is still there, and it still plays.
    assert [entry.id for entry in rows(app, Entry, Entry.kind == EntryKind.VOICE)] == [kept]
    assert len(list((audio / str(accounts.resident2.id)).iterdir())) == 1
    assert auth.client_for("resident2").get(f"/residents/{accounts.resident2.id}/voice/{kept}").status_code == 200
    # The audit log says it happened, with no trace of who it was.
    events = run(app, lambda s: list(s.exec(select(AuditEvent)).all()))
    assert [event.action for event in events if event.action == "resident_erased"] == ["resident_erased"]
    assert all(accounts.resident1.id not in (event.actor_id, event.subject_id) for event in events)
    # Besides resident2's sign-in just now, theirs were the only events with an address: those they did
    # are gone, any kept lost it.
    assert [
        (event.action, event.ip, event.device)
        for event in events
        if (event.ip or event.device) and event.actor_id != accounts.resident2.id
    ] == []
    # The resident's phone is signed out: its session is gone.
    assert auth.client_for("advisor1").get(f"/advisor/residents/{accounts.resident1.id}").status_code == 404


def test_only_residents_are_erased_this_way(auth, accounts):
    result = auth.app.test_cli_runner().invoke(args=["users", "erase-resident", "advisor1", "--yes"])
    assert result.exit_code != 0 and "no resident advisor1" in result.output
    assert rows(auth.app, User, User.username == "advisor1")


# --- Every trace (issue 17) ----------------------------------------------------

NAME = "Zenobia Quillfeather"
PHONE_TYPED, PHONE = "31 41 59 26", "+4531415926"
WORDS = "marmalade xylophone quandary"


@pytest.fixture
def file_app(sqlite_template, tmp_path):
    """The app on a real SQLite file of this test's own, with its audio in a folder beside it."""
    path = tmp_path / "sammen.sqlite3"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}", AUDIO_DIR=str(tmp_path / "audio"))
    app.db_path = path
    yield app
    app.extensions["db_engine"].dispose()


def a_resident_with_a_history(app) -> tuple[User, Accounts]:
    """Signed up through the screens with a name, number and words nobody else has; their phone paired,
    a message and a voice message sent, their advisor took them and opened their page; their username
    typed where it cannot sign in; a second sign-up of them left halfway."""
    accounts = make_accounts(app)
    auth = AuthActions(app)
    area = make_area(app, advisor=accounts.advisor1)
    card = sign_up(auth.client_for("volunteer1"), area, name=NAME, phone=PHONE_TYPED)
    resident = newest_resident(app)
    phone = app.test_client()
    assert phone.post(pair_url_from(card)).status_code == 303
    assert phone.post("/login", data={"pin": NEW_PIN}).status_code == 303
    advisor = auth.client_for("advisor1")
    assert advisor.post(f"/advisor/residents/{resident.id}/take").status_code == 303
    assert (
        phone.post(
            f"/residents/{resident.id}/entries", data={"body": WORDS, "idempotency_key": uuid.uuid4().hex}
        ).status_code
        == 303
    )
    assert upload(phone, resident, audio_bytes()).status_code == 303
    assert advisor.get(f"/advisor/residents/{resident.id}").status_code == 200
    app.test_client().post("/login/staff", data={"username": resident.username, "password": "not-a-staff-one"})
    again = auth.client_for("advisor1")
    again.post("/volunteer/new", data={"locale": "en"})
    again.post(
        "/volunteer/new/about", data={"name": NAME, "phone": PHONE_TYPED, "area_id": str(area), "contact": "sms"}
    )
    return resident, accounts


def erase(app, resident: User, actor: User | None) -> bool:
    return run(app, lambda session: erasure.erase_resident(session, resident=resident, actor=actor))


def test_after_erasure_neither_the_database_file_nor_its_log_nor_the_audio_folder_holds_the_resident(file_app):
    resident, accounts = a_resident_with_a_history(file_app)
    traces = [NAME, resident.username, PHONE, PHONE_TYPED, WORDS, *WORDS.split()]
    written = file_app.db_path.read_bytes() + wal(file_app.db_path)
    assert all(trace.encode() in written for trace in (NAME, resident.username, PHONE, WORDS))  # the test can see

    assert erase(file_app, resident, accounts.coordinator)

    stored = file_app.db_path.read_bytes() + wal(file_app.db_path)
    assert [trace for trace in traces if trace.encode() in stored] == []
    audio = [path for path in Path(file_app.config["AUDIO_DIR"]).rglob("*") if path.is_file()]
    assert [path for path in audio if path.read_bytes() == audio_bytes()] == []
    assert not (Path(file_app.config["AUDIO_DIR"]) / str(resident.id)).exists()
    ownerless = [
        event
        for event in rows(file_app, AuditEvent)
        if event.actor_id is None and event.subject_id is None and (event.ip or event.device)
    ]
    assert ownerless == []


def wal(path: Path) -> bytes:
    log = path.with_name(path.name + "-wal")
    return log.read_bytes() if log.exists() else b""


def test_the_write_ahead_log_is_empty_after_an_erasure(file_app):
    accounts = make_accounts(file_app)
    write(file_app, accounts.resident1, accounts.resident1, "Hej")
    assert wal(file_app.db_path)
    assert erase(file_app, accounts.resident1, None)
    assert wal(file_app.db_path) == b""


def test_events_about_an_erased_resident_keep_no_trace_of_them_and_one_line_says_who_erased(auth, accounts):
    app, resident = auth.app, accounts.resident1
    auth.client_for("resident1")  # their own sign-in
    auth.client_for("advisor1").get(f"/advisor/residents/{resident.id}")  # their advisor opens their page
    app.test_client().post("/login/staff", data={"username": "resident1", "password": "wrong"})  # name typed
    run(app, coordination.assign_advisor, actor=accounts.coordinator, resident=resident, advisor=accounts.advisor2)
    before = rows(app, AuditEvent)
    by_staff = {
        event.id: event.action
        for event in before
        if event.subject_id == resident.id and event.actor_id not in (None, resident.id)
    }
    assert set(by_staff.values()) >= {"file_opened", "advisor_assigned"}

    assert erase(app, resident, accounts.coordinator)

    after = {event.id: event for event in rows(app, AuditEvent)}
    assert [event for event in after.values() if resident.id in (event.actor_id, event.subject_id)] == []
    assert [event for event in after.values() if "resident1" in str(event.detail)] == []
    kept = [after[event_id] for event_id in by_staff]
    assert [(e.about_erased, e.subject_id, e.detail, e.ip, e.device) for e in kept] == [
        (True, None, None, "", "")
    ] * len(kept)
    # Their own events, and those about them that no staff member did, are gone.
    assert not [e for e in before if e.id in after and e.actor_id == resident.id]
    assert not [e for e in before if e.id in after and e.subject_id == resident.id and e.actor_id is None]
    (line,) = [event for event in after.values() if event.action == "resident_erased"]
    assert (line.actor_id, line.subject_id, line.ip, line.device, line.detail) == (
        accounts.coordinator.id,
        None,
        "",
        "",
        None,
    )


def test_events_of_other_people_are_left_as_they_were(auth, accounts):
    app = auth.app
    auth.client_for("resident2")
    auth.client_for("advisor1").get(f"/advisor/residents/{accounts.resident2.id}")
    others = {
        event.id: (event.ip, event.device, event.subject_id, event.about_erased)
        for event in rows(app, AuditEvent)
        if accounts.resident1.id not in (event.actor_id, event.subject_id)
    }
    assert any(ip for ip, *_rest in others.values())
    assert erase(app, accounts.resident1, None)
    after = {
        event.id: (event.ip, event.device, event.subject_id, event.about_erased) for event in rows(app, AuditEvent)
    }
    assert {event_id: after.get(event_id) for event_id in others} == others


def test_an_unfinished_sign_up_with_their_name_or_number_goes_and_others_stay(auth, accounts):
    app = auth.app
    set_values(app, User, User.id == accounts.resident1.id, phone="+4520483917")
    for data in ({"name": " فاطمة "}, {"name": "Another", "phone": "+4520483917"}, {"name": "Someone else"}):
        run(
            app,
            lambda session, data=data: (
                session.add(
                    SignupDraft(
                        token_hash=uuid.uuid4().hex,
                        helper_id=accounts.volunteer1.id,
                        data=data,
                        expires_at=utcnow() + timedelta(hours=1),
                    )
                )
                or session.commit()
            ),
        )
    assert erase(app, accounts.resident1, None)
    assert [draft.data["name"] for draft in rows(app, SignupDraft)] == ["Someone else"]


def test_a_resident_erased_twice_at_once_is_erased_and_recorded_once(auth, accounts):
    app = auth.app
    results = at_once(lambda n: erase(app, accounts.resident1, accounts.coordinator), 2)
    assert sorted(results) == [False, True]
    assert len([event for event in rows(app, AuditEvent) if event.action == "resident_erased"]) == 1


def test_erasing_a_resident_removes_their_situations_follow_ups_and_answer_times(auth, accounts):
    from datetime import date

    from webapp.models import AnswerTime, FollowUp, ResidentSituation, Situation
    from webapp.outcomes import situations

    app = auth.app

    def give_situation(session, resident):
        work = session.exec(select(Situation).where(Situation.key == "work")).one()
        situations.record(
            session,
            resident=resident,
            advisor=accounts.advisor1,
            situation=work,
            starts_on=date(2026, 1, 5),
            hours=20,
            employer="Bageriet Sørensen",
            idempotency_key=f"situation-{resident.id}",
        )
        situations.record_follow_up(
            session,
            resident=resident,
            advisor=accounts.advisor1,
            months=situations.current(session, resident=resident).follow_up_due,
            hours=25,
        )
        session.add(AnswerTime(resident_id=resident.id, waited_seconds=3600))
        session.commit()

    run(app, give_situation, resident=accounts.resident1)
    run(app, give_situation, resident=accounts.resident2)
    assert len(rows(app, FollowUp)) == 2

    result = app.test_cli_runner().invoke(args=["users", "erase-resident", "resident1", "--yes"])
    assert result.exit_code == 0, result.output

    for model in (ResidentSituation, FollowUp, AnswerTime):
        assert [row.resident_id for row in rows(app, model)] == [accounts.resident2.id], model
