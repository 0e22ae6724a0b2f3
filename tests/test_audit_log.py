"""The coordinator's audit log (coordinator/audit_log.py): by person, newest first, paged."""

from __future__ import annotations

import re

from .conftest import page_text
from .factories import run
from .signup_helpers import area, newest_resident, sign_up  # noqa: F401 -- area is a fixture


def test_coordinator_reads_the_audit_log_by_person_newest_first(app, auth, accounts, area):
    sign_up(auth.client_for("volunteer1"), area)
    resident = newest_resident(app)
    coordinator = auth.client_for("coordinator")
    page = page_text(coordinator.get(f"/coordinator/audit?person={resident.username}"))
    assert page.index("QR code made") < page.index("Resident signed up")
    assert "Amina" in page and "Hawa Rahimi" in page and "Signed in" not in page
    assert "There is no account" in page_text(coordinator.get("/coordinator/audit?person=nobody"))


def test_audit_log_is_paged(app, auth, accounts):
    from webapp import audit

    def many(session):
        for _ in range(120):
            audit.record(session, "sign_in", actor=accounts.resident1, subject=accounts.resident1)
        session.commit()

    run(app, many)
    coordinator = auth.client_for("coordinator")
    first = coordinator.get("/coordinator/audit?person=resident1").get_data(as_text=True)
    older = re.search(r'href="(/coordinator/audit\?[^"]+before=\d+)"', first).group(1).replace("&amp;", "&")
    second = coordinator.get(older).get_data(as_text=True)
    assert first.count("<tr>") == 51 and second.count("<tr>") == 51


def test_a_persons_events_by_them_to_them_and_to_themselves_are_each_shown_once_newest_first(app, accounts):
    from webapp import audit
    from webapp.coordinator import audit_log
    from webapp.models import AuditEvent, User

    from .factories import rows

    pairs = [
        (accounts.resident1, accounts.resident1),
        (accounts.advisor1, accounts.resident1),
        (accounts.resident1, accounts.resident2),
        (accounts.advisor1, accounts.resident2),  # not resident1's
    ]

    def mixed(session):
        for n in range(130):
            actor, subject = pairs[n % 4]
            audit.record(session, "sign_in", actor=actor, subject=subject)
        session.commit()

    def page(session, before):
        return audit_log.events(session, person=session.get(User, accounts.resident1.id), before=before)

    run(app, mixed)
    shown, before = [], None
    while True:
        found, before = run(app, page, before=before)
        shown += [row.event.id for row in found]
        if before is None:
            break
    mine = [event.id for event in rows(app, AuditEvent) if accounts.resident1.id in (event.actor_id, event.subject_id)]
    assert len(mine) > 98 and shown == sorted(mine, reverse=True)
