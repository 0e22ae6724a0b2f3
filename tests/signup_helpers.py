"""What the sign-up, pairing, tablet and audit-log tests share: an area, the sign-up steps as a helper takes
them, the newest resident, and the pairing link on a card."""

from __future__ import annotations

import re

import pytest

from webapp.models import User

from .factories import make_area, rows

NEW_PIN = "5927"
PAIR_URL = re.compile(r'href="(http://localhost/pair/[^"]+)"')


@pytest.fixture
def area(app, accounts) -> int:
    """Skovparken, where advisor1 works; advisor2 has no area."""
    return make_area(app, advisor=accounts.advisor1)


def about(area: int, **changes) -> dict:
    return {"name": "Hawa Rahimi", "phone": "20 48 39 17", "area_id": str(area), "contact": "sms", **changes}


def sign_up(helper, area: int, locale: str = "en", **about_changes):
    """Every step as a volunteer and resident take them; returns the card page."""
    assert helper.post("/volunteer/new", data={"locale": locale}).status_code == 303
    assert helper.post("/volunteer/new/about", data=about(area, **about_changes)).status_code == 303
    assert helper.post("/volunteer/new/consent", data={"agree": "yes"}).status_code == 303
    return helper.post("/volunteer/new/pin", data={"new": NEW_PIN, "repeat": NEW_PIN})


def newest_resident(app) -> User:
    return max(rows(app, User, User.role == "resident"), key=lambda user: user.id)


def pair_url_from(card) -> str:
    return PAIR_URL.search(card.get_data(as_text=True)).group(1).replace("http://localhost", "")
