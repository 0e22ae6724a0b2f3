"""A long history of every kind, inserted in bulk: for the export's tests and its benchmark."""

from __future__ import annotations

import itertools
from datetime import date, time, timedelta

from sqlmodel import Session

from webapp.models import Appointment, Barrier, CheckIn, ContactRequest, Entry, EntryKind, Goal, GoalStep, User, utcnow
from webapp.timeline import kinds, phrases

KINDS = tuple(EntryKind)


def fill_history(
    session: Session, *, resident: User, advisor: User, entries: int, records: int, audio_key: str = "0/none.webm"
) -> None:
    """`records` of each kind of record, and `entries` entries that cycle through every kind, each with its
    data as the app keeps it and linked to a record of its kind. Voice entries all point at `audio_key`."""
    start = utcnow() - timedelta(days=records + 30)
    checkins = [
        CheckIn(
            resident_id=resident.id,
            day=(start + timedelta(days=n)).date(),
            mood=n % 5 + 1,
            words=f"Dag {n}" if n % 2 else None,
            wants_contact=n % 7 == 0,
        )
        for n in range(records)
    ]
    barriers = [
        Barrier(resident_id=resident.id, key="other", words=f"Noget andet {n}", status="solved") for n in range(records)
    ]
    goals = [
        Goal(
            resident_id=resident.id,
            kind="job",
            words=f"Mål {n}",
            hours_per_week=n % 30 + 1,
            target_month=date(2027, n % 12 + 1, 1),
        )
        for n in range(records)
    ]
    appointments = [
        Appointment(
            resident_id=resident.id,
            created_by=advisor.id if n % 2 else resident.id,
            starts_at=start + timedelta(days=n, hours=10),
            place=f"Beboerhuset {n}",
            with_whom="advisor",
            interpreter="ar" if n % 3 == 0 else None,
            needs_childcare=n % 2 == 0,
            response="coming" if n % 4 == 0 else None,
        )
        for n in range(records)
    ]
    session.add_all(checkins + barriers + goals + appointments)
    session.flush()
    session.add_all(
        [
            GoalStep(goal_id=goal.id, text=f"Skridt {n}", created_by=resident.id, done_at=start if n % 2 else None)
            for n, goal in enumerate(goals)
            for _ in range(2)
        ]
    )
    session.add_all(
        [
            ContactRequest(
                resident_id=resident.id,
                checkin_id=checkin.id,
                asked_at=start,
                handled_at=start,
                handled_by=advisor.id,
                how="phone",
            )
            for checkin in checkins
            if checkin.wants_contact
        ]
    )
    kind_cycle = itertools.cycle(KINDS)
    session.add_all(
        _entry(
            next(kind_cycle),
            n,
            resident=resident,
            advisor=advisor,
            at=start + timedelta(minutes=n),
            record=n % records,
            checkins=checkins,
            barriers=barriers,
            goals=goals,
            appointments=appointments,
            audio_key=audio_key,
        )
        for n in range(entries)
    )
    session.commit()


def _entry(
    kind: EntryKind, n: int, *, resident, advisor, at, record, checkins, barriers, goals, appointments, audio_key
) -> Entry:
    author = resident if n % 2 else advisor
    entry = Entry(resident_id=resident.id, author_id=author.id, kind=kind, created_at=at)
    goal, appointment = goals[record], appointments[record]
    if kind == EntryKind.MESSAGE:
        entry.body = f"Besked nummer {n}\nmed to linjer"
    elif kind == EntryKind.PHRASE:
        said = phrases.PHRASES["come_on" if n % 2 else "thank_you"]
        entry.data = phrases.stored(said, on=date(2027, 3, 14), at=time(10, 30))
    elif kind == EntryKind.VOICE:
        entry.data = kinds.voice(audio_key, seconds=3.0, mimetype="audio/webm")
    elif kind == EntryKind.ADVISOR_CHANGED:
        entry.data = kinds.advisor_changed(advisor)
    elif kind == EntryKind.PHONE_SET_UP:
        entry.data = kinds.phone_set_up(advisor, device="android_phone", new_pin=n % 2 == 0)
    elif kind == EntryKind.CHECKIN:
        entry.data, entry.checkin_id = kinds.checkin(n % 5 + 1, replaced=False, wants_contact=True), checkins[record].id
    elif kind == EntryKind.CONTACT_MADE:
        entry.data = kinds.contact_made("phone")
    elif kind.startswith("barrier_"):
        status = "better" if kind == EntryKind.BARRIER_STATUS else None
        entry.data, entry.barrier_id = kinds.barrier("transport", status), barriers[record].id
    elif kind in (EntryKind.GOAL_ADDED, EntryKind.GOAL_CHANGED):
        entry.data, entry.goal_id = kinds.goal(goal), goal.id
    elif kind.startswith("goal_") or kind.startswith("step_"):
        changed = {"status": "reached"} if kind == EntryKind.GOAL_STATUS else {}
        entry.data, entry.goal_id = kinds.goal_name(goal, **changed), goal.id
        entry.body = f"Kommentar {n}" if kind == EntryKind.GOAL_COMMENT else None
    elif kind.startswith("appointment_"):
        changed = (
            {"response": "coming"}
            if kind == EntryKind.APPOINTMENT_ANSWERED
            else ({"outcome": "attended"} if kind == EntryKind.APPOINTMENT_OUTCOME else {})
        )
        entry.data, entry.appointment_id = kinds.appointment(appointment, **changed), appointment.id
    elif kind in (EntryKind.SITUATION, EntryKind.FOLLOW_UP):
        # As outcomes/situations.py writes them: the situation as it was said, and a follow-up's months.
        entry.data = {
            "key": "work",
            "name": "I arbejde (ordinære timer)",
            "category": "work",
            "starts_on": "2027-03-01",
            "hours": 20,
            "employer": f"Bageriet {n}",
        }
        if kind == EntryKind.FOLLOW_UP:
            entry.data |= {"months": 3}
    else:
        raise AssertionError(f"a kind the history does not make yet: {kind}")
    return entry
