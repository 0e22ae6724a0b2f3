from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from webapp.models import Entry, Role

from .conftest import page_text
from .factories import make_user, run, write


def backdate(app, entry, hours):
    def change(session):
        session.execute(update(Entry).where(Entry.id == entry.id).values(created_at=entry.created_at - timedelta(hours=hours)))
        session.commit()

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
