"""HEAD changes nothing: link previewers and the URL scanners of mail and SMS services send it."""

from __future__ import annotations

import hashlib

import pytest
from flask import url_for
from sqlalchemy import MetaData, select

from webapp.models import DeviceSession, TrustedDevice

from .factories import ask_for_contact, records_of, rows, run, send_voice
from .test_access_matrix import ACTORS, make_link, make_newcomer, make_tablet


def fingerprint(app) -> dict[str, str]:
    """A hash of every row of every table, table by table."""

    def read(session):
        metadata = MetaData()
        metadata.reflect(bind=session.connection())
        found = {}
        for name, table in sorted(metadata.tables.items()):
            order = list(table.primary_key.columns) or list(table.columns)
            content = session.execute(select(table).order_by(*order)).all()
            found[name] = hashlib.sha256(repr(content).encode()).hexdigest()
        return found

    return run(app, read)


def every_url(app, accounts) -> list[str]:
    resident = accounts.resident1
    device = rows(app, DeviceSession, DeviceSession.user_id == resident.id)[0]
    phone = rows(app, TrustedDevice, TrustedDevice.resident_id == resident.id)[0]
    newcomer = make_newcomer(app, accounts)
    values = {
        "resident_id": resident.id,
        "user_id": accounts.volunteer1.id,
        "device_id": device.id,
        "phone_id": phone.id,
        "area_id": newcomer.housing_area_id,
        "tablet_id": make_tablet(app),
        "token": run(app, make_link, resident=resident),
        "request_id": ask_for_contact(app, resident),
        "entry_id": send_voice(app, resident, accounts.advisor1),
        **records_of(app, resident, accounts.advisor1),
    }
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint != "static":
                urls.append(url_for(rule.endpoint, **{name: values.get(name, 1) for name in rule.arguments}))
    # The poll and the older page as the page asks for them, and the sign-in pages with a target.
    urls += [
        f"/residents/{resident.id}/updates?after=0",
        f"/residents/{resident.id}/entries?before=999999",
        "/login?next=/me/",
        "/login/not-you",
    ]
    return sorted(set(urls))


@pytest.mark.parametrize("actor", list(ACTORS))
def test_head_to_every_route_changes_no_table(app, auth, accounts, actor):
    auth.client_for("resident1")  # resident1 has a signed-in phone, for the device routes
    urls = every_url(app, accounts)
    client = auth.client_for(ACTORS[actor]) if ACTORS[actor] else app.test_client()
    if actor == "anonymous":  # a browser paired with resident1 but signed out: /login/not-you and /login
        from .factories import pair_client

        pair_client(app, client, "resident1")
    before = fingerprint(app)

    statuses = {
        url: client.head(url, headers={"HX-Request": "true"} if "updates" in url else {}).status_code for url in urls
    }

    after = fingerprint(app)
    assert {name for name in before if before[name] != after[name]} == set(), statuses
    assert all(status < 500 for status in statuses.values()), statuses


def test_head_on_a_pairing_link_neither_uses_it_nor_sets_a_device_cookie(app, accounts):
    token = run(app, make_link, resident=accounts.resident1)
    previewer = app.test_client()

    response = previewer.head(f"/pair/{token}")

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers or "sammen_device" not in response.headers["Set-Cookie"]
    assert previewer.post(f"/pair/{token}").status_code == 303  # the resident's tap still works


def test_head_on_not_you_keeps_the_phone_paired(app, accounts):
    from .factories import pair_client

    phone = app.test_client()
    pair_client(app, phone, "resident1")

    phone.head("/login/not-you")

    assert "Hello" in phone.get("/login").get_data(as_text=True)


def test_no_route_answers_both_get_and_post():
    """A view that reads and writes tells them apart by method, and HEAD runs the GET view: one
    method per route keeps a HEAD from ever reaching a write."""
    from webapp import create_app

    from .conftest import TEST_CONFIG

    app = create_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"})
    both = [rule.rule for rule in app.url_map.iter_rules() if {"GET", "POST"} <= rule.methods]
    assert both == []
