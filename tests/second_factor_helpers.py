"""Staff sign-in with the second factor on: fixtures' helpers for test_second_factor*.py and test_password_reset.py."""

from __future__ import annotations

import re
from datetime import datetime

import pyotp
import pytest

from webapp.auth.second_factor import totp
from webapp.db import close_session, get_session
from webapp.models import User

from .conftest import make_app
from .factories import STAFF_PASSWORD, make_accounts


@pytest.fixture
def app(database_url):
    """As production runs: staff confirm each sign-in with a second factor."""
    app = make_app(database_url, STAFF_SECOND_FACTOR=True)
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture
def accounts(app):
    return make_accounts(app)


def half_signed_in(app, username: str = "advisor1"):
    """A browser where the staff member's password was right; the second factor is still to come."""
    browser = app.test_client()
    response = browser.post("/login/staff", data={"username": username, "password": STAFF_PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/second-factor/", response.headers
    return browser


def pending_secret(app, user: User) -> str:
    with app.app_context():
        secret = totp.pending_secret(get_session(), user=user)
        close_session()
    return secret


def set_up_app(app, browser, user: User, at: datetime | None = None):
    """Choose the app, read its key from the page as a person types it in, and confirm with its code.
    Returns (the key, the response with the recovery codes)."""
    assert browser.post("/second-factor/app").status_code == 303
    page = browser.get("/second-factor/app").get_data(as_text=True)
    key = re.search(r'<code dir="ltr" class="secret-key">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    assert key == pending_secret(app, user)
    code = pyotp.TOTP(key).at(at) if at else pyotp.TOTP(key).now()
    return key, browser.post("/second-factor/app/confirm", data={"code": code})


def recovery_codes_in(response) -> list[str]:
    return re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", response.get_data(as_text=True))


def signed_in_with_app(app, username: str, user: User) -> tuple:
    """A staff member who set up the app in one browser and is fully signed in there: (browser, key, codes)."""
    browser = half_signed_in(app, username)
    key, shown = set_up_app(app, browser, user)
    assert shown.status_code == 200, shown.get_data(as_text=True)
    return browser, key, recovery_codes_in(shown)


class Clock:
    """The time the server checks codes at, moved by the test."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    from datetime import timedelta

    from webapp.models import utcnow

    # In the middle of a 30-second step, so that a step away is exactly 30 seconds away.
    start = utcnow().replace(microsecond=0)
    start -= timedelta(seconds=start.second % 30 - 15)
    found = Clock(start)
    monkeypatch.setattr(totp, "utcnow", found)
    return found
