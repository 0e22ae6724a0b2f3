"""data.json: the export for a computer, as docs/export-schema.md describes it (and docs/export-schema.json
checks it). Written a record and an entry at a time.

Whatever the app keeps as a key (a mood, a status, a phrase) is given as that key, with `..._text` or
`text` beside it: the words the resident reads for it, in their language.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from ..devices import label as device_label
from ..models import COPENHAGEN, AnswerTime, Appointment, Barrier, CheckIn, ContactRequest, Entry, EntryKind, Goal
from ..outcomes import situations
from ..records import catalog
from ..roles import ROLE_LABELS
from ..signup.forms import CONTACT_CHOICES
from .services import Export, Record, SituationRecord, Summary, by_resident

SCHEMA = "sammen-export"
VERSION = 3  # 2: the resident's unsent words; 3: their situations with follow-ups, and how long they waited for answers
SAID = (EntryKind.MESSAGE, EntryKind.PHRASE, EntryKind.VOICE)


def data_json(
    export: Export, summary: Summary, text_of: Callable[[Entry], str], voice_file: Callable[[Entry], str | None]
) -> Iterator[str]:
    yield "{\n"
    for name, value in (
        ("schema", SCHEMA),
        ("version", VERSION),
        ("made_at", moment(export.made_at)),
        ("resident", _resident(export, summary)),
        ("consents", _consents(summary)),
        ("phones", _phones(summary)),
        ("sign_ins", _sign_ins(summary)),
        ("looked_at_by", _looks(summary)),
    ):
        yield f"{_dumps(name)}: {_dumps(value)},\n"
    yield '"records": {\n'
    yield from _array("checkins", (_checkin(record) for record in export.records(CheckIn)))
    yield ",\n"
    yield from _array("barriers", (_barrier(record) for record in export.records(Barrier)))
    yield ",\n"
    yield from _array("goals", (_goal(record, export) for record in export.records(Goal)))
    yield ",\n"
    yield from _array("appointments", (_appointment(record, export) for record in export.records(Appointment)))
    yield ",\n"
    yield from _array("contact_requests", (_contact_request(ask) for ask in export.contact_requests()))
    yield ",\n"
    yield from _array("situations", (_situation(record, export) for record in export.situations()))
    yield ",\n"
    yield from _array("answer_times", (_answer_time(waited) for waited in export.answer_times()))
    yield "\n},\n"
    yield from _array("entries", (_entry(entry, text_of, voice_file) for entry in export.entries()))
    yield "\n}\n"


def moment(value: datetime | None) -> str | None:
    """ISO 8601 in Copenhagen time, with its offset."""
    return value.astimezone(COPENHAGEN).isoformat(timespec="seconds") if value else None


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _array(name: str, items: Iterable[dict]) -> Iterator[str]:
    yield f'"{name}": ['
    for number, item in enumerate(items):
        yield ("\n" if number == 0 else ",\n") + _dumps(item)
    yield "\n]"


def _text(table: dict, key) -> str | None:
    return None if key is None else str(catalog.label(table, key))


def _resident(export: Export, summary: Summary) -> dict:
    resident = export.resident
    preference = resident.contact_preference
    return {
        "username": resident.username,
        "name": resident.display_name,
        "language": resident.locale,
        "phone": resident.phone,
        "housing_area": summary.area,
        "contact_preference": preference,
        "contact_preference_text": str(CONTACT_CHOICES[preference]) if preference in CONTACT_CHOICES else None,
        "advisor": summary.advisor.display_name if summary.advisor else None,
        "joined_at": moment(resident.created_at),
        "last_sign_in_at": moment(resident.last_sign_in_at),
        "stopped_at": moment(resident.stopped_at),
        "erase_after": moment(resident.erase_after),
        "unsent_words": summary.unsent.body if summary.unsent else None,
        "unsent_words_kept_at": moment(summary.unsent.updated_at) if summary.unsent else None,
    }


def _consents(summary: Summary) -> list[dict]:
    return [
        {"version": given.version, "locale": given.locale, "agreed_at": moment(given.agreed_at), "words": given.words}
        for given in summary.consents
    ]


def _phones(summary: Summary) -> list[dict]:
    return [
        {
            "device": phone.device,
            "device_text": device_label(phone.device),
            "paired_at": moment(phone.created_at),
            "removed_at": moment(phone.revoked_at),
        }
        for phone in summary.phones
    ]


def _sign_ins(summary: Summary) -> list[dict]:
    return [
        {
            "at": moment(seen.at),
            "device": seen.device,
            "device_text": device_label(seen.device),
            "on_tablet": seen.on_tablet,
        }
        for seen in summary.sign_ins
    ]


def _looks(summary: Summary) -> list[dict]:
    return [
        {
            "name": look.name,
            "username": look.username,
            "role": look.role,
            "role_text": str(ROLE_LABELS[look.role]) if look.role in ROLE_LABELS else None,
            "day": look.day.isoformat(),
            "what": look.what,
            "what_text": str(look.what_label) if look.what_label else None,
        }
        for look in summary.looks
    ]


def _checkin(record: Record) -> dict:
    checkin: CheckIn = record.item
    return {
        "id": checkin.id,
        "day": checkin.day.isoformat(),
        "mood": checkin.mood,
        "mood_text": _text(catalog.MOODS, checkin.mood),
        "words": checkin.words,
        "wants_contact": checkin.wants_contact,
        "created_at": moment(checkin.created_at),
        "updated_at": moment(checkin.updated_at),
    }


def _barrier(record: Record) -> dict:
    barrier: Barrier = record.item
    return {
        "id": barrier.id,
        "barrier": barrier.key,
        "barrier_text": _text(catalog.BARRIERS, barrier.key),
        "words": barrier.words,
        "status": barrier.status,
        "status_text": _text(catalog.BARRIER_STATUSES, barrier.status),
        "created_at": moment(barrier.created_at),
        "updated_at": moment(barrier.updated_at),
        "seen_by_advisor_at": moment(barrier.acknowledged_at),
    }


def _goal(record: Record, export: Export) -> dict:
    goal: Goal = record.item
    steps = [
        {
            "id": step.id,
            "text": step.text,
            "by": "resident" if step.created_by == export.resident.id else "staff",
            "created_at": moment(step.created_at),
            "done_at": moment(step.done_at),
        }
        for step in record.steps
    ]
    return {
        "id": goal.id,
        "goal": goal.kind,
        "goal_text": _text(catalog.GOAL_KINDS, goal.kind),
        "words": goal.words,
        "hours_per_week": goal.hours_per_week,
        "target_month": goal.target_month.strftime("%Y-%m") if goal.target_month else None,
        "status": goal.status,
        "status_text": _text(catalog.GOAL_STATUSES, goal.status),
        "created_at": moment(goal.created_at),
        "updated_at": moment(goal.updated_at),
        "steps": steps,
    }


def _appointment(record: Record, export: Export) -> dict:
    a: Appointment = record.item
    return {
        "id": a.id,
        "starts_at": moment(a.starts_at),
        "place": a.place,
        "with_whom": a.with_whom,
        "with_whom_text": _text(catalog.WITH_WHOM, a.with_whom),
        "interpreter": a.interpreter,
        "interpreter_text": catalog.language_name(a.interpreter) if a.interpreter else None,
        "needs": [need for need in catalog.NEEDS if getattr(a, need)],
        "needs_text": [str(option.label) for need, option in catalog.NEEDS.items() if getattr(a, need)],
        "status": a.status,
        "response": a.response,
        "response_text": _text(catalog.RESPONSES, a.response),
        "reason": a.response_reason,
        "reason_text": _text(catalog.CANT_COME_REASONS, a.response_reason),
        "response_words": a.response_words,
        "outcome": a.outcome,
        "outcome_text": _text(catalog.OUTCOMES, a.outcome),
        "made_by": "resident" if a.created_by == export.resident.id else "staff",
        "created_at": moment(a.created_at),
        "updated_at": moment(a.updated_at),
    }


def _contact_request(ask: ContactRequest) -> dict:
    return {
        "id": ask.id,
        "asked_at": moment(ask.asked_at),
        "checkin_id": ask.checkin_id,
        "handled_at": moment(ask.handled_at),
        "how": ask.how,
        "how_text": _text(catalog.CONTACT_WAYS, ask.how),
    }


def _by(user_id: int, export: Export) -> str:
    return "resident" if user_id == export.resident.id else "staff"


def _situation(record: SituationRecord, export: Export) -> dict:
    item, situation = record.item, record.situation
    follow_ups = [
        {
            "months": done.months,
            "still_there": done.still_there,
            "hours_per_week": done.hours_per_week,
            "recorded_by": _by(done.recorded_by, export),
            "recorded_at": moment(done.recorded_at),
        }
        for done in record.follow_ups
    ]
    return {
        "id": item.id,
        "situation": situation.key,
        "situation_text": situations.label(situation.key, situation.name),
        "name": situation.name,
        "category": situation.category,
        "starts_on": item.starts_on.isoformat(),
        "run_starts_on": item.run_starts_on.isoformat(),
        "hours_per_week": item.hours_per_week,
        "employer": item.employer,
        "recorded_by": _by(item.recorded_by, export),
        "recorded_at": moment(item.recorded_at),
        "follow_ups": follow_ups,
    }


def _answer_time(waited: AnswerTime) -> dict:
    return {"answered_at": moment(waited.answered_at), "waited_seconds": waited.waited_seconds}


def _entry(entry: Entry, text_of: Callable[[Entry], str], voice_file: Callable[[Entry], str | None]) -> dict:
    data = entry.data or {}
    text = entry.body if entry.kind == EntryKind.MESSAGE else text_of(entry)  # a message keeps its lines
    phrase = voice = details = None
    if entry.kind == EntryKind.PHRASE:
        phrase = {
            "key": data.get("phrase"),
            "version": data.get("version", 1),
            "params": data.get("params") or {},
            "text": text,
        }
    elif entry.kind == EntryKind.VOICE:
        voice = {"file": voice_file(entry), "seconds": data.get("seconds"), "type": data.get("type")}
    elif entry.kind not in SAID:
        details = data
    return {
        "id": entry.id,
        "kind": entry.kind,
        "created_at": moment(entry.created_at),
        "by": "resident" if by_resident(entry) else "staff",
        "author": entry.author.display_name,
        "text": text,
        "words": entry.body,
        "seen_at": moment(entry.seen_at),
        "heard_at": moment(entry.heard_at),
        "checkin_id": entry.checkin_id,
        "barrier_id": entry.barrier_id,
        "goal_id": entry.goal_id,
        "appointment_id": entry.appointment_id,
        "phrase": phrase,
        "voice": voice,
        "details": details,
    }
