from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from webapp.models import Entry, Role
from webapp.timeline import activity

from .conftest import page_text
from .factories import make_user, rows, run, write


def backdate(app, entry, hours):
    """Rewrite when an entry was written, as a repair would: with SQL, then rebuild the summary."""

    def change(session):
        session.execute(
            update(Entry).where(Entry.id == entry.id).values(created_at=entry.created_at - timedelta(hours=hours))
        )
        session.commit()
        activity.rebuild(session)

    run(app, change)


def test_caseload_puts_those_waiting_longest_first_and_shows_count(app, auth, accounts):
    extra = run(
        app, make_user, username="resident9", role=Role.RESIDENT, advisor=accounts.advisor1, display_name="Zainab"
    )
    # resident1: answered; resident2: one waiting for 2 hours; Zainab: two waiting, first for 5 hours.
    write(app, accounts.resident1, accounts.resident1, "Question")
    write(app, accounts.resident1, accounts.advisor1, "Answer")
    backdate(app, write(app, accounts.resident2, accounts.resident2, "Waiting a bit"), 2)
    backdate(app, write(app, extra, extra, "Waiting long"), 5)
    write(app, extra, extra, "Still waiting")
    text = page_text(auth.client_for("advisor1").get("/advisor/"))
    assert text.index("Zainab") < text.index("مریم") < text.index("فاطمة")
    assert "2 entries wait for an answer" in text
    assert "1 entry waits for an answer" in text
    assert "Nothing waiting" in text


def test_a_reply_takes_a_resident_off_the_waiting_list(app, auth, accounts):
    write(app, accounts.resident1, accounts.resident1, "Hello")
    advisor = auth.client_for("advisor1")
    assert "1 entry waits" in page_text(advisor.get("/advisor/"))
    advisor.post(f"/residents/{accounts.resident1.id}/entries", data={"body": "Hej!", "idempotency_key": "a" * 32})
    assert "waits" not in page_text(advisor.get("/advisor/"))


def test_caseload_shows_only_the_advisors_own_residents(auth, accounts):
    text = page_text(auth.client_for("advisor1").get("/advisor/"))
    assert "فاطمة" in text and "مریم" in text and "Grace" not in text
    other = page_text(auth.client_for("advisor2").get("/advisor/"))
    assert "Grace" in other and "فاطمة" not in other


def test_advisor_cannot_open_another_advisors_resident(auth, accounts):
    advisor = auth.client_for("advisor2")
    assert advisor.get(f"/advisor/residents/{accounts.resident1.id}").status_code == 404


# name: what happened → the reasons shown on the row. The rows must come in this order.
SITUATIONS = [
    ("Asks for contact", "very bad check-in today, asked to be contacted", ["contact", "low_mood"]),
    ("Waiting long", "two messages, the first 5 hours ago", ["waiting"]),
    ("Started working", "said 'I started working' 2 hours ago", ["waiting", "told"]),
    ("Waiting short", "one message an hour ago", ["waiting"]),
    ("Two bad days", "bad check-ins 10 and 9 days ago, none since", ["low_mood"]),
    ("Bad day", "a bad check-in 3 days ago", ["low_mood"]),
    ("Cannot come", "answered 'I can't come' to an appointment", ["appointment"]),
    ("New barrier", "recorded a barrier the advisor has not seen", ["barrier"]),
    ("Follow up", "started in work a month ago today", ["follow_up"]),
    ("Quiet", "last check-in 20 days ago", ["quiet"]),
    ("All well", "good check-in today, message answered", []),
]


