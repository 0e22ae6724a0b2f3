"""Entries, caseload rows and the phrase book read exactly as the code before issue 22 wrote them (commit
cdf5824), now that they are rendered from view models, kept once written, with dates formatted once: every kind
of entry, to the resident and to the advisor, and caseload rows with every reason, in each of the four
languages, on a Monday in Copenhagen whose entries fall on both sides of midnight, of yesterday and of the half
year.

The pages of the code before are kept in tests/fixtures/rendered/; they were written by running this file
against that code, as a module of a copy of its tests/ folder:
`PYTHONPATH=<copy>:<old checkout> python -m tests.test_rendered_golden tests/fixtures/rendered`.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from webapp import dates
from webapp.advisor import services as advising
from webapp.advisor.services import CaseloadRow, FollowUpDue
from webapp.db import new_session
from webapp.models import Entry, Role
from webapp.pages import caseload as caseload_page
from webapp.timeline import phrases

from .factories import make_user, pair_client

FIXTURES = Path(__file__).parent / "fixtures" / "rendered"
LOCALES = ["da", "ar", "fa_AF", "en"]

# Monday 23 November 2026, 14:55 in Copenhagen.
NOW = datetime(2026, 11, 23, 13, 55, tzinfo=UTC)
MIDNIGHT = datetime(2026, 11, 22, 23, 0, tzinfo=UTC)  # Monday 00:00 in Copenhagen
# When entries were written, on both sides of each boundary `when` draws: today, yesterday, the days before,
# and half a year back (where the year is written).
MOMENTS = [
    NOW,
    MIDNIGHT,
    MIDNIGHT - timedelta(seconds=1),
    MIDNIGHT - timedelta(days=1),
    MIDNIGHT - timedelta(days=1, seconds=1),
    NOW - timedelta(days=3, hours=5),
    NOW - timedelta(days=179),
    NOW - timedelta(days=181),
    NOW - timedelta(days=400),
    datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # the night summer time starts
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # the night it ends
]

MESSAGES = {
    "ar": "مرحبا، هل يمكننا أن نلتقي غدا؟ <b>شكرا</b> & أهلا",
    "fa_AF": "سلام، آیا فردا می توانیم همدیگر را ببینیم؟",
    "da": "Hej, kan vi mødes i morgen? Tak & hilsen <3",
    "en": 'Hello, can we meet tomorrow? "Thanks" & <regards>',
}
APPOINTMENT = {
    "starts_at": "2026-12-01T09:00:00+00:00",
    "place": "Beboerhuset <Syd>",
    "with_whom": "caseworker",
    "interpreter": "ar",
    "needs": ["needs_childcare", "needs_transport"],
}


class _Clock(type):
    def __instancecheck__(cls, value):
        return isinstance(value, datetime)


class FrozenDatetime(datetime, metaclass=_Clock):
    """`datetime` as webapp.dates sees it: now is NOW; every other datetime is still one."""

    @classmethod
    def now(cls, tz=None):
        return NOW.astimezone(tz) if tz else NOW.replace(tzinfo=None)


def entries_of_every_kind(resident_id: int, advisor_id: int) -> list[tuple]:
    """(kind, by the resident, body, data, seen, heard): every kind, and the variants its partial tells apart."""
    said = phrases.PHRASES
    rows = []
    for body in MESSAGES.values():
        rows += [("message", True, body, None, True, False), ("message", False, body, None, False, False)]
    rows += [
        (
            "phrase",
            False,
            None,
            phrases.stored(said["meet_at"], on=date(2026, 12, 3), at=time(10, 30), place="Café & Co"),
            False,
            False,
        ),
        ("phrase", False, "Og husk kaffe", phrases.stored(said["call_tomorrow"]), False, False),
        ("phrase", True, None, phrases.stored(said[phrases.URGENT[0]]), True, False),
        ("phrase", False, None, {"phrase": "write_when_ready", "version": 1, "params": {}}, False, False),
        ("phrase", False, None, {"phrase": "no_such_phrase", "version": 9, "params": {}}, False, False),
        ("voice", True, None, {"audio": "a1", "seconds": 65.4, "type": "audio/webm"}, True, True),
        ("voice", True, None, {"audio": "a3", "seconds": 8, "type": "audio/webm"}, False, False),
        ("voice", False, None, {"audio": "a2", "seconds": 3, "type": "audio/webm"}, False, True),
        ("advisor_changed", False, None, {"advisor_name": "Mette <S>", "advisor_username": "adv2"}, False, False),
        ("advisor_changed", False, None, {"advisor_name": "Mette"}, False, False),
        (
            "phone_set_up",
            True,
            None,
            {"made_by_name": "Karin", "made_by_username": "coord", "device": "android_phone", "new_pin": True},
            False,
            False,
        ),
        (
            "phone_set_up",
            True,
            None,
            {"made_by_name": "Karin", "made_by_username": "coord", "device": "iphone", "new_pin": False},
            False,
            False,
        ),
        ("phone_set_up", True, None, {"device": "iphone", "new_pin": False}, False, False),
        ("phone_set_up", True, None, {"device": "android_phone", "new_pin": True}, False, False),
        ("checkin", True, "Træt i dag", {"mood": 2, "replaced": True, "wants_contact": True}, True, False),
        ("checkin", True, None, {"mood": 5, "replaced": False}, False, False),
        ("contact_made", False, None, {"how": "sms"}, False, False),
        ("barrier_added", True, "Bussen kører ikke", {"key": "transport"}, True, False),
        ("barrier_status", True, None, {"key": "childcare", "status": "better"}, True, False),
        ("barrier_seen", False, None, {"key": "transport"}, False, False),
        ("barrier_removed", True, None, {"key": "danish"}, True, False),
        (
            "goal_added",
            True,
            None,
            {"kind": "job", "words": "Lager <arbejde>", "hours": 20, "month": "2027-03-01"},
            True,
            False,
        ),
        ("goal_changed", False, None, {"kind": "education", "words": None, "hours": 1, "month": None}, False, False),
        (
            "goal_changed",
            False,
            None,
            {"kind": "own", "words": None, "hours": None, "month": "2027-01-01"},
            False,
            False,
        ),
        ("goal_status", False, None, {"kind": "job", "words": None, "status": "reached"}, False, False),
        ("goal_comment", False, "Godt gået", {"kind": "job", "words": None}, False, False),
        ("step_added", True, None, {"kind": "own", "words": "x"}, True, False),
        ("step_done", True, None, {"kind": "health", "words": "x"}, True, False),
        ("appointment_added", False, None, APPOINTMENT, False, False),
        (
            "appointment_moved",
            False,
            None,
            {**APPOINTMENT, "interpreter": None, "needs": [], "previous_starts_at": "2026-11-30T09:00:00+00:00"},
            False,
            False,
        ),
        ("appointment_cancelled", False, None, APPOINTMENT, False, False),
        ("appointment_restored", False, None, APPOINTMENT, False, False),
        (
            "appointment_answered",
            True,
            "Jeg er syg",
            {**APPOINTMENT, "response": "cant_come", "reason": "sick", "words": "Beklager"},
            True,
            False,
        ),
        ("appointment_answered", True, None, {**APPOINTMENT, "response": "coming"}, True, False),
        ("appointment_outcome", False, None, {**APPOINTMENT, "outcome": "attended"}, False, False),
        (
            "situation",
            False,
            None,
            {
                "key": "work",
                "name": "In work",
                "category": "work",
                "starts_on": "2026-10-01",
                "hours": 20,
                "employer": "Netto",
            },
            False,
            False,
        ),
        (
            "situation",
            False,
            None,
            {
                "key": "course",
                "name": "Course",
                "category": "other",
                "starts_on": "2026-10-01",
                "hours": 1,
                "employer": None,
            },
            False,
            False,
        ),
        (
            "situation",
            False,
            None,
            {
                "key": None,
                "name": "Own <thing>",
                "category": "other",
                "starts_on": "2026-10-01",
                "hours": None,
                "employer": "Føtex",
            },
            False,
            False,
        ),
        (
            "situation",
            False,
            None,
            {
                "key": None,
                "name": "Own <thing>",
                "category": "other",
                "starts_on": "2026-10-01",
                "hours": None,
                "employer": None,
            },
            False,
            False,
        ),
        (
            "follow_up",
            False,
            None,
            {
                "key": "education",
                "name": "In education",
                "category": "education",
                "starts_on": "2026-09-01",
                "hours": 5,
                "months": 3,
            },
            False,
            False,
        ),
        (
            "follow_up",
            False,
            None,
            {
                "key": "work",
                "name": "In work",
                "category": "work",
                "starts_on": "2026-09-01",
                "hours": None,
                "months": 1,
            },
            False,
            False,
        ),
    ]
    return rows


def make_timeline(app, locale: str, advisor_locale: str) -> int:
    """A resident writing in `locale` with an advisor reading in `advisor_locale`, and entries of every kind."""
    with app.app_context(), new_session() as session:
        advisor = make_user(session, "advisor1", Role.ADVISOR, locale=advisor_locale, display_name="Mette <S>")
        resident = make_user(
            session, "resident1", Role.RESIDENT, advisor=advisor, locale=locale, display_name="فاطمة & Co"
        )
        resident_id, advisor_id = resident.id, advisor.id
        for n, (kind, mine, body, data, seen, heard) in enumerate(entries_of_every_kind(resident_id, advisor_id)):
            at = MOMENTS[n % len(MOMENTS)]
            session.add(
                Entry(
                    resident_id=resident_id,
                    author_id=resident_id if mine else advisor_id,
                    kind=kind,
                    body=body,
                    data=data,
                    created_at=at,
                    seen_at=at + timedelta(minutes=5) if seen else None,
                    heard_at=at + timedelta(minutes=6) if heard else None,
                    idempotency_key=f"golden-{n}",
                )
            )
        session.commit()
    return resident_id


def caseload_rows() -> list[CaseloadRow]:
    """Rows with every reason and every line a row can show, since moments on both sides of the boundaries."""
    follow_up = FollowUpDue(months=3, category="education", hours=10, asks_hours=True)
    work = FollowUpDue(months=1, category="work", hours=None, asks_hours=False)
    reasons = ["urgent", "contact", "waiting", "told", "low_mood", "appointment", "barrier", "quiet"]
    rows = []
    for n, moment in enumerate(MOMENTS):
        rows.append(
            CaseloadRow(
                resident_id=100 + n,
                display_name=f"Beboer <{n}> & ماریا",
                waiting=n,
                waiting_since=moment,
                last_activity=moment,
                reasons=reasons[n % len(reasons) :] if n % 3 else [],
                since={reason: moment - timedelta(hours=n) for reason in reasons} | {"follow_up": moment.date()},
                urgent_phrase=phrases.URGENT[n % len(phrases.URGENT)],
                told_phrase=phrases.TOLD[n % len(phrases.TOLD)] if n % 2 else phrases.URGENT[n % len(phrases.URGENT)],
            )
        )
    rows += [
        CaseloadRow(200, "Ny", 0, None, None),
        CaseloadRow(
            201, "Holder op", 0, None, MOMENTS[2], closed=True, stopped_at=MOMENTS[1], deleted_on=date(2026, 12, 24)
        ),
        CaseloadRow(202, "Lukket", 0, None, None, closed=True, deleted_on=date(2027, 1, 2)),
        CaseloadRow(
            203,
            "Følges op",
            0,
            None,
            MOMENTS[5],
            reasons=["follow_up"],
            since={"follow_up": date(2026, 11, 22)},
            follow_up=follow_up,
        ),
        CaseloadRow(
            204,
            "Arbejde",
            1,
            MOMENTS[3],
            MOMENTS[3],
            reasons=["follow_up", "waiting"],
            since={"follow_up": date(2026, 5, 1), "waiting": MOMENTS[3]},
            follow_up=work,
        ),
    ]
    return rows


def entries_section(html: str) -> str:
    """The list of entries, with what differs on every request (the once-keys of forms) made the same."""
    section = re.search(r'<ol id="entries".*?</ol>', html, re.S).group(0)
    section = re.sub(r'name="idempotency_key" value="[0-9a-f]{32}"', 'name="idempotency_key" value="KEY"', section)
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value="CSRF"', section)


def phrase_book(html: str) -> str:
    return re.search(r'<details class="phrasebook".*?</details>', html, re.S).group(0)


def caseload_section(html: str) -> str:
    section = re.search(r'<div id="caseload">.*</div>', html, re.S).group(0)
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value="CSRF"', section)


def rendered_timelines(app, locale: str, advisor_locale: str) -> dict[str, str]:
    """The resident's home and the advisor's page of them, as the entries read on each."""
    resident_id = make_timeline(app, locale, advisor_locale)
    resident = app.test_client()
    pair_client(app, resident, "resident1")
    assert resident.post("/login", data={"pin": "4827"}).status_code == 303
    advisor = app.test_client()
    response = advisor.post("/login/staff", data={"username": "advisor1", "password": "a-long-staff-password"})
    assert response.status_code == 303
    home = resident.get("/me/")
    # Opened again, the entries' HTML kept from the first time (timeline/display.py) reads the same.
    again = resident.get("/me/").get_data(as_text=True)
    assert entries_section(again) == entries_section(home.get_data(as_text=True))
    page = advisor.get(f"/advisor/residents/{resident_id}")  # (marks the resident's entries seen)
    assert home.status_code == page.status_code == 200
    return {
        f"home-{locale}-{advisor_locale}": entries_section(home.get_data(as_text=True)),
        f"advisor-{locale}-{advisor_locale}": entries_section(page.get_data(as_text=True)),
        f"phrasebook-home-{locale}-{advisor_locale}": phrase_book(home.get_data(as_text=True)),
        f"phrasebook-advisor-{locale}-{advisor_locale}": phrase_book(page.get_data(as_text=True)),
    }


def rendered_caseload(app, locale: str) -> str:
    from flask import render_template
    from flask_babel import force_locale

    rows = caseload_rows()
    original = advising.caseload
    advising.caseload = lambda db, advisor: rows
    try:
        with app.test_request_context(), force_locale(locale):
            advisor = type("Advisor", (), {"housing_area_id": None})()
            template, context = caseload_page.caseload_page(None, advisor, list_only=True)
            html = caseload_section(render_template(template, **context))
            # Written again, the rows' HTML kept from the first time (advisor/caseload_rows.py) reads the same.
            assert caseload_section(render_template(template, **context)) == html
            return html
    finally:
        advising.caseload = original


COMBINATIONS = [(locale, locale) for locale in LOCALES] + [("fa_AF", "da"), ("ar", "en")]


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(dates, "datetime", FrozenDatetime)


@pytest.fixture
def long_pages(database_url):
    from .conftest import make_app

    app = make_app(database_url, TIMELINE_PAGE_SIZE=100)
    yield app
    app.extensions["db_engine"].dispose()


@pytest.mark.parametrize(("locale", "advisor_locale"), COMBINATIONS)
def test_entries_read_as_before(long_pages, frozen, locale, advisor_locale):
    for name, html in rendered_timelines(long_pages, locale, advisor_locale).items():
        assert html == (FIXTURES / f"{name}.html").read_text(encoding="utf-8"), name


@pytest.mark.parametrize("locale", LOCALES)
def test_caseload_rows_read_as_before(app, frozen, locale):
    assert rendered_caseload(app, locale) == (FIXTURES / f"caseload-{locale}.html").read_text(encoding="utf-8")


def write_fixtures(folder: Path) -> None:
    """The fixtures, from the code on PYTHONPATH (see the module's docstring)."""
    import tempfile

    from alembic import command

    from webapp import create_app
    from webapp.cli import alembic_config

    folder.mkdir(parents=True, exist_ok=True)
    dates.datetime = FrozenDatetime
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SECRET_PEPPER": "test-pepper",
        "ARGON2_MEMORY_KIB": 1024,
        "ARGON2_TIME_COST": 1,
        "WTF_CSRF_ENABLED": False,
        "STAFF_SECOND_FACTOR": False,
        "TIMELINE_PAGE_SIZE": 100,
    }
    for locale, advisor_locale in COMBINATIONS:
        url = f"sqlite:///{tempfile.mkdtemp()}/golden.sqlite3"
        command.upgrade(alembic_config(url), "head")
        app = create_app({**config, "DATABASE_URL": url, "AUDIO_DIR": tempfile.mkdtemp()})
        for name, html in rendered_timelines(app, locale, advisor_locale).items():
            (folder / f"{name}.html").write_text(html, encoding="utf-8")
        if locale == advisor_locale:
            (folder / f"caseload-{locale}.html").write_text(rendered_caseload(app, locale), encoding="utf-8")


if __name__ == "__main__":
    write_fixtures(Path(sys.argv[1]))
