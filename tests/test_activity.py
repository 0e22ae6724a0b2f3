"""The caseload's summary of each timeline stays what the entries say, however they arrive."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlmodel import select

from webapp.models import ANSWER_KINDS, MESSAGE_KINDS, Entry, EntryKind, ResidentActivity, utcnow
from webapp.timeline import activity, phrases

from .factories import run

KINDS = [EntryKind.MESSAGE, EntryKind.MESSAGE, EntryKind.PHRASE, EntryKind.PHRASE, EntryKind.VOICE,
         EntryKind.GOAL_COMMENT, EntryKind.CHECKIN, EntryKind.BARRIER_ADDED, EntryKind.APPOINTMENT_MOVED,
         EntryKind.STEP_DONE]
SAID = ["call_me", "child_sick", "cant_come_today", "thank_you", "running_late", "well_done"]


def expected(entries: list[tuple]) -> tuple:
    """The definition the caseload has always used, straight from the entries."""
    if not entries:
        return None
    answers = [at for at, kind, by_resident, _said in entries if kind in ANSWER_KINDS and not by_resident]
    last_answer = max(answers, default=None)
    waiting = [at for at, kind, by_resident, _said in entries
               if kind in MESSAGE_KINDS and by_resident and (last_answer is None or at > last_answer)]
    # The newest urgent phrase of the resident's; of two at the same moment, the one written last.
    urgent = max(((at, order, said) for order, (at, kind, by_resident, said) in enumerate(entries)
                  if by_resident and kind == EntryKind.PHRASE and said in phrases.URGENT), default=None)
    kinds = [kind for _at, kind, _b, _s in entries]
    return (max(at for at, _k, _b, _s in entries), last_answer, len(waiting), min(waiting, default=None),
            max(waiting, default=None), urgent[2] if urgent else None, urgent[0] if urgent else None,
            len(kinds), sum(kind in (EntryKind.MESSAGE, EntryKind.PHRASE) for kind in kinds),
            kinds.count(EntryKind.VOICE))


def summaries(app) -> dict[int, tuple]:
    def read(session):
        return {row.resident_id: (row.last_entry_at, row.last_answer_at, row.waiting_count, row.waiting_since,
                                  row.waiting_until, row.urgent_phrase, row.urgent_at, row.entry_count,
                                  row.message_count, row.voice_count)
                for row in session.exec(select(ResidentActivity)).all()}

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
                session.add(Entry(resident_id=resident.id, author_id=resident.id if by_resident else rng.choice(staff).id,
                                  kind=kind, body="x", data=data, created_at=at))
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
    run(app, activity.rebuild)
    assert summaries(app) == kept


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