def build_situation(session, advisor, name):
    from sqlmodel import select

    from webapp.models import (
        Appointment,
        Barrier,
        CheckIn,
        ContactRequest,
        ResidentSituation,
        Role,
        Situation,
        User,
        utcnow,
    )
    from webapp.outcomes.situations import add_months
    from webapp.records.checkins import today

    now = utcnow()
    resident = User(
        username=name.lower().replace(" ", "-"),
        display_name=name,
        role=Role.RESIDENT,
        secret_hash="x",
        advisor_id=advisor.id,
        created_at=now - timedelta(days=30),
    )
    session.add(resident)
    session.flush()

    def message(author, hours_ago):
        session.add(
            Entry(
                resident_id=resident.id,
                author_id=author.id,
                kind="message",
                body="…",
                created_at=now - timedelta(hours=hours_ago),
            )
        )

    def checkin(days_ago, mood, contact=False):
        at = now - timedelta(days=days_ago)
        session.add(
            checkin := CheckIn(
                resident_id=resident.id, day=at.date(), mood=mood, wants_contact=contact, created_at=at, updated_at=at
            )
        )
        if contact:
            session.flush()
            session.add(ContactRequest(resident_id=resident.id, checkin_id=checkin.id, asked_at=at))

    recent_checkin = True
    if name == "Asks for contact":
        checkin(0, 1, contact=True)
    elif name == "Waiting long":
        message(resident, 5)
        message(resident, 4)
    elif name == "Waiting short":
        message(resident, 1)
    elif name == "Two bad days":
        checkin(10, 2)
        checkin(9, 1)
        recent_checkin = False
    elif name == "Bad day":
        checkin(3, 2)
    elif name == "Cannot come":
        session.add(
            Appointment(
                resident_id=resident.id,
                created_by=advisor.id,
                starts_at=now + timedelta(days=2),
                place="Beboerhuset",
                with_whom="advisor",
                response="cant_come",
                version=2,
                response_version=2,
                updated_at=now - timedelta(hours=2),
            )
        )
    elif name == "Started working":
        session.add(
            Entry(
                resident_id=resident.id,
                author_id=resident.id,
                kind="phrase",
                created_at=now - timedelta(hours=2),
                data={"phrase": "started_working", "version": 1, "params": {}},
            )
        )
    elif name == "New barrier":
        session.add(Barrier(resident_id=resident.id, key="transport", created_at=now - timedelta(hours=3)))
    elif name == "Follow up":
        work = session.exec(select(Situation).where(Situation.key == "work")).one()
        began = add_months(today(), -1)
        session.add(
            ResidentSituation(
                resident_id=resident.id,
                situation_id=work.id,
                starts_on=began,
                run_starts_on=began,
                hours_per_week=20,
                recorded_by=advisor.id,
                recorded_at=now - timedelta(days=30),
            )
        )
    elif name == "Quiet":
        checkin(20, 4)
        recent_checkin = False
    elif name == "All well":
        message(resident, 6)
        message(advisor, 5)
    if recent_checkin and name not in ("Asks for contact", "Bad day"):
        checkin(1, 4)
    return resident


def test_caseload_orders_residents_by_need_with_reasons(app, accounts):
    from webapp.advisor.services import caseload

    def build(session):
        for name, _story, _reasons in reversed(SITUATIONS):
            build_situation(session, accounts.advisor2, name)
        session.commit()

    run(app, build)
    with app.test_request_context():
        found = run(app, caseload, advisor=accounts.advisor2)
    got = [(row.display_name, row.reasons) for row in found if row.display_name != "Grace"]
    assert got == [(name, reasons) for name, _story, reasons in SITUATIONS]


def test_moving_the_appointment_clears_the_reason(auth, accounts):
    from webapp.models import Appointment, utcnow
    from webapp.records.forms import COPENHAGEN

    def build(session):
        build_situation(session, accounts.advisor2, "Cannot come")
        session.commit()

    run(auth.app, build)
    advisor = auth.client_for("advisor2")
    assert "Asked to move or cannot come to an appointment" in page_text(advisor.get("/advisor/"))
    (appointment,) = rows(auth.app, Appointment)
    later = (utcnow() + timedelta(days=5)).astimezone(COPENHAGEN).strftime("%Y-%m-%dT%H:%M")
    advisor.post(
        f"/residents/{appointment.resident_id}/appointments/{appointment.id}/move",
        data={"starts_at": later, "place": "Beboerhuset", "version": appointment.version},
    )
    assert "Asked to move or cannot come" not in page_text(advisor.get("/advisor/"))


