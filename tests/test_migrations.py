from __future__ import annotations

import os

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

from webapp import models  # noqa: F401
from webapp.cli import alembic_config

from .conftest import reset_postgres

TABLES = {
    "users",
    "device_sessions",
    "entries",
    "audit_events",
    "checkins",
    "barriers",
    "goals",
    "goal_steps",
    "appointments",
    "housing_areas",
    "consent_texts",
    "signup_drafts",
    "pairing_links",
    "trusted_devices",
    "contact_requests",
    "staff_drafts",
    "resident_activity",
    "password_links",
    "consents",
    "totp_secrets",
    "recovery_codes",
    "passkeys",
    "situations",
    "resident_situations",
    "follow_ups",
    "answer_times",
    "partnership_counts",
}
JOINING = TABLES - {
    "contact_requests",
    "staff_drafts",
    "resident_activity",
    "password_links",
    "consents",
    "totp_secrets",
    "recovery_codes",
    "passkeys",
    "situations",
    "resident_situations",
    "follow_ups",
    "answer_times",
    "partnership_counts",
}
RECORDS = {
    "users",
    "device_sessions",
    "entries",
    "audit_events",
    "checkins",
    "barriers",
    "goals",
    "goal_steps",
    "appointments",
}


def database_urls(tmp_path):
    urls = [f"sqlite:///{tmp_path / 'migrations.sqlite3'}"]
    if os.environ.get("TEST_DATABASE_URL"):
        urls.append(os.environ["TEST_DATABASE_URL"])
    return urls


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


@pytest.fixture
def migration_urls(tmp_path, request):
    urls = database_urls(tmp_path)
    yield urls
    # Leave PostgreSQL migrated for the fixtures that expect the schema there.
    for url in urls:
        if url.startswith("postgresql"):
            reset_postgres(url)
            command.upgrade(alembic_config(url), "head")


def migrated(url: str, revision: str = "head"):
    """A fresh database at `revision`, and an engine on it (dispose it when done)."""
    if url.startswith("postgresql"):
        reset_postgres(url)
    command.upgrade(alembic_config(url), revision)
    return create_engine(url)


def test_upgrade_to_head_and_back_down_to_empty(migration_urls):
    for url in migration_urls:
        if url.startswith("postgresql"):
            reset_postgres(url)
        config = alembic_config(url)
        command.upgrade(config, "head")
        assert tables(url) == TABLES
        command.downgrade(config, "0003")
        assert tables(url) == JOINING
        command.downgrade(config, "0002")
        assert tables(url) == RECORDS
        command.downgrade(config, "0001")
        assert tables(url) == {"users", "device_sessions", "entries", "audit_events"}
        command.downgrade(config, "base")
        assert tables(url) == set()
        command.upgrade(config, "head")
        assert tables(url) == TABLES


def test_migrations_match_the_models(migration_urls):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    for url in migration_urls:
        engine = migrated(url)
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        engine.dispose()
        assert diff == [], url.split(":")[0]


def test_every_constraint_has_its_conventional_name(migration_urls):
    from sqlalchemy import inspect

    for url in migration_urls:
        engine = migrated(url)
        found = inspect(engine)
        names = {
            table: (
                [fk["name"] for fk in found.get_foreign_keys(table)],
                [uq["name"] for uq in found.get_unique_constraints(table)],
            )
            for table in found.get_table_names()
            if table != "alembic_version"
        }
        primary = found.get_pk_constraint("entries")["name"] if url.startswith("postgresql") else "pk_entries"
        engine.dispose()
        assert primary == "pk_entries"
        assert {table: lists for table, lists in names.items() if None in lists[0] + lists[1]} == {}
        assert "uq_consent_texts_version_locale" in names["consent_texts"][1]
        assert "fk_entries_resident_id" in names["entries"][0]


