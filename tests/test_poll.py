"""The poll that finds nothing new, answered before the framework (webapp/timeline/poll.py): a bare 204 from one
statement in autocommit, and in every other case the answer the view's path gives, refusals included."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.orm.exc import DetachedInstanceError

from webapp.auth import leaving, pairing
from webapp.db import from_row
from webapp.models import DeviceSession, Entry, TrustedDevice, User, utcnow
from webapp.timeline import poll

from .conftest import make_app
from .factories import (
    STAFF_PASSWORD,
    counted_queries,
    engines_of,
    make_accounts,
    pair_client,
    register_tablet,
    rows,
    run,
    set_values,
    write,
)

HTMX = {"HX-Request": "true"}
FAR_AHEAD = 2**31 - 1  # "after" the newest entry: nothing new


def poll_of(client, resident: User, **query):
    return client.get(f"/residents/{resident.id}/updates", query_string={"after": FAR_AHEAD, **query}, headers=HTMX)


@contextmanager
def usual_path_only(app):
    """The view's path alone, as before the poll's own check existed."""
    checks = app.before_request_funcs[None]
    at = checks.index(poll.answer_nothing_new)
    checks.remove(poll.answer_nothing_new)
    try:
        yield
    finally:
        checks.insert(at, poll.answer_nothing_new)


def as_the_usual_path(app, client, resident: User, **query):
    """The poll's answer, and the usual path's to the same request, as (status, HX-Redirect, Location)."""
    seen = poll_of(client, resident, **query)
    with usual_path_only(app):
        usual = poll_of(client, resident, **query)
    return tuple(
        (each.status_code, each.headers.get("HX-Redirect"), each.headers.get("Location")) for each in (seen, usual)
    )


# What each check run after the poll's for every request does with a poll, so a new one has to be placed here.
AFTER_THE_POLL = {
    "webapp.db.take_connection": "the poll reads on its own connection; one that fails sends it on to this",
    "flask_wtf.csrf.CSRFProtect.init_app.<locals>.csrf_protect": "GET and HEAD are never checked",
    "webapp.i18n.switch_language_from_query": "?lang= is sent on",
    "webapp.auth.second_factor.views.ask_second_factor": "asked: a staff sign-in still half done is sent on",
    "webapp.resident.views.ask_consent_again": "asked: a resident asked to agree again is sent on",
}


def test_every_check_after_the_poll_is_one_it_answers_for(app):
    checks = app.before_request_funcs
    everyone = [f"{check.__module__}.{check.__qualname__}" for check in checks[None]]
    after = everyone[everyone.index("webapp.timeline.poll.answer_nothing_new") + 1 :]
    assert after == list(AFTER_THE_POLL)
    assert not checks.get("timeline") and not app.url_value_preprocessors.get("timeline")


def test_the_checks_before_the_poll_are_the_request_id_and_the_refusals_of_every_request(app):
    everyone = [check.__qualname__ for check in app.before_request_funcs[None]]
    assert everyone[: everyone.index("answer_nothing_new")] == [
        "allow_upload_size",
        "assign_request_id",
        "refuse_long_addresses",
        "refuse_nul_characters",
    ]


def statements_and_transactions(app):
    """Every statement either engine sends, BEGIN included, and whether its connection was in a transaction."""
    sent: list[tuple[str, bool]] = []

    def note(conn, _cursor, statement, *_args):
        raw = conn.connection.dbapi_connection
        busy = raw.in_transaction if hasattr(raw, "in_transaction") else raw.info.transaction_status.name != "IDLE"
        sent.append((statement.split()[0].upper(), busy))

    for engine in engines_of(app):
        event.listen(engine, "after_cursor_execute", note)
    return sent


def test_nothing_new_is_a_204_from_one_statement_outside_any_transaction(app, auth, accounts):
    phone = auth.client_for("resident1")
    poll_of(phone, accounts.resident1)
    taken = []
    event.listen(app.extensions["db_engine"], "checkout", lambda *_args: taken.append(1))
    sent = statements_and_transactions(app)

    response = poll_of(phone, accounts.resident1)

    assert response.status_code == 204
    assert sent == [("SELECT", False)]
    assert taken == []  # the request's engine gave out no connection: no ping, BEGIN or ROLLBACK there


def test_the_204_carries_no_cookie_no_policy_and_no_page_headers(auth, accounts):
    advisor = auth.client_for("advisor1")

    response = poll_of(advisor, accounts.resident1)

    assert response.status_code == 204 and response.get_data() == b""
    assert set(response.headers.keys()) == {"X-Request-Id", "Cache-Control"}
    assert response.headers["Cache-Control"] == "no-store"


def test_a_head_is_answered_as_a_get(auth, accounts):
    phone = auth.client_for("resident1")
    response = phone.head(f"/residents/{accounts.resident1.id}/updates?after={FAR_AHEAD}", headers=HTMX)
    assert response.status_code == 204 and "Set-Cookie" not in response.headers


def test_the_poll_does_not_keep_an_idle_staff_sign_in_alive(app, auth, accounts):
    advisor = auth.client_for("advisor1")
    earlier = utcnow() - timedelta(minutes=10)
    set_values(app, DeviceSession, DeviceSession.user_id == accounts.advisor1.id, last_seen_at=earlier)

    assert poll_of(advisor, accounts.resident1).status_code == 204

    (record,) = rows(app, DeviceSession, DeviceSession.user_id == accounts.advisor1.id)
    assert record.last_seen_at == earlier
    advisor.get("/account")  # a page does note it: the setting above can show a change
    (record,) = rows(app, DeviceSession, DeviceSession.user_id == accounts.advisor1.id)
    assert record.last_seen_at > earlier


def test_something_new_still_gives_the_fragment(app, auth, accounts):
    phone = auth.client_for("resident1")
    write(app, accounts.resident1, accounts.advisor1, "Vi ses torsdag")

    response = phone.get(f"/residents/{accounts.resident1.id}/updates?after=0", headers=HTMX)

    assert response.status_code == 200 and "Vi ses torsdag" in response.get_data(as_text=True)
    assert "Content-Security-Policy" in response.headers


def test_an_entry_seen_since_the_page_asked_is_news(app, auth, accounts):
    entry = write(app, accounts.resident1, accounts.resident1, "Hej")
    since = utcnow()
    set_values(app, Entry, Entry.id == entry.id, seen_at=utcnow() + timedelta(seconds=1))
    phone = auth.client_for("resident1")

    response = poll_of(phone, accounts.resident1, after=entry.id, since=since.isoformat())

    assert response.status_code == 200


def test_the_advisors_page_is_sent_no_seen_mark_it_does_not_show(app, auth, accounts):
    """Only the resident's page marks their words "seen": the advisor's poll after opening the page (which marks
    them seen) sends no swap for a mark that is not there (htmx: oobErrorNoTarget in the browser)."""
    since = utcnow()
    entry = write(app, accounts.resident1, accounts.resident1, "Hej")
    laptop = auth.client_for("advisor1")
    assert laptop.get(f"/advisor/residents/{accounts.resident1.id}").status_code == 200  # marks it seen

    answer = poll_of(laptop, accounts.resident1, after=entry.id, since=since.isoformat())

    assert f'id="seen-{entry.id}"' not in answer.get_data(as_text=True)
    phone = auth.client_for("resident1")
    mine = poll_of(phone, accounts.resident1, after=entry.id, since=since.isoformat())
    assert f'id="seen-{entry.id}"' in mine.get_data(as_text=True)


def test_a_poll_whose_own_connection_fails_is_answered_by_the_usual_path(app, auth, accounts, monkeypatch):
    phone = auth.client_for("resident1")
    alone = app.extensions["db_autocommit"]
    alone.dispose()

    def refuse(*_args, **_kwargs):
        raise alone.dialect.dbapi.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(alone.dialect, "connect", refuse)
    with counted_queries(app) as statements:
        response = poll_of(phone, accounts.resident1)
    assert response.status_code == 204 and len(statements) >= 2  # the sign-in and the marks, on the usual path


def remove_phone(app, accounts, _client):
    phones = rows(app, TrustedDevice, TrustedDevice.resident_id == accounts.resident1.id)
    run(app, pairing.remove, devices=phones, actor=accounts.advisor1, subject=accounts.resident1)


def sign_out_everywhere(app, accounts, _client):
    set_values(app, DeviceSession, DeviceSession.revoked_at.is_(None), revoked_at=utcnow())


def close_account(app, accounts, _client):
    run(app, leaving.stop, resident=accounts.resident1)


def idle_for(minutes: float):
    def wait(app, _accounts, _client):
        set_values(app, DeviceSession, DeviceSession.id > 0, last_seen_at=utcnow() - timedelta(minutes=minutes))

    return wait


def old_consent(app, accounts, _client):
    set_values(app, User, User.id == accounts.resident1.id, consent_version="2026-11-25.2")


def nothing(*_args):
    pass


def on_tablet(app, auth):
    tablet = app.test_client()
    register_tablet(app, tablet)
    assert auth.sign_in(tablet, "resident1").status_code == 303
    return tablet


def signed_in(username: str):
    return lambda app, auth: auth.client_for(username)


# (who polls resident1's timeline, what happened first, what the answer is: a status and where it sends them)
REFUSED = {
    "a removed phone": (signed_in("resident1"), remove_phone, (401, "/login")),
    "an idle staff sign-in": (signed_in("advisor1"), idle_for(31), (401, "/login")),
    "a tablet past its idle time": (on_tablet, idle_for(3), (401, "/login")),
    "a sign-in ended everywhere": (signed_in("advisor1"), sign_out_everywhere, (401, "/login")),
    "a closed account": (signed_in("resident1"), close_account, (401, "/login")),
    "a resident asked to agree again": (signed_in("resident1"), old_consent, (401, "/me/consent")),
    "another resident": (signed_in("resident3"), nothing, (404, None)),
    "another advisor": (signed_in("advisor2"), nothing, (404, None)),
    "a volunteer": (signed_in("volunteer1"), nothing, (404, None)),
    "the coordinator": (signed_in("coordinator"), nothing, (404, None)),
    "the partnership": (signed_in("partner1"), nothing, (404, None)),
    "nobody signed in": (lambda app, _auth: app.test_client(), nothing, (401, "/login")),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_refused_poll_is_refused_exactly_as_on_the_usual_path(app, auth, accounts, case):
    who, before, (status, where) = REFUSED[case]
    client = who(app, auth)
    before(app, accounts, client)

    seen, usual = as_the_usual_path(app, client, accounts.resident1)

    assert seen == usual
    assert seen[0] == status
    assert (seen[1] or "").startswith(where or "") and (where is not None) == (seen[1] is not None)


# Answered by the usual path: the same answer, never the poll's 204.
SENT_ON = {
    "a tablet in use": (on_tablet, {}, 204),
    "?lang=": (signed_in("resident1"), {"lang": "da"}, 303),
    "an after that is no number": (signed_in("resident1"), {"after": "x"}, 400),
    "a since without its offset": (signed_in("resident1"), {"since": "2026-01-01T00:00:00"}, 400),
}


@pytest.mark.parametrize("case", list(SENT_ON))
def test_a_poll_the_view_must_answer_gets_the_views_answer(app, auth, accounts, case):
    who, query, status = SENT_ON[case]
    client = who(app, auth)
    with counted_queries(app) as statements:
        seen, usual = as_the_usual_path(app, client, accounts.resident1, **query)
    assert seen == usual and seen[0] == status
    if status == 204:
        assert len(statements) > 2  # both answers came from the usual path


def test_a_staff_sign_in_waiting_for_its_second_factor_is_sent_to_it(database_url):
    app = make_app(database_url, STAFF_SECOND_FACTOR=True)
    accounts = make_accounts(app)
    browser = app.test_client()
    assert browser.post("/login/staff", data={"username": "advisor1", "password": STAFF_PASSWORD}).status_code == 303

    seen, usual = as_the_usual_path(app, browser, accounts.resident1)

    assert seen == usual == (401, "/second-factor/", None)
    app.extensions["db_engine"].dispose()


@pytest.mark.parametrize("who", ["resident1", "advisor1"])
def test_the_resident_and_their_advisor_get_the_204_a_closed_account_too_for_the_advisor(app, auth, accounts, who):
    client = auth.client_for(who)
    if who == "advisor1":
        run(app, leaving.stop, resident=accounts.resident1)
    with counted_queries(app) as statements:
        response = poll_of(client, accounts.resident1)
    assert response.status_code == 204 and len(statements) == 1


def test_a_paired_phone_keeps_polling_after_another_phone_is_removed(app, auth, accounts):
    phone = auth.client_for("resident1")
    other = app.test_client()
    pair_client(app, other, "resident1")
    phones = rows(app, TrustedDevice, TrustedDevice.resident_id == accounts.resident1.id)
    run(app, pairing.remove, devices=phones[1:], actor=accounts.advisor1, subject=accounts.resident1)

    assert poll_of(phone, accounts.resident1).status_code == 204


def test_the_polls_reader_has_only_the_columns_its_checks_read(app):
    reader = from_row(User, poll.READER, (1, "resident", True, "v1"))
    assert (reader.id, reader.is_resident, reader.is_authenticated) == (1, True, True)
    with pytest.raises(DetachedInstanceError):
        _ = reader.advisor_id  # never None for a column not read: the check that asks fails aloud


def test_the_sign_in_on_a_page_reads_only_the_device_sessions_columns_a_request_needs(auth):
    advisor = auth.client_for("advisor1")
    with counted_queries(auth.app) as statements:
        assert advisor.get("/account").status_code == 200
    sign_in = next(statement for statement in statements if "device_sessions.token_hash" in statement)
    assert "device_sessions.user_agent" not in sign_in and "device_sessions.challenge" not in sign_in
    assert "users.secret_hash" in sign_in  # the person's whole row: the page may use any of it
