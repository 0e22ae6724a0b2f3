from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from webapp.timeline import activity
from webapp.models import Entry, Role

from .conftest import page_text
from .factories import make_user, rows, run, write


def backdate(app, entry, hours):
    """Rewrite when an entry was written, as a repair would: with SQL, then rebuild the summary."""
    def change(session):
        session.execute(update(Entry).where(Entry.id == entry.id).values(created_at=entry.created_at - timedelta(hours=hours)))
        session.commit()
        activity.rebuild(session)

    run(app, change)


def test_caseload_puts_those_waiting_longest_first_and_shows_count(app, auth, accounts):
    extra = run(app, make_user, username="resident9", role=Role.RESIDENT, advisor=accounts.advisor1, display_name="Zainab")
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
    ("Waiting short", "one message an hour ago", ["waiting"]),
    ("Two bad days", "bad check-ins 10 and 9 days ago, none since", ["low_mood"]),
    ("Bad day", "a bad check-in 3 days ago", ["low_mood"]),
    ("Cannot come", "answered 'I can't come' to an appointment", ["appointment"]),
    ("New barrier", "recorded a barrier the advisor has not seen", ["barrier"]),
    ("Quiet", "last check-in 20 days ago", ["quiet"]),
    ("All well", "good check-in today, message answered", []),
]


def build_situation(session, advisor, name):
    from webapp.models import Appointment, Barrier, CheckIn, ContactRequest, Role, User, utcnow

    now = utcnow()
    resident = User(username=name.lower().replace(" ", "-"), display_name=name, role=Role.RESIDENT, secret_hash="x",
                    advisor_id=advisor.id, created_at=now - timedelta(days=30))
    session.add(resident)
    session.flush()

    def message(author, hours_ago):
        session.add(Entry(resident_id=resident.id, author_id=author.id, kind="message", body="…",
                          created_at=now - timedelta(hours=hours_ago)))

    def checkin(days_ago, mood, contact=False):
        at = now - timedelta(days=days_ago)
        session.add(checkin := CheckIn(resident_id=resident.id, day=at.date(), mood=mood, wants_contact=contact,
                                       created_at=at, updated_at=at))
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
        session.add(Appointment(resident_id=resident.id, created_by=advisor.id, starts_at=now + timedelta(days=2),
                                place="Beboerhuset", with_whom="advisor", response="cant_come", version=2,
                                response_version=2, updated_at=now - timedelta(hours=2)))
    elif name == "New barrier":
        session.add(Barrier(resident_id=resident.id, key="transport", created_at=now - timedelta(hours=3)))
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
    advisor.post(f"/residents/{appointment.resident_id}/appointments/{appointment.id}/move",
                 data={"starts_at": later, "place": "Beboerhuset", "version": appointment.version})
    assert "Asked to move or cannot come" not in page_text(advisor.get("/advisor/"))


def test_every_reason_of_need_has_words_and_an_icon():
    from webapp.advisor.services import REASONS
    from webapp.pages.caseload import REASON_ICONS, REASON_LABELS

    assert set(REASON_LABELS) == set(REASON_ICONS) == set(REASONS)
