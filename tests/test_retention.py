"""The retention run keeps nothing longer than the consent text promises, and twice at once does the same.

The clock is moved by running at `now` + a period, one day before and one day after each edge.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import OperationalError

from webapp import retention
from webapp.dates import day_month
from webapp.models import AuditEvent, DeviceSession, Role, SignupDraft, User, utcnow

from .conftest import page_text
from .factories import make_user, rows, run, set_values, write
from .test_lockout_parallel import at_once

DAY = timedelta(days=1)
YEAR = timedelta(days=365)


def retention_run(app, shift: timedelta = timedelta(0)) -> retention.Done:
    return run(app, lambda session: retention.run(session, now=utcnow() + shift))


def exists(app, user: User) -> bool:
    return bool(rows(app, User, User.id == user.id))


def erased_lines(app) -> list[AuditEvent]:
    return [event for event in rows(app, AuditEvent) if event.action == "resident_erased"]


@pytest.mark.parametrize(("shift", "kept"), [(YEAR - DAY, True), (YEAR + DAY, False)])
def test_a_resident_with_no_sign_in_and_no_entry_for_a_year_is_erased(app, accounts, shift, kept):
    done = retention_run(app, shift)
    assert exists(app, accounts.resident1) is kept
    assert done.erased_away == (0 if kept else 3)
    assert exists(app, accounts.advisor1)  # staff are not erased this way


@pytest.mark.parametrize(("shift", "kept"), [(YEAR - DAY, True), (YEAR + DAY, False)])
def test_the_year_counts_from_the_newest_sign_in(auth, accounts, shift, kept):
    set_values(auth.app, User, User.id == accounts.resident1.id, created_at=utcnow() - 2 * YEAR)
    auth.client_for("resident1")
    retention_run(auth.app, shift)
    assert exists(auth.app, accounts.resident1) is kept


@pytest.mark.parametrize(("shift", "kept"), [(YEAR - DAY, True), (YEAR + DAY, False)])
def test_a_message_from_the_advisor_keeps_the_resident_a_year(app, accounts, shift, kept):
    set_values(app, User, User.id.in_([accounts.resident1.id, accounts.resident2.id]), created_at=utcnow() - 2 * YEAR)
    write(app, accounts.resident1, accounts.advisor1, "Hej, hvordan går det?")
    retention_run(app, shift)
    assert exists(app, accounts.resident1) is kept
    assert not exists(app, accounts.resident2)  # same age, no message


@pytest.mark.parametrize(("shift", "kept"), [(timedelta(days=29), True), (timedelta(days=31), False)])
def test_a_resident_who_stopped_is_erased_when_their_day_comes(app, accounts, shift, kept):
    now = utcnow()
    set_values(
        app, User, User.id == accounts.resident1.id, active=False, stopped_at=now, erase_after=now + timedelta(days=30)
    )
    done = retention_run(app, shift)
    assert exists(app, accounts.resident1) is kept
    assert (done.erased_on_date, done.erased_away, len(erased_lines(app))) == ((0, 0, 0) if kept else (1, 0, 1))
    assert exists(app, accounts.resident2)


@pytest.mark.parametrize(("shift", "cleared"), [(timedelta(days=89), False), (timedelta(days=91), True)])
def test_addresses_in_the_audit_log_are_cleared_after_90_days(auth, accounts, shift, cleared):
    auth.client_for("advisor1")
    (sign_in,) = [event for event in rows(auth.app, AuditEvent) if event.action == "sign_in"]
    assert sign_in.ip
    done = retention_run(auth.app, shift)
    (after,) = rows(auth.app, AuditEvent, AuditEvent.id == sign_in.id)
    assert (after.ip == "", done.addresses_cleared) == ((True, 1) if cleared else (False, 0))
    assert after.device == sign_in.device  # the kind of device stays: the phone list shows it


@pytest.mark.parametrize(("shift", "deleted"), [(2 * YEAR - DAY, False), (2 * YEAR + DAY, True)])
def test_sign_in_events_and_events_about_erased_residents_are_deleted_after_two_years(auth, accounts, shift, deleted):
    app = auth.app
    auth.client_for("advisor1").get(f"/advisor/residents/{accounts.resident1.id}")
    set_values(app, User, User.id == accounts.resident1.id, erase_after=utcnow() - DAY)
    retention_run(app)
    events = rows(app, AuditEvent)
    ids = {
        "sign_in": [e.id for e in events if e.action == "sign_in" and e.actor_id == accounts.advisor1.id],
        "file_opened": [e.id for e in events if e.action == "file_opened" and e.about_erased],
        "resident_erased": [e.id for e in events if e.action == "resident_erased"],
        "account_created": [
            e.id for e in events if e.action == "account_created" and e.subject_id == accounts.advisor1.id
        ],
    }
    assert all(len(found) == 1 for found in ids.values()), ids

    retention_run(app, shift)

    left = {event.id for event in rows(app, AuditEvent)}
    assert (ids["sign_in"][0] in left, ids["file_opened"][0] in left) == (not deleted, not deleted)
    # The line of the erasure stays for good, and so do staff's events that are not about signing in.
    assert ids["resident_erased"][0] in left and ids["account_created"][0] in left


@pytest.mark.parametrize(("shift", "deleted"), [(2 * YEAR - DAY, 0), (2 * YEAR + DAY, 1)])
def test_a_signed_in_browser_is_forgotten_two_years_after_its_session_ended(auth, accounts, shift, deleted):
    auth.client_for("advisor1")
    set_values(auth.app, DeviceSession, True, expires_at=utcnow())
    assert retention_run(auth.app, shift).sessions_deleted == deleted
    assert len(rows(auth.app, DeviceSession)) == 1 - deleted


@pytest.mark.parametrize(("shift", "deleted"), [(timedelta(minutes=59), 0), (timedelta(minutes=61), 1)])
def test_an_unfinished_sign_up_is_deleted_after_an_hour(auth, accounts, shift, deleted):
    auth.client_for("volunteer1").post("/volunteer/new", data={"locale": "en"})
    assert retention_run(auth.app, shift).sign_ups_deleted == deleted
    assert len(rows(auth.app, SignupDraft)) == 1 - deleted


def test_the_run_prints_counts_and_no_names(app, accounts):
    set_values(
        app,
        User,
        User.id == accounts.resident1.id,
        active=False,
        stopped_at=utcnow() - 31 * DAY,
        erase_after=utcnow() - DAY,
    )
    set_values(app, AuditEvent, AuditEvent.action == "account_created", at=utcnow() - 100 * DAY, ip="10.1.2.3")
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "Residents erased: 1 (erase date reached: 1, away 12 months: 0) · addresses cleared: 7"
        " · audit events deleted: 0 · ended sign-ins deleted: 0 · unfinished sign-ups deleted: 0"
    )
    assert not exists(app, accounts.resident1)
    again = app.test_cli_runner().invoke(args=["retention", "run"])
    assert again.stdout.strip() == (
        "Residents erased: 0 (erase date reached: 0, away 12 months: 0) · addresses cleared: 0"
        " · audit events deleted: 0 · ended sign-ins deleted: 0 · unfinished sign-ups deleted: 0"
    )


LEAVING = 10


def test_two_runs_at_once_erase_each_resident_once_and_together_do_what_one_would(app, accounts):
    leaving = [
        run(app, make_user, username=f"leaving{n}", role=Role.RESIDENT, advisor=accounts.advisor1)
        for n in range(LEAVING)
    ]
    set_values(app, User, User.id.in_([user.id for user in leaving]), erase_after=utcnow() - DAY)
    set_values(app, User, User.id == accounts.resident3.id, created_at=utcnow() - 2 * YEAR)
    set_values(app, AuditEvent, AuditEvent.action == "account_created", at=utcnow() - 100 * DAY, ip="10.1.2.3")
    write(app, accounts.resident1, accounts.resident1, "Still here")
    write(app, accounts.resident2, accounts.advisor1, "Still here")

    both = at_once(lambda n: retention_run(app, 100 * DAY), 2)

    assert sum(done.erased_on_date for done in both) == LEAVING and sum(done.erased_away for done in both) == 1
    assert sum(done.addresses_cleared for done in both) == 7  # the 5 staff's and resident1's and resident2's creation
    assert len(erased_lines(app)) == LEAVING + 1
    assert {user.username for user in rows(app, User) if user.role == "resident"} == {"resident1", "resident2"}
    assert retention_run(app, 100 * DAY) == retention.Done()


def test_the_caseload_says_when_a_resident_will_be_deleted_from_eleven_months(auth, accounts):
    app = auth.app
    created = {
        accounts.resident1.id: utcnow() - (YEAR - 30 * DAY) - DAY,
        accounts.resident2.id: utcnow() - (YEAR - 30 * DAY) + DAY,
    }
    for resident_id, at in created.items():
        set_values(app, User, User.id == resident_id, created_at=at)
    page = page_text(auth.client_for("advisor1").get("/advisor/"))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        due = day_month(created[accounts.resident1.id] + YEAR)
    assert page.count("Will be deleted on") == 1
    assert f"{accounts.resident1.display_name} Will be deleted on {due}" in page


def test_the_caseload_shows_a_resident_who_wants_to_stop_and_when_they_go(auth, accounts):
    app = auth.app
    stopped = utcnow() - 2 * DAY
    set_values(
        app, User, User.id == accounts.resident1.id, active=False, stopped_at=stopped, erase_after=stopped + 30 * DAY
    )
    set_values(app, User, User.id == accounts.resident2.id, active=False)  # closed, not leaving: not shown
    page = page_text(auth.client_for("advisor1").get("/advisor/"))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        due = day_month(stopped + 30 * DAY)
    assert f"{accounts.resident1.display_name} Wants to stop · since" in page
    assert f"Will be deleted on {due}" in page
    assert accounts.resident2.display_name not in page
    assert "Nothing waiting" not in page


def test_a_step_ended_by_a_deadlock_is_tried_again_and_other_errors_are_not(app):
    class Deadlock(Exception):
        sqlstate = retention.DEADLOCK

    tries = []

    def step():
        tries.append(1)
        if len(tries) == 1:
            raise OperationalError("UPDATE audit_events …", {}, Deadlock())
        return "done"

    assert run(app, lambda session: retention._retried(session, step)) == "done" and len(tries) == 2

    def broken():
        raise OperationalError("UPDATE audit_events …", {}, Exception("disk full"))

    with pytest.raises(OperationalError):
        run(app, lambda session: retention._retried(session, broken))
