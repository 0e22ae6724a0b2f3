"""Removing a resident removes everything about them, their voice messages included."""
from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from webapp.models import AuditEvent, Entry, EntryKind, Goal, GoalStep, TrustedDevice, User

from .factories import ask_for_contact, records_of, rows, run, send_voice, write


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

    theirs = [event.id for event in rows(app, AuditEvent)
              if accounts.resident1.id in (event.actor_id, event.subject_id) and event.ip]
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
    assert [(event.ip, event.device) for event in events if event.id in theirs] == [("", "")] * len(theirs)
    # The resident's phone is signed out: its session is gone.
    assert auth.client_for("advisor1").get(f"/advisor/residents/{accounts.resident1.id}").status_code == 404


def test_only_residents_are_erased_this_way(auth, accounts):
    result = auth.app.test_cli_runner().invoke(args=["users", "erase-resident", "advisor1", "--yes"])
    assert result.exit_code != 0 and "no resident advisor1" in result.output
    assert rows(auth.app, User, User.username == "advisor1")
