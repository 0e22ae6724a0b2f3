"""The card's link points at the app's own address, never at a Host header a request made up."""

from __future__ import annotations

import re

from .conftest import make_app
from .factories import STAFF_PASSWORD, make_accounts

PUBLIC = "https://sammen.example.dk"


def staff_client(app, host: str):
    client = app.test_client()
    response = client.post(
        "/login/staff", data={"username": "advisor1", "password": STAFF_PASSWORD}, headers={"Host": host}
    )
    assert response.status_code == 303
    return client


def test_a_card_made_through_a_foreign_host_is_refused(database_url):
    app = make_app(database_url, PUBLIC_URL=PUBLIC)
    accounts = make_accounts(app)
    client = app.test_client()

    response = client.post(f"/volunteer/residents/{accounts.resident1.id}/qr", headers={"Host": "evil.example"})

    assert response.status_code == 400
    assert "evil.example" not in response.get_data(as_text=True)
    app.extensions["db_engine"].dispose()


def test_the_cards_link_is_built_from_the_public_url(database_url):
    app = make_app(database_url, PUBLIC_URL=PUBLIC)
    accounts = make_accounts(app)
    advisor = staff_client(app, "sammen.example.dk")

    card = advisor.post(
        f"/volunteer/residents/{accounts.resident1.id}/qr",
        headers={"Host": "sammen.example.dk"},
        base_url="http://sammen.example.dk",
    )

    assert card.status_code == 200
    assert re.search(r'href="https://sammen\.example\.dk/pair/[^"]+"', card.get_data(as_text=True))
    app.extensions["db_engine"].dispose()


def test_pair_link_on_the_command_line_prints_links_on_the_public_url(database_url):
    app = make_app(database_url, PUBLIC_URL=PUBLIC)
    make_accounts(app)

    with app.app_context():  # as `flask` gives every command; a test runner gives only AppGroup commands one
        result = app.test_cli_runner().invoke(args=["pair-link", "resident1"])

    assert result.exit_code == 0, result.output
    assert re.search(r"resident1\s+https://sammen\.example\.dk/pair/\S+", result.output)
    app.extensions["db_engine"].dispose()
