"""`make bench-scale` measures what it says: its data set mixes every kind of entry in each timeline, holds
words in four languages and the advisors' file openings, and every page it drives answers as a person would
see it (a page that failed would be measured as a fast error)."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select, text
from sqlmodel import Session

from benchmarks import scale as bench
from benchmarks.scale_data import KINDS, Scale, build_postgres, build_sqlite_scale
from webapp.auth import services as accounts
from webapp.db import engine
from webapp.models import AuditEvent, Entry, EntryKind, Role, User
from webapp.passwords import hash_secret
from webapp.timeline import activity

from .factories import pair_client

SMALL = Scale(residents=300, advisors=6, entries=30_000, long_history=1_000)


@pytest.fixture
def bench_app(app, database_url):
    with app.app_context(), Session(engine()) as session:
        with session.begin():
            build = build_postgres if database_url.startswith("postgresql") else build_sqlite_scale
            build(session.connection(), SMALL)
        activity.rebuild(session)
        with session.begin():
            for kind, username, secret in bench.people(SMALL).values():
                if kind == "resident" or username.startswith("adv"):
                    user = accounts.find_user(session, username)
                    user.secret_hash = hash_secret(secret)
                    session.add(user)
        role = {"coordinator": Role.COORDINATOR, "partner": Role.PARTNER}
        for name, given in role.items():
            accounts.create_user(session, username=name, display_name=name.title(), role=given, secret=bench.PASSWORD)
        session.execute(text("ANALYZE"))
        session.commit()
    return app


def test_each_timeline_mixes_every_kind_in_proportion(bench_app):
    typical = bench.typical_resident(SMALL)
    with bench_app.app_context(), Session(engine()) as session:
        kinds = Counter(session.exec(select(Entry.kind).where(Entry.resident_id == typical)).scalars())
        every = Counter(dict(session.exec(select(Entry.kind, func.count()).group_by(Entry.kind)).all()))
    assert set(kinds) == {kind.kind for kind in KINDS}
    assert {kind.kind for kind in KINDS} >= {EntryKind.MESSAGE, EntryKind.PHRASE, EntryKind.VOICE, EntryKind.CHECKIN}
    total = sum(every.values())
    shares = Counter()
    for kind in KINDS:
        shares[kind.kind] += kind.share
    for kind, share in shares.items():
        assert every[kind] == pytest.approx(total * share / 100, rel=0.02), kind


def test_messages_are_in_four_languages_and_of_every_length(bench_app):
    with bench_app.app_context(), Session(engine()) as session:
        bodies = set(session.exec(select(Entry.body).where(Entry.kind == EntryKind.MESSAGE)).scalars())
    scripts = {
        "arabic letters": any("\u0627" <= char <= "\u064a" for body in bodies for char in body),
        "dari's own letters (گ, پ)": any("گ" in body or "پ" in body for body in bodies),
        "danish letters": any("ø" in body or "æ" in body for body in bodies),
        "english words": any(body.startswith(("Hello", "Thank you")) for body in bodies),
    }
    assert all(scripts.values()), scripts
    lengths = sorted(len(body) for body in bodies)
    assert lengths[0] < 10 and lengths[-1] > 200


def test_advisors_open_files_every_working_day(bench_app):
    with bench_app.app_context(), Session(engine()) as session:
        openings = session.exec(
            select(AuditEvent.actor_id, AuditEvent.subject_id).where(AuditEvent.action == "file_opened")
        ).all()
        advisor_of = dict(session.exec(select(User.id, User.advisor_id).where(User.role == Role.RESIDENT)).all())
    assert len(openings) == SMALL.advisors * 30 * 167
    assert all(advisor_of[subject] == actor for actor, subject in openings)  # their own residents' files


def test_every_page_the_bench_drives_answers_as_expected(bench_app):
    clients = {}
    for who, (kind, username, secret) in bench.people(SMALL).items():
        client = bench_app.test_client()
        if kind == "resident":
            pair_client(bench_app, client, username)
            assert client.post("/login", data={"pin": secret}).status_code == 303
        else:
            answer = client.post("/login/staff", data={"username": username, "password": secret})
            assert answer.status_code == 303
        clients[who] = client
    for label, who, path, status, headers in bench.pages(SMALL):
        response = clients[who].get(path, headers=headers)
        assert response.status_code == status, label
        if status == 200:
            assert "Traceback" not in response.get_data(as_text=True), label
