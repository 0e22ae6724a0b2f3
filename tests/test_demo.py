from __future__ import annotations

import pytest

from webapp import demo
from webapp.advisor.services import caseload
from webapp.models import Entry, User

from .conftest import AuthActions, page_text
from .factories import rows, run


@pytest.fixture
def demo_app(app):
    run(app, demo.load)
    return app


@pytest.mark.parametrize(("username", "role", "locale", "advisor"), [row[:2] + row[3:5] for row in demo.ACCOUNTS])
def test_every_demo_account_signs_in_to_its_home(demo_app, username, role, locale, advisor):
    client = demo_app.test_client()
    staff = role != "resident"
    secret = demo.STAFF_PASSWORD if staff else demo.RESIDENT_PIN
    response = AuthActions(demo_app).sign_in(client, username, secret, staff=staff)
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).status_code == 200


def test_demo_residents_have_a_conversation_in_their_language_and_resident3_waits(demo_app):
    users = {user.username: user for user in rows(demo_app, User)}
    for name in ("resident1", "resident2", "resident3", "resident4"):
        entries = rows(demo_app, Entry, Entry.resident_id == users[name].id)
        assert len(entries) >= 6
        assert {e.author_id for e in entries} == {users[name].id, users[name].advisor_id}
    waiting = {row.display_name: row.waiting for row in run(demo_app, caseload, advisor=users["advisor1"])}
    assert waiting["Susanne Hansen"] == 2
    assert waiting["فاطمة الحسن"] == 0 and waiting["مریم احمدی"] == 0


def test_demo_resident_sees_arabic_home(demo_app):
    client = demo_app.test_client()
    AuthActions(demo_app).sign_in(client, "resident1", "٤٨٢٧", staff=False)
    response = client.get("/me/")
    assert '<html lang="ar" dir="rtl">' in response.get_data(as_text=True)
    assert "مطبخ مشترك" in page_text(response)


def test_demo_timeline_reads_in_time_order_and_has_every_kind_of_record(demo_app):
    entries = rows(demo_app, Entry)
    assert [e.id for e in sorted(entries, key=lambda e: e.created_at)] == sorted(e.id for e in entries)
    assert {e.kind for e in entries} >= {
        "message",
        "checkin",
        "barrier_added",
        "goal_added",
        "step_added",
        "appointment_added",
        "appointment_answered",
    }


def test_demo_load_on_a_database_with_accounts_of_its_own_shows_no_demo_sign_ins(app, accounts):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0
    assert "accounts of its own, so the demo was not loaded" in result.output
    assert "Demo sign-ins" not in result.output and "PIN" not in result.output
    links = app.test_cli_runner().invoke(args=["demo", "pair-links"])
    assert links.exit_code == 0 and "No demo residents" in links.output and "/pair/" not in links.output


def test_demo_load_and_its_pairing_links_on_an_empty_database(app):
    loaded = app.test_cli_runner().invoke(args=["demo", "load"])
    assert loaded.exit_code == 0 and "Demo data loaded." in loaded.output and "Demo sign-ins" in loaded.output
    again = app.test_cli_runner().invoke(args=["demo", "load"])
    assert "not loaded again" in again.output and "Demo sign-ins" in again.output
    links = app.test_cli_runner().invoke(args=["demo", "pair-links"])
    assert links.exit_code == 0
    assert [line.split()[0] for line in links.output.splitlines() if "/pair/" in line] == list(demo.RESIDENTS)
