"""The caseload's summary of each timeline stays what the entries say, however they arrive."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlmodel import select

from webapp.models import ANSWER_KINDS, MESSAGE_KINDS, AnswerTime, Entry, EntryKind, ResidentActivity, utcnow
from webapp.timeline import activity, phrases

from .factories import rows, run

KINDS = [
    EntryKind.MESSAGE,
    EntryKind.MESSAGE,
    EntryKind.PHRASE,
    EntryKind.PHRASE,
    EntryKind.VOICE,
    EntryKind.GOAL_COMMENT,
    EntryKind.CHECKIN,
    EntryKind.BARRIER_ADDED,
    EntryKind.APPOINTMENT_MOVED,
    EntryKind.STEP_DONE,
]
SAID = [
    "call_me",
    "child_sick",
    "cant_come_today",
    "thank_you",
    "running_late",
    "well_done",
    "started_working",
    "started_education",
    "lost_job",
]


def expected(entries: list[tuple]) -> tuple:
    """The definition the caseload has always used, straight from the entries."""
    if not entries:
        return None
    answers = [at for at, kind, by_resident, _said in entries if kind in ANSWER_KINDS and not by_resident]
    last_answer = max(answers, default=None)
    waiting = [
        at
        for at, kind, by_resident, _said in entries
        if kind in MESSAGE_KINDS and by_resident and (last_answer is None or at > last_answer)
    ]

    # The newest urgent phrase of the resident's; of two at the same moment, the one written last.
    def newest(keys):
        return max(
            (
                (at, order, said)
                for order, (at, kind, by_resident, said) in enumerate(entries)
                if by_resident and kind == EntryKind.PHRASE and said in keys
            ),
            default=None,
        )

    urgent, told = newest(phrases.URGENT), newest(phrases.TOLD)
    kinds = [kind for _at, kind, _b, _s in entries]
    return (
        max(at for at, _k, _b, _s in entries),
        last_answer,
        len(waiting),
        min(waiting, default=None),
        max(waiting, default=None),
        urgent[2] if urgent else None,
        urgent[0] if urgent else None,
        told[2] if told else None,
        told[0] if told else None,
        len(kinds),
        sum(kind in (EntryKind.MESSAGE, EntryKind.PHRASE) for kind in kinds),
        kinds.count(EntryKind.VOICE),
    )


def summaries(app) -> dict[int, tuple]:
    def read(session):
        return {
            row.resident_id: (
                row.last_entry_at,
                row.last_answer_at,
                row.waiting_count,
                row.waiting_since,
                row.waiting_until,
                row.urgent_phrase,
                row.urgent_at,
                row.told_phrase,
                row.told_at,
                row.entry_count,
                row.message_count,
                row.voice_count,
            )
            for row in session.exec(select(ResidentActivity)).all()
        }

    return run(app, read)


def add_random_history(app, rng: random.Random, residents, staff) -> dict[int, list[tuple]]:
    """Entries in random order of time (a late commit, an imported history), some several to a flush."""
    start = utcnow() - timedelta(days=30)
    written: dict[int, list[tuple]] = {resident.id: [] for resident in residents}

    def insert(session):
        for _batch in range(rng.randint(5, 25)):
            for _ in range(rng.randint(1, 4)):
                resident = rng.choice(residents)
                by_resident = rng.random() < 0.6
                kind = rng.choice(KINDS)
                # Whole minutes, so ties between an answer and a message happen too.
                at = start + timedelta(minutes=rng.randint(0, 300))
                said = rng.choice(SAID) if kind == EntryKind.PHRASE else None
                data = {"phrase": said, "version": 1, "params": {}} if said else None
                session.add(
                    Entry(
                        resident_id=resident.id,
                        author_id=resident.id if by_resident else rng.choice(staff).id,
                        kind=kind,
                        body="x",
                        data=data,
                        created_at=at,
                    )
                )
                written[resident.id].append((at, kind, by_resident, said))
            session.commit()

    run(app, insert)
    return written


def test_the_summary_kept_with_each_entry_equals_the_entries_and_a_rebuild(app, accounts):
    rng = random.Random(20261125)
    residents = [accounts.resident1, accounts.resident2, accounts.resident3]
    staff = [accounts.advisor1, accounts.advisor2]
    history = {resident.id: [] for resident in residents}
    for _round in range(40):
        for resident_id, entries in add_random_history(app, rng, residents, staff).items():
            history[resident_id].extend(entries)
        kept = summaries(app)
        for resident_id, entries in history.items():
            assert kept.get(resident_id) == expected(entries), (resident_id, sorted(entries))
    written = answer_times(app)
    run(app, activity.rebuild)
    assert summaries(app) == kept
    assert written and all(seconds >= 0 for _resident, _at, seconds in written)
    assert answer_times(app) == written


def test_the_rebuild_command_repairs_a_summary_that_went_wrong(app, accounts):
    rng = random.Random(7)
    history = add_random_history(app, rng, [accounts.resident1, accounts.resident2], [accounts.advisor1])

    def spoil(session):
        for row in session.exec(select(ResidentActivity)).all():
            row.waiting_count, row.last_entry_at = 99, None
        session.commit()

    run(app, spoil)
    result = app.test_cli_runner().invoke(args=["caseload", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "rebuilt for 2 residents" in result.output
    assert summaries(app) == {rid: expected(entries) for rid, entries in history.items() if entries}


def add_in_order(app, resident, staff, *entries: tuple[int, bool]) -> datetime:
    """Entries one flush each, in the order given: (minutes after the start, by the resident); returns the start."""
    start = utcnow().replace(microsecond=0) - timedelta(days=1)

    def insert(session):
        for minutes, by_resident in entries:
            session.add(
                Entry(
                    resident_id=resident.id,
                    author_id=resident.id if by_resident else staff.id,
                    kind=EntryKind.MESSAGE,
                    body="x",
                    created_at=start + timedelta(minutes=minutes),
                )
            )
            session.commit()

    run(app, insert)
    return start


def answer_times(app) -> list[tuple[int, datetime, int]]:
    return sorted((row.resident_id, row.answered_at, row.waited_seconds) for row in rows(app, AnswerTime))


def test_the_answer_that_ends_a_wait_writes_down_how_long_it_was_from_the_first_message(app, accounts):
    resident, advisor = accounts.resident1, accounts.advisor1
    start = add_in_order(app, resident, advisor, (0, True), (10, True), (90, False))
    assert answer_times(app) == [(resident.id, start + timedelta(minutes=90), 90 * 60)]


def test_a_second_answer_with_nothing_waiting_writes_nothing(app, accounts):
    add_in_order(app, accounts.resident1, accounts.advisor1, (0, True), (5, False), (6, False))
    assert len(answer_times(app)) == 1


def test_each_wait_that_ends_is_written_down_once(app, accounts):
    resident, advisor = accounts.resident1, accounts.advisor1
    start = add_in_order(app, resident, advisor, (0, True), (30, False), (60, True), (61, True), (65, False))
    assert answer_times(app) == [
        (resident.id, start + timedelta(minutes=30), 30 * 60),
        (resident.id, start + timedelta(minutes=65), 5 * 60),
    ]


def test_an_answer_from_the_resident_or_without_a_wait_is_no_answer_time(app, accounts):
    add_in_order(app, accounts.resident1, accounts.advisor1, (0, False), (1, True), (2, True))
    assert answer_times(app) == []


def test_an_answer_older_than_the_wait_ends_nothing(app, accounts):
    """Written late (a slow commit): the staff message came before the resident's, so it answers nothing."""
    add_in_order(app, accounts.resident1, accounts.advisor1, (10, True), (5, False))
    assert answer_times(app) == []


def test_a_rebuild_writes_no_answer_time_again(app, accounts):
    add_in_order(app, accounts.resident1, accounts.advisor1, (0, True), (5, False))
    before = answer_times(app)
    run(app, activity.rebuild)
    assert answer_times(app) == before and len(before) == 1


def test_the_summary_is_kept_by_the_apps_sessions_and_only_by_them(app, accounts):
    """The listener goes with the app's session class (db.AppSession), not with SQLAlchemy's Session: a session
    the app did not make (another library's, a hand-made one) writes entries without touching the summary."""
    from sqlmodel import Session as PlainSession

    from webapp.db import engine, new_session

    def add(make_session):
        with app.app_context(), make_session() as session:
            session.add(
                Entry(
                    resident_id=accounts.resident2.id,
                    author_id=accounts.resident2.id,
                    kind=EntryKind.MESSAGE,
                    body="x",
                    created_at=utcnow(),
                )
            )
            session.commit()

    add(lambda: PlainSession(engine()))
    assert accounts.resident2.id not in summaries(app)
    add(new_session)
    assert summaries(app)[accounts.resident2.id][2] >= 1  # now waiting for an answer on the caseload
