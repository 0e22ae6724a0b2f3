"""While the database cannot be reached, every page answers 503 with Retry-After, in the reader's language,
with the app's own headers and no stack trace; /readyz names the database; and once it is back, the next
request works without a new app."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import create_engine, text

from webapp.models import User

from .conftest import make_app, migrate, page_text
from .factories import RESIDENT_PIN, make_accounts, pair_client, set_values

HTMX = {"HX-Request": "true"}
AWAY_TITLE = "Sammen is not available just now"


@contextmanager
def database_away(app, monkeypatch):
    """No new connection can be made, and the pooled ones are gone, as after a restart of the server: for the
    requests' engine and for the poll's (autocommit)."""
    engines = (app.extensions["db_engine"], app.extensions["db_autocommit"])
    for engine in engines:
        engine.dispose()

    def refuse(*_args, **_kwargs):
        raise engines[0].dialect.dbapi.OperationalError("could not connect to the database")

    with monkeypatch.context() as patched:
        for engine in engines:
            patched.setattr(engine.dialect, "connect", refuse)
        yield
    for engine in engines:
        engine.dispose()


def assert_away_page(response, *, tag: str = "en", direction: str = "ltr") -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store" and response.headers["X-Request-Id"]
    assert f'<html lang="{tag}" dir="{direction}">' in html
    assert "Traceback" not in html and "OperationalError" not in html and "sqlite" not in html.lower()


def test_a_signed_in_residents_page_answers_503_in_their_browsers_language(app, auth, accounts, monkeypatch):
    resident = auth.client_for("resident1")
    with database_away(app, monkeypatch):
        response = resident.get("/me/", headers={"Accept-Language": "ar"})
        assert_away_page(response, tag="ar", direction="rtl")
        assert "الذهاب إلى صفحتي الرئيسية" in page_text(response)  # "Go to my home page", in Arabic


def test_an_account_read_before_the_database_went_keeps_its_language(app, auth, accounts):
    from flask_login import current_user
    from sqlalchemy.exc import OperationalError

    @app.get("/reads-then-fails")
    def reads_then_fails():
        assert current_user.is_authenticated  # the account is read: the database went after that
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    set_values(app, User, User.id == accounts.resident1.id, locale="ar")
    response = auth.client_for("resident1").get("/reads-then-fails", headers={"Accept-Language": "da"})
    assert_away_page(response, tag="ar", direction="rtl")


def test_the_sign_in_pages_answer_503_too(app, accounts, monkeypatch):
    with database_away(app, monkeypatch):
        staff = app.test_client().get("/login/staff")
        phone = app.test_client().get("/login")
    for response in (staff, phone):
        assert_away_page(response)
        assert AWAY_TITLE in page_text(response)
        assert "try again in a few minutes" in page_text(response)


def test_a_language_chosen_in_this_browser_is_kept(app, accounts, monkeypatch):
    client = app.test_client()
    client.get("/login/staff?lang=fa_AF")
    with database_away(app, monkeypatch):
        assert_away_page(client.get("/login/staff"), tag="fa-AF", direction="rtl")


def test_a_form_sent_while_the_database_is_away_answers_503_not_500(app, auth, accounts, monkeypatch):
    advisor = auth.client_for("advisor1")
    with database_away(app, monkeypatch):
        response = advisor.post(
            f"/residents/{accounts.resident1.id}/entries",
            data={"body": "Vi ses i morgen", "idempotency_key": uuid.uuid4().hex},
        )
    assert_away_page(response)


def test_the_poll_gets_a_503_that_says_when_to_ask_again(app, auth, accounts, monkeypatch):
    resident = auth.client_for("resident1")
    with database_away(app, monkeypatch):
        poll = resident.get(f"/residents/{accounts.resident1.id}/updates", query_string={"after": 0}, headers=HTMX)
    assert poll.status_code == 503 and poll.headers["Retry-After"] == "30"
    assert AWAY_TITLE in page_text(poll)
    assert poll.headers["X-Request-Id"]


def test_readyz_names_the_database_and_healthz_still_answers(app, monkeypatch):
    with database_away(app, monkeypatch):
        ready = app.test_client().get("/readyz")
        live = app.test_client().get("/healthz")
    assert (ready.status_code, ready.get_data(as_text=True)) == (503, "not ready: database\n")
    assert live.status_code == 200


def test_after_the_database_returns_the_next_request_works_without_a_new_app(app, auth, accounts, monkeypatch):
    resident = auth.client_for("resident1")
    with database_away(app, monkeypatch):
        assert resident.get("/me/").status_code == 503
    assert resident.get("/me/").status_code == 200
    assert app.test_client().get("/readyz").status_code == 200


def test_the_outage_is_logged_with_status_endpoint_and_request_id(app, monkeypatch, capsys):
    import json

    with database_away(app, monkeypatch):
        response = app.test_client().get("/login/staff")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    (told,) = [line for line in lines if line.get("event") == "http.error"]
    assert told["status"] == 503 and told["endpoint"] == "auth.login_staff"
    assert told["request_id"] == response.headers["X-Request-Id"]


# On PostgreSQL for real: the database refuses connections and its sessions are ended, as when it is
# stopped mid-run; then it takes them again.


def _admin_url(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


@pytest.fixture
def postgres_app():
    import os

    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("PostgreSQL only: set TEST_DATABASE_URL")
    base = os.environ["TEST_DATABASE_URL"]
    name = f"{urlsplit(base).path.lstrip('/')}_outage"
    admin = create_engine(_admin_url(base, "postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = _admin_url(base, name)
    migrate(url)
    app = make_app(url)
    make_accounts(app)
    yield app, admin, name
    app.extensions["db_engine"].dispose()
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _allow_connections(admin, name: str, allowed: bool) -> None:
    with admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}'))
        if not allowed:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"), {"name": name}
            )


def test_postgresql_stopped_mid_run_gives_503_and_comes_back_without_a_restart(postgres_app):
    app, admin, name = postgres_app
    phone = app.test_client()
    pair_client(app, phone, "resident1")
    assert phone.post("/login", data={"pin": RESIDENT_PIN}).status_code == 303
    assert phone.get("/me/").status_code == 200  # the pool holds a live connection now

    _allow_connections(admin, name, False)
    try:
        away = phone.get("/me/", headers={"Accept-Language": "fa-AF"})
        ready = app.test_client().get("/readyz")
        staff = app.test_client().get("/login/staff", headers={"Accept-Language": "da"})
    finally:
        _allow_connections(admin, name, True)

    assert_away_page(away, tag="fa-AF", direction="rtl")
    assert_away_page(staff, tag="da")
    assert (ready.status_code, ready.get_data(as_text=True)) == (503, "not ready: database\n")
    assert ready.headers["Retry-After"] == "30"

    assert phone.get("/me/").status_code == 200
    assert app.test_client().get("/readyz").status_code == 200
