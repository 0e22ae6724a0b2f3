"""Crafted input gets a clear answer, never a 5xx and never a way off the site.

A table of hostile values goes to every route of the URL map, for every kind of visitor: into each
part of the path, into every query parameter the app reads, and into every field of every form.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import pytest
from flask import url_for
from flask_wtf import FlaskForm
from werkzeug.routing import IntegerConverter
from wtforms.fields.core import UnboundField

from webapp.models import DeviceSession, TrustedDevice, User
from webapp.params import MAX_ID

from .conftest import page_text
from .factories import STAFF_PASSWORD, ask_for_contact, pair_client, records_of, rows, run, send_voice, set_values
from .test_access_matrix import make_link, make_newcomer, make_tablet

HUGE_IDS = [str(MAX_ID + 1), str(2**63), "99999999999999999999"]
HOSTILE = [
    "\x00",
    "a\x00b",
    "\r\nX: y",
    "\t/evil.example/x",
    "/\t/evil.example/x",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "/%2F%2Fevil.example",
    "javascript:alert(1)",
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-05:00",
    "99999999999999999999-01",
    "-1",
    *HUGE_IDS,
    "١٢٣٤",
    "é" * 300,
    "<script>x</script>",
]
# Every parameter the app reads from the address.
QUERY = ["next", "lang", "since", "before", "after", "return_to", "person", "replaced", "thanks"]
VISITORS = [None, "resident1", "advisor1", "coordinator", "volunteer1"]


def form_fields() -> set[str]:
    """The name of every field of every form in the app, with the form keys the app adds itself."""
    names = {"return_to", "after", "since", "next"}
    pending = [FlaskForm]
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        for klass in form.__mro__:
            names.update(name for name, value in vars(klass).items() if isinstance(value, UnboundField))
    return names


def as_browser_follows(location: str) -> str:
    """A Location header as a browser reads it before following it."""
    return re.sub(r"[\t\n\r]", "", location.strip("".join(chr(c) for c in range(0x21)))).replace("\\", "/")


def assert_answered(response, what: str) -> None:
    assert response.status_code < 500, f"{response.status_code} for {what}"
    location = response.headers.get("Location")
    if location is not None:
        followed = as_browser_follows(location)
        parts = urlsplit(followed)
        if parts.netloc:  # Werkzeug's own redirects (merged slashes) name the host in full
            assert parts.netloc == "localhost" and parts.scheme == "http", (
                f"{what} redirects off the site: {location!r}"
            )
        else:
            assert not parts.scheme and followed.startswith("/") and not followed.startswith("//"), (
                f"{what} redirects off the site: {location!r}"
            )


def valid_arguments(app, accounts) -> dict:
    """A real value for each part of a path, so each hostile value is tried in one place at a time."""
    newcomer = make_newcomer(app, accounts)
    return {
        "resident_id": accounts.resident1.id,
        "user_id": accounts.volunteer1.id,
        "device_id": rows(app, DeviceSession, DeviceSession.user_id == accounts.resident1.id)[0].id,
        "phone_id": rows(app, TrustedDevice, TrustedDevice.resident_id == accounts.resident1.id)[0].id,
        "area_id": newcomer.housing_area_id,
        "tablet_id": make_tablet(app),
        "token": run(app, make_link, resident=accounts.resident1),
        "request_id": ask_for_contact(app, accounts.resident1),
        "entry_id": send_voice(app, accounts.resident1, accounts.advisor1),
        "situation_id": 1,  # the first of the default list
        **records_of(app, accounts.resident1, accounts.advisor1),
    }


SENTINEL = 424242424


def path_with(app, rule, values: dict, name: str) -> str:
    """The route's path with a `{}` where `name` goes."""
    marker = SENTINEL if isinstance(rule._converters[name], IntegerConverter) else "__marker__"
    with app.test_request_context():
        path = url_for(rule.endpoint, **{**{n: values[n] for n in rule.arguments}, name: marker})
    return path.replace(str(marker), "{}")


def requests_for(app, rule, method: str, values: dict):
    """(description, path, query, form) for one route: each hostile value in each place it can go."""
    with app.test_request_context():
        good = url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
    for name in sorted(rule.arguments):
        path = path_with(app, rule, values, name)
        is_id = isinstance(rule._converters[name], IntegerConverter)
        for value in (HUGE_IDS + ["-1", "١٢٣٤", "\x00"]) if is_id else HOSTILE:
            yield f"{method} {rule.rule} with {name}={value!r}", path.format(quote(value, safe="")), {}, {}
    for value in HOSTILE:
        everywhere = {key: value for key in QUERY}
        yield f"{method} {good} with every query parameter {value!r}", good, everywhere, {}
        if method == "GET":  # ?lang= redirects a GET back to the page it was on
            yield f"GET {good}?lang=en with {value!r}", good, {**everywhere, "lang": "en"}, {}
        else:
            yield f"POST {good} with every form field {value!r}", good, {}, {field: value for field in FIELDS}


FIELDS = sorted(form_fields())


def signed_in(app, auth, username: str | None):
    """A fresh browser for this visitor; the wrong PINs sent to /login by the table are forgiven first."""
    if username is None:
        return app.test_client()
    set_values(app, User, User.username == username, failed_logins=0, locked_until=None)
    return auth.client_for(username)


