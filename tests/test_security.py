from __future__ import annotations

import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest

from webapp.models import AuditEvent, utcnow

from .conftest import make_app, page_text
from .factories import STAFF_PASSWORD, make_accounts, pair_client, rows, set_values

TEMPLATES = Path(__file__).resolve().parent.parent / "webapp" / "templates"


def test_pages_carry_the_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe" not in csp
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "HX-Request" in response.headers["Vary"]


def test_personal_pages_are_not_stored(auth, accounts):
    assert auth.client_for("resident1").get("/me/").headers["Cache-Control"] == "no-store"


def test_templates_have_no_inline_script_or_handlers():
    templates = list(TEMPLATES.rglob("*.html"))
    assert len(templates) >= 50  # the app's templates are where this looks for them
    for template in templates:
        html = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), template
        assert not re.search(r"\son[a-z]+=", html), template
        assert not re.search(r"https?://", html), template


def test_htmx_is_configured_for_strict_csp_and_shared_devices(client):
    html = client.get("/login").get_data(as_text=True)
    config = re.search(r'name="htmx-config" content=\'([^\']+)\'', html).group(1)
    for setting in (
        '"allowEval":false',
        '"allowScriptTags":false',
        '"includeIndicatorStyles":false',
        '"historyCacheSize":0',
    ):
        assert setting in config


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def test_with_csrf_on_every_form_carries_a_token_and_works(database_url):
    from .factories import STAFF_PASSWORD, make_accounts

    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    make_accounts(app)
    client = app.test_client()
    token = csrf_token(client.get("/login/staff").get_data(as_text=True))
    response = client.post(
        "/login/staff", data={"username": "coordinator", "password": STAFF_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303
    html = client.get("/coordinator/").get_data(as_text=True)
    forms = re.findall(r"<form[^>]*>.*?</form>", html, flags=re.S)
    # The search for a resident only reads, by GET: it carries no token. Every other form posts.
    searches = [form for form in forms if 'method="get"' in form]
    assert len(searches) == 1 and 'role="search"' in searches[0] and "csrf_token" not in searches[0]
    forms = [form for form in forms if form not in searches]
    assert len(forms) > 5
    for form in forms:
        assert 'method="post"' in form and re.search(r'name="[\w-]*csrf_token"', form)
    assign = next(form for form in forms if '/advisor"' in form)
    fields = dict(re.findall(r'name="([\w-]+)"[^>]*value="([^"]*)"', assign))
    fields.update({name: "3" for name in re.findall(r'<select[^>]*name="([\w-]+)"', assign)})
    assert client.post(re.search(r'action="([^"]+)"', assign).group(1), data=fields).status_code == 303
    assert client.post("/logout", data={"csrf_token": csrf_token(html)}).status_code == 303
    app.extensions["db_engine"].dispose()


def test_post_without_csrf_token_is_refused(database_url):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/login", data={"username": "x", "pin": "4827"})
    assert response.status_code == 400
    assert "Something went wrong with that request" in page_text(response)
    app.extensions["db_engine"].dispose()


def test_missing_page_is_friendly_and_in_the_users_language(client):
    client.get("/login?lang=ar")
    response = client.get("/does-not-exist")
    assert response.status_code == 404
    assert '<html lang="ar" dir="rtl">' in response.get_data(as_text=True)
    assert "We could not find that page" not in page_text(response)
    assert "لم نجد هذه الصفحة" in page_text(response)


def test_server_error_is_friendly_and_logged_with_request_id(app, client, caplog):
    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    with caplog.at_level(logging.ERROR):
        response = client.get("/boom")
    assert response.status_code == 500
    request_id = response.headers["X-Request-Id"]
    assert request_id in page_text(response)
    assert "Traceback" not in response.get_data(as_text=True) and "kaboom" not in response.get_data(as_text=True)
    assert any("kaboom" in (r.exc_text or "") or "boom" in r.getMessage() for r in caplog.records)


def test_request_body_has_a_size_limit(auth, accounts):
    client = auth.client_for("resident1")
    response = client.post(
        f"/residents/{accounts.resident1.id}/entries", data={"body": "x" * 100_000, "idempotency_key": "a" * 32}
    )
    assert response.status_code == 413
    assert "That was too much at once" in page_text(response)


def test_sign_out_clears_site_data(auth):
    response = auth.client_for("advisor1").post("/logout")
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'


def test_sign_out_on_a_paired_phone_clears_all_but_the_pairing(app, auth):
    phone = auth.client_for("resident1")
    response = phone.post("/logout")
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert phone.get_cookie(app.config["DEVICE_COOKIE_NAME"]) is not None
    assert phone.get("/me/").status_code == 302
    assert "Hello, فاطمة" in page_text(phone.get("/login"))


@pytest.mark.parametrize("path", ["/static/vendor/htmx/LICENSE", "/static/vendor/lucide/LICENSE"])
def test_vendored_files_come_with_their_licences(client, path):
    assert client.get(path).status_code == 200


def test_session_cookie_is_secure_over_https(auth, client):
    plain = auth.sign_in(client, "resident1")
    assert "Secure" not in plain.headers["Set-Cookie"]
    https = auth.app.test_client()
    pair_client(auth.app, https, "resident1")
    response = https.post("/login", data={"pin": "4827"}, base_url="https://localhost")
    assert response.status_code == 303
    assert "; Secure" in response.headers["Set-Cookie"]


FORWARDED_HTTPS = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}


def sign_in_events(app) -> list:
    from webapp.models import AuditEvent

    return [e for e in rows(app, AuditEvent) if e.action in ("sign_in", "sign_in_failed")]


def test_behind_a_trusted_proxy_the_client_address_and_https_are_believed(database_url):
    app = make_app(database_url, TRUSTED_PROXIES=1)
    make_accounts(app)
    client = app.test_client()

    response = client.post(
        "/login/staff", data={"username": "advisor1", "password": STAFF_PASSWORD}, headers=FORWARDED_HTTPS
    )

    assert response.status_code == 303
    assert "; Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert [event.ip for event in sign_in_events(app)] == ["203.0.113.7"]
    app.extensions["db_engine"].dispose()


def test_without_trusted_proxies_forwarded_headers_are_not_believed(app, accounts):
    client = app.test_client()

    response = client.post(
        "/login/staff", data={"username": "advisor1", "password": STAFF_PASSWORD}, headers=FORWARDED_HTTPS
    )

    assert response.status_code == 303
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in response.headers
    assert [event.ip for event in sign_in_events(app)] == ["127.0.0.1"]


def test_behind_a_trusted_proxy_wrong_pins_count_per_client_address(database_url):
    app = make_app(database_url, TRUSTED_PROXIES=1, ADDRESS_FAILED_LOGIN_LIMIT=3)
    make_accounts(app)
    flooding = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    for attempt in range(4):
        app.test_client().post(
            "/login/staff", data={"username": f"nobody{attempt}", "password": "x" * 12}, headers=flooding
        )

    elsewhere = app.test_client().post(
        "/login/staff",
        data={"username": "advisor1", "password": STAFF_PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.2"},
    )
    same_place = app.test_client().post(
        "/login/staff", data={"username": "advisor1", "password": STAFF_PASSWORD}, headers=flooding
    )

    assert elsewhere.status_code == 303
    assert same_place.status_code == 422 and "Too many wrong tries from this place" in page_text(same_place)
    app.extensions["db_engine"].dispose()


def staff_sign_in(app, password: str, address: str, username: str = "advisor1"):
    return app.test_client().post(
        "/login/staff", data={"username": username, "password": password}, headers={"X-Forwarded-For": address}
    )


@pytest.mark.parametrize("username", ["advisor1", "nobody.here"])
def test_every_refused_try_counts_against_the_address_whether_the_name_has_an_account_or_not(database_url, username):
    app = make_app(database_url, TRUSTED_PROXIES=1, ADDRESS_FAILED_LOGIN_LIMIT=8)
    make_accounts(app)
    for _ in range(8):  # five checked, then three while advisor1 waits
        assert "Too many wrong tries from this place" not in page_text(
            staff_sign_in(app, "x" * 12, "203.0.113.7", username)
        )
    assert "Too many wrong tries from this place" in page_text(staff_sign_in(app, "x" * 12, "203.0.113.7", username))
    app.extensions["db_engine"].dispose()


def test_an_address_that_makes_a_staff_account_wait_does_not_keep_its_owner_out_from_elsewhere(database_url):
    from webapp.models import User

    app = make_app(database_url, TRUSTED_PROXIES=1)
    make_accounts(app)
    for _ in range(20):  # a night of wrong tries from one address
        staff_sign_in(app, "not-the-password", "203.0.113.7")
    set_values(app, User, User.username == "advisor1", locked_until=utcnow() + timedelta(minutes=15))

    assert staff_sign_in(app, STAFF_PASSWORD, "203.0.113.7").status_code == 422
    assert staff_sign_in(app, STAFF_PASSWORD, "198.51.100.2").status_code == 303
    app.extensions["db_engine"].dispose()


def test_a_waiting_staff_account_lets_through_only_a_few_tries_from_other_addresses(database_url):
    from webapp.auth.services import TRIES_LET_THROUGH
    from webapp.models import User

    app = make_app(database_url, TRUSTED_PROXIES=1)
    make_accounts(app)
    waiting = {"locked_until": utcnow() + timedelta(minutes=15), "failed_logins": 20}
    set_values(app, User, User.username == "advisor1", **waiting)
    for n in range(TRIES_LET_THROUGH):  # many addresses, each let through once, each wrong
        assert staff_sign_in(app, "not-the-password", f"203.0.113.{n}").status_code == 422
        set_values(app, User, User.username == "advisor1", **waiting)

    assert staff_sign_in(app, STAFF_PASSWORD, "198.51.100.2").status_code == 422
    checked = [
        e for e in rows(app, AuditEvent) if e.action == "sign_in_failed" and not (e.detail or {}).get("unchecked")
    ]
    assert len(checked) == TRIES_LET_THROUGH
    set_values(app, User, User.username == "advisor1", locked_until=utcnow() - timedelta(seconds=1))
    assert staff_sign_in(app, STAFF_PASSWORD, "198.51.100.2").status_code == 303
    app.extensions["db_engine"].dispose()


def test_a_lost_connection_after_the_commit_still_shows_the_message_as_sent(app, auth, accounts, monkeypatch):
    from sqlalchemy.exc import OperationalError
    from sqlmodel import Session

    from webapp.models import Entry

    client = auth.client_for("resident1")
    real_close = Session.close

    def close_on_a_dead_connection(session):
        real_close(session)
        raise OperationalError("ROLLBACK", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(Session, "close", close_on_a_dead_connection)
    path = f"/residents/{accounts.resident1.id}/entries"
    sent = client.post(path, data={"body": "Jeg kommer i morgen", "idempotency_key": "c" * 32})
    again = client.post(path, data={"body": "Jeg kommer i morgen", "idempotency_key": "c" * 32})
    monkeypatch.setattr(Session, "close", real_close)

    assert (sent.status_code, again.status_code) == (303, 303)
    assert [e.body for e in rows(app, Entry, Entry.resident_id == accounts.resident1.id)] == ["Jeg kommer i morgen"]


@pytest.mark.parametrize(("given", "hops"), [(None, 0), ("", 0), ("0", 0), ("1", 1), (" 2 ", 2)])
def test_trusted_proxies_is_read_as_a_whole_number(monkeypatch, tmp_path, given, hops):
    from webapp import config

    if given is None:
        monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    else:
        monkeypatch.setenv("TRUSTED_PROXIES", given)
    assert config.load(str(tmp_path))["TRUSTED_PROXIES"] == hops


@pytest.mark.parametrize("given", ["true", "yes", "-1", "1.5", "one"])
def test_trusted_proxies_that_is_not_a_whole_number_stops_the_app_saying_what_to_set(
    monkeypatch, tmp_path, capsys, given
):
    from webapp import config

    monkeypatch.setenv("TRUSTED_PROXIES", given)
    with pytest.raises(SystemExit) as stopped:
        config.load(str(tmp_path))
    assert stopped.value.code == 3  # gunicorn stops, rather than starting worker after worker
    said = capsys.readouterr().err
    assert "TRUSTED_PROXIES must be a whole number" in said and repr(given) in said