def test_upgrading_keeps_open_contact_requests_and_retires_double_barriers(migration_urls):
    from sqlalchemy import text

    for url in migration_urls:
        engine = migrated(url, "0003")
        with engine.begin() as db:
            for user_id, role in ((1, "resident"), (2, "advisor"), (3, "resident")):
                db.execute(
                    text(
                        "INSERT INTO users (id, username, display_name, role, locale, secret_hash, active, "
                        "failed_logins, lock_count, unlock_by_staff, created_at) "
                        "VALUES (:id, :u, :u, :role, 'da', 'x', true, 0, 0, false, '2026-11-01 10:00:00+00')"
                    ),
                    {"id": user_id, "u": f"user{user_id}", "role": role},
                )
            for checkin_id, resident, day in ((1, 1, "2026-11-20"), (2, 1, "2026-11-22"), (3, 3, "2026-11-21")):
                db.execute(
                    text(
                        "INSERT INTO checkins (id, resident_id, day, mood, wants_contact, created_at, updated_at) "
                        "VALUES (:id, :r, :day, 1, true, :at, :at)"
                    ),
                    {"id": checkin_id, "r": resident, "day": day, "at": f"{day} 09:00:00+00"},
                )
            # The advisor answered resident3 after their check-in; resident1 has two unanswered ones.
            db.execute(
                text(
                    "INSERT INTO entries (resident_id, author_id, kind, body, created_at) "
                    "VALUES (3, 2, 'message', 'Jeg ringer', '2026-11-21 12:00:00+00')"
                )
            )
            for barrier_id in (1, 2, 3):
                db.execute(
                    text(
                        "INSERT INTO barriers (id, resident_id, key, status, created_at, updated_at) "
                        "VALUES (:id, 1, 'transport', 'present', '2026-11-20 09:00:00+00', "
                        "'2026-11-20 09:00:00+00')"
                    ),
                    {"id": barrier_id},
                )
        command.upgrade(alembic_config(url), "head")
        with engine.connect() as db:
            requests = db.execute(
                text(
                    "SELECT resident_id, checkin_id, handled_at IS NULL, how FROM contact_requests ORDER BY checkin_id"
                )
            ).all()
            statuses = db.execute(text("SELECT status FROM barriers ORDER BY id")).scalars().all()
        engine.dispose()
        assert [(r, c, bool(still_open), how) for r, c, still_open, how in requests] == [
            (1, 1, False, None),
            (1, 2, True, None),
            (3, 3, False, "message"),
        ]
        assert statuses == ["present", "removed", "removed"]


def test_upgrading_fills_the_caseload_summary_from_the_entries_there_are(migration_urls):
    from sqlalchemy import text

    for url in migration_urls:
        engine = migrated(url, "0004")
        with engine.begin() as db:
            for user_id, role in ((1, "resident"), (2, "advisor"), (3, "resident"), (4, "resident")):
                db.execute(
                    text(
                        "INSERT INTO users (id, username, display_name, role, locale, secret_hash, active, "
                        "failed_logins, lock_count, unlock_by_staff, created_at) VALUES (:id, :u, :u, :role, 'da', "
                        "'x', true, 0, 0, false, '2026-11-01 10:00:00+00')"
                    ),
                    {"id": user_id, "u": f"user{user_id}", "role": role},
                )
            # resident1: asked, was answered, then asked twice more; resident3: only an answer; resident4: nothing.
            for resident, author, kind, at in (
                (1, 1, "message", "2026-11-20 09:00"),
                (1, 2, "message", "2026-11-20 10:00"),
                (1, 1, "message", "2026-11-21 09:00"),
                (1, 1, "checkin", "2026-11-22 08:00"),
                (1, 1, "message", "2026-11-22 09:00"),
                (3, 2, "goal_comment", "2026-11-19 09:00"),
            ):
                db.execute(
                    text(
                        "INSERT INTO entries (resident_id, author_id, kind, body, created_at) "
                        "VALUES (:r, :a, :kind, 'x', :at)"
                    ),
                    {"r": resident, "a": author, "kind": kind, "at": at},
                )
        command.upgrade(alembic_config(url), "head")
        with engine.connect() as db:
            found = db.execute(
                text("SELECT resident_id, waiting_count FROM resident_activity ORDER BY resident_id")
            ).all()
        engine.dispose()
        assert [tuple(row) for row in found] == [(1, 2), (3, 0)]