def test_every_reason_of_need_has_words_and_an_icon():
    from webapp.advisor.services import REASONS
    from webapp.pages.caseload import REASON_ICONS, REASON_LABELS

    assert set(REASON_LABELS) == set(REASON_ICONS) == set(REASONS)


def say(client, resident, phrase: str):
    import uuid

    return client.post(
        f"/residents/{resident.id}/entries", data={"phrase": phrase, "idempotency_key": uuid.uuid4().hex}
    )


def record_situation(app, resident, advisor, key: str):
    import uuid

    from sqlmodel import select

    from webapp.models import Situation
    from webapp.outcomes import situations
    from webapp.records.checkins import today

    def go(session):
        situation = session.exec(select(Situation).where(Situation.key == key)).one()
        situations.record(
            session,
            resident=resident,
            advisor=advisor,
            situation=situation,
            starts_on=today(),
            hours=None,
            employer=None,
            idempotency_key=uuid.uuid4().hex,
        )

    run(app, go)


def test_i_lost_my_job_puts_the_resident_first_on_the_same_advisors_caseload(auth, accounts):
    from webapp.models import User

    def build(session):
        for name in ("Asks for contact", "Waiting long", "New barrier", "Quiet"):
            build_situation(session, accounts.advisor1, name)
        session.commit()

    run(auth.app, build)
    assert say(auth.client_for("resident1"), accounts.resident1, "lost_job").status_code == 303
    text = page_text(auth.client_for("advisor1").get("/advisor/"))
    lost = "Says: “I lost my job”"
    assert lost in text
    first_name = min(text.find(name) for name in ("فاطمة", "Asks for contact", "Waiting long", "New barrier", "Quiet"))
    assert first_name == text.find("فاطمة") < text.find(lost)
    # They stay this advisor's resident: not moved, not on anyone else's caseload.
    assert rows(auth.app, User, User.id == accounts.resident1.id)[0].advisor_id == accounts.advisor1.id
    assert "فاطمة" not in page_text(auth.client_for("advisor2").get("/advisor/"))


def test_after_an_answer_i_lost_my_job_still_asks_for_the_situation_until_it_is_recorded(auth, accounts):
    say(auth.client_for("resident1"), accounts.resident1, "lost_job")
    write(auth.app, accounts.resident1, accounts.advisor1, "Jeg ringer til dig i morgen.")
    advisor = auth.client_for("advisor1")
    text = page_text(advisor.get("/advisor/"))
    assert "Says: “I lost my job”" in text and "Record their situation" in text  # no longer urgent, still told
    record_situation(auth.app, accounts.resident1, accounts.advisor1, "nothing_yet")
    text = page_text(advisor.get("/advisor/"))
    assert "I lost my job" not in text and "Record their situation" not in text


def test_i_started_working_asks_the_advisor_to_record_the_situation_until_they_do(auth, accounts):
    say(auth.client_for("resident1"), accounts.resident1, "started_working")
    write(auth.app, accounts.resident1, accounts.advisor1, "Tillykke!")  # an answer does not end it
    advisor = auth.client_for("advisor1")
    assert "Says: “I started working” · Record their situation" in page_text(advisor.get("/advisor/"))
    record_situation(auth.app, accounts.resident1, accounts.advisor1, "work")
    assert "Record their situation" not in page_text(advisor.get("/advisor/"))


def test_a_situation_recorded_before_the_phrase_does_not_answer_it(auth, accounts):
    record_situation(auth.app, accounts.resident1, accounts.advisor1, "course")
    say(auth.client_for("resident1"), accounts.resident1, "started_education")
    assert "Says: “I started an education” · Record their situation" in page_text(
        auth.client_for("advisor1").get("/advisor/")
    )