def test_no_route_answers_crafted_input_with_a_server_error(app, auth, accounts):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a fault becomes the app's 500 page, as in production
    app.config["ADDRESS_FAILED_LOGIN_LIMIT"] = 10**9  # every test browser comes from one address
    auth.client_for("resident1")  # a device session and a paired phone for the routes that name one
    values = valid_arguments(app, accounts)
    sent = 0
    for visitor in VISITORS:
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static":
                continue
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                client = signed_in(app, auth, visitor)
                for what, path, query, form in requests_for(app, rule, method, values):
                    response = client.open(path, method=method, query_string=query, data=form)
                    assert_answered(response, f"{what} as {visitor or 'anonymous'}")
                    sent += 1
    assert sent > 5000


@pytest.mark.parametrize(
    "path",
    [
        "/%09/evil.example/",
        "/%0d%0aX:%20y",
        "/%5Cevil.example/",
        "//evil.example/",
        "/%5C%5Cevil.example",
        "/\t/evil.example/",
    ],
)
def test_the_language_switch_stays_on_the_site(client, accounts, path):
    response = client.get(path, query_string={"lang": "da"})

    assert_answered(response, path)
    assert response.status_code in (303, 404)


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example/x",
        "/\t/evil.example/x",
        "/\r\n/evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\/evil.example",
        "/%5Cevil.example",
        "https://evil.example/",
        " //evil.example",
        "/%2F/evil.example",
        "/nowhere",
    ],
)
def test_sign_in_never_follows_next_off_the_site(app, auth, accounts, target):
    client = app.test_client()
    pair_client(app, client, "resident1")
    response = client.post("/login", query_string={"next": target}, data={"pin": "4827"})

    assert response.status_code == 303
    assert response.headers["Location"] == "/me/"


def test_sign_in_follows_next_to_a_page_of_the_app(app, auth, accounts):
    client = app.test_client()
    response = client.post(
        "/login/staff",
        query_string={"next": f"/residents/{accounts.resident1.id}/goals"},
        data={"username": "advisor1", "password": STAFF_PASSWORD},
    )

    assert response.headers["Location"] == f"/residents/{accounts.resident1.id}/goals"


def test_a_record_form_returns_only_to_a_page_of_the_app(app, auth, accounts):
    resident = accounts.resident1
    client = auth.client_for("resident1")
    barrier = records_of(app, resident, accounts.advisor1)["barrier_id"]

    response = client.post(
        f"/residents/{resident.id}/barriers/{barrier}/status",
        data={"status": "better", "return_to": "/\t/evil.example/"},
    )

    assert response.headers["Location"].startswith(f"/residents/{resident.id}/barriers")


@pytest.mark.parametrize(
    "url",
    [
        "/residents/2147483648/goals",
        "/residents/9223372036854775808/goals",
        "/residents/1/appointments/99999999999999999999/cancel",
    ],
)
def test_ids_past_what_the_database_holds_are_not_found(auth, accounts, url):
    client = auth.client_for("advisor1")

    assert client.get(url).status_code in (404, 405)


def test_a_cursor_past_what_the_database_holds_is_a_bad_request_in_the_readers_language(auth, accounts):
    client = auth.client_for("advisor1")
    client.get("/?lang=da")

    response = client.get(f"/residents/{accounts.resident1.id}/entries", query_string={"before": str(2**31)})

    assert response.status_code == 400
    assert "Noget gik galt" in page_text(response)


def test_a_moment_before_year_one_is_a_bad_request(auth, accounts):
    client = auth.client_for("resident1")

    response = client.get(
        f"/residents/{accounts.resident1.id}/updates",
        query_string={"after": "0", "since": "0001-01-01T00:00:00+05:00"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 400


def test_a_goal_month_too_far_away_is_refused_next_to_the_field(auth, accounts):
    client = auth.client_for("resident1")

    response = client.post(
        f"/residents/{accounts.resident1.id}/goals",
        data={"kind": "job", "month": "99999999999999999999-01", "idempotency_key": "f" * 32},
    )

    assert response.status_code == 422
    assert "Write the month like \u20662027-03\u2069." in page_text(response)
    assert 'value="99999999999999999999-01"' in response.get_data(as_text=True)


def test_a_nul_in_a_username_is_a_bad_request(client, accounts):
    response = client.post("/login/staff", data={"username": "advisor\x001", "password": STAFF_PASSWORD})

    assert response.status_code == 400
    assert "Something went wrong with that request" in page_text(response)


def test_a_language_link_changes_this_browser_not_the_account(app, auth, accounts):
    client = auth.client_for("resident1")

    response = client.get("/me/?lang=ar")
    (resident,) = rows(app, User, User.id == accounts.resident1.id)

    assert response.status_code == 303 and response.headers["Location"] == "/me/"
    assert 'lang="ar"' in client.get("/me/").get_data(as_text=True)
    assert resident.locale == "en"


def test_the_account_page_saves_the_language(app, auth, accounts):
    client = auth.client_for("resident1")

    response = client.post("/account/language", data={"locale": "fa_AF"})
    (resident,) = rows(app, User, User.id == accounts.resident1.id)

    assert response.status_code == 303
    assert resident.locale == "fa_AF"
    assert 'lang="fa-AF"' in client.get("/account").get_data(as_text=True)


def test_an_unknown_language_on_the_account_page_changes_nothing(app, auth, accounts):
    client = auth.client_for("resident1")

    response = client.post("/account/language", data={"locale": "xx"})
    (resident,) = rows(app, User, User.id == accounts.resident1.id)

    assert response.status_code == 400
    assert resident.locale == "en"