def test_upgrading_keys_staff_names_and_a_later_look_alike_goes_without(migration_urls):
    from sqlalchemy import text

    for url in migration_urls:
        engine = migrated(url, "0006")
        with engine.begin() as db:
            # advisor 3 is a later look-alike of advisor 2 (a Cyrillic е, a full stop); 4 is one too, but deactivated.
            # The resident follows advisor 2, so the downgrade meets a row that points at another.
            for user_id, role, name, active, day, advisor in (
                (1, "coordinator", "Karin Holm", True, "01", None),
                (2, "advisor", "Mette Sørensen", True, "02", None),
                (3, "advisor", "M\u0435tte Sørensen.", True, "03", None),
                (4, "volunteer", "Mette Sorensen", False, "04", None),
                (5, "resident", "Mette Sørensen", True, "05", 2),
            ):
                db.execute(
                    text(
                        "INSERT INTO users (id, username, display_name, role, locale, secret_hash, active, "
                        "advisor_id, failed_logins, lock_count, unlock_by_staff, created_at) VALUES (:id, :u, "
                        ":name, :role, 'da', 'x', :active, :advisor, 0, 0, false, :at)"
                    ),
                    {
                        "id": user_id,
                        "u": f"user{user_id}",
                        "name": name,
                        "role": role,
                        "active": active,
                        "advisor": advisor,
                        "at": f"2026-11-{day} 10:00:00+00",
                    },
                )
        command.upgrade(alembic_config(url), "head")
        with engine.connect() as db:
            keys = dict(db.execute(text("SELECT id, name_key FROM users ORDER BY id")).all())
        engine.dispose()
        assert keys == {1: "karlnholrn", 2: "rnettesorensen", 3: None, 4: "rnettesorensen", 5: None}
        command.downgrade(alembic_config(url), "0006")
        assert "password_links" not in tables(url)
        command.upgrade(alembic_config(url), "head")
        with engine.connect() as db:
            assert db.execute(text("SELECT name_key FROM users WHERE id = 2")).scalar_one() == "rnettesorensen"
        engine.dispose()


def test_upgrading_keeps_each_residents_consent_their_last_sign_in_and_their_timeline_counts(migration_urls):
    from sqlalchemy import text

    for url in migration_urls:
        engine = migrated(url, "0007")
        with engine.begin() as db:
            for user_id, role, version in (
                (1, "resident", "2026-11-25.2"),
                (2, "advisor", None),
                (3, "resident", None),
            ):
                db.execute(
                    text(
                        "INSERT INTO users (id, username, display_name, role, locale, secret_hash, active, "
                        "failed_logins, lock_count, unlock_by_staff, created_at, consent_version, consented_at) "
                        "VALUES (:id, :u, :u, :role, 'ar', 'x', true, 0, 0, false, '2026-11-01 10:00:00+00', "
                        ":version, :at)"
                    ),
                    {
                        "id": user_id,
                        "u": f"user{user_id}",
                        "role": role,
                        "version": version,
                        "at": "2026-11-01 10:00:00+00" if version else None,
                    },
                )
            for action, actor, at in (
                ("sign_in", 1, "2026-11-20 09:00:00+00"),
                ("sign_in", 1, "2026-11-22 09:00:00+00"),
                ("sign_in_failed", None, "2026-11-23 09:00:00+00"),
            ):
                db.execute(
                    text(
                        "INSERT INTO audit_events (at, actor_id, subject_id, action, ip, device) "
                        "VALUES (:at, :actor, 1, :action, '', '')"
                    ),
                    {"at": at, "actor": actor, "action": action},
                )
            for kind in ("message", "phrase", "voice", "checkin"):
                db.execute(
                    text(
                        "INSERT INTO entries (resident_id, author_id, kind, body, created_at) "
                        "VALUES (1, 1, :kind, 'x', '2026-11-20 09:00:00+00')"
                    ),
                    {"kind": kind},
                )
            db.execute(
                text(
                    "INSERT INTO resident_activity (resident_id, last_entry_at, waiting_count) "
                    "VALUES (1, '2026-11-20 09:00:00+00', 0)"
                )
            )
        command.upgrade(alembic_config(url), "head")
        with engine.connect() as db:
            consents = db.execute(text("SELECT resident_id, version, locale FROM consents")).all()
            signed_in = db.execute(text("SELECT id, last_sign_in_at FROM users ORDER BY id")).all()
            counts = db.execute(text("SELECT entry_count, message_count, voice_count FROM resident_activity")).one()
        engine.dispose()
        assert [tuple(row) for row in consents] == [(1, "2026-11-25.2", "ar")]
        assert (
            str(signed_in[0][1]).startswith("2026-11-22 09:00") and signed_in[1][1] is None and signed_in[2][1] is None
        )
        assert tuple(counts) == (4, 2, 1)
