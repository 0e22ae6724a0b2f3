"""htmx glue (webapp/htmx.py): `request.htmx`, whole page or named block, redirects htmx follows, Vary."""

from __future__ import annotations

import json

import pytest
from flask import request
from flask_babel import force_locale, gettext

from webapp.htmx import see_other
from webapp.models import Barrier, Goal

from .conftest import page_text
from .factories import rows
from .records_helpers import add_goal, key, url

HTMX = {"HX-Request": "true"}
HTMX_HEADERS = {"HX-Request", "HX-Boosted", "HX-History-Restore-Request"}


@pytest.mark.parametrize(
    "headers, is_htmx, boosted, restore",
    [
        ({}, False, False, False),
        ({"HX-Request": "false"}, False, False, False),
        (HTMX, True, False, False),
        ({"HX-Request": "true", "HX-Boosted": "true"}, True, True, False),
        ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, True, False, True),
    ],
)
def test_request_htmx_reads_the_headers_htmx_sends(app, headers, is_htmx, boosted, restore):
    with app.test_request_context("/", headers=headers):
        assert (bool(request.htmx), request.htmx.boosted, request.htmx.history_restore_request) == (
            is_htmx,
            boosted,
            restore,
        )


def test_see_other_answers_an_htmx_swap_with_hx_location(app):
    with app.test_request_context("/", method="POST", headers=HTMX):
        response = see_other("/me/#entry-3")
    assert response.status_code == 204
    assert json.loads(response.headers["HX-Location"]) == {"path": "/me/#entry-3", "target": "body"}


def test_see_other_answers_a_plain_form_with_303(app):
    with app.test_request_context("/", method="POST"):
        response = see_other("/me/#entry-3")
    assert (response.status_code, response.headers["Location"]) == (303, "/me/#entry-3")
    assert "HX-Location" not in response.headers


def test_a_swapped_block_is_drawn_in_the_readers_language(auth, accounts, advisor_da):
    response = advisor_da.post(
        f"/residents/{accounts.resident1.id}/entries",
        data={"body": "", "idempotency_key": "0123456789abcdef0123456789abcdef"},
        headers=HTMX,
    )
    with auth.app.test_request_context(), force_locale("da"):
        say_it = gettext("Say it with a phrase")
    assert say_it != "Say it with a phrase"
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html and 'id="message-form"' in html
    assert say_it in page_text(response)


def test_an_error_for_an_htmx_request_is_the_whole_page(client):
    response = client.get("/no-such-page", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert html.lstrip().startswith("<!doctype html>") and '<html lang="en" dir="ltr">' in html


def test_every_page_says_it_varies_on_the_htmx_headers(client):
    assert set(client.get("/login").vary) >= HTMX_HEADERS


def test_static_files_do_not_vary_on_the_htmx_headers(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert not HTMX_HEADERS & set(response.vary)


@pytest.mark.parametrize("boosted", [True, False], ids=["boosted-form", "htmx-swap"])
def test_htmx_landing_keeps_the_fragment_so_the_page_scrolls_to_the_item(auth, accounts, resident, boosted):
    headers = {"HX-Request": "true", **({"HX-Boosted": "true"} if boosted else {})}
    response = resident.post(
        url(accounts, "barriers"), data={"key": "digital", "idempotency_key": key(1)}, headers=headers
    )
    (barrier,) = rows(auth.app, Barrier)
    # A redirect followed by XMLHttpRequest would lose the #fragment; HX-Location keeps it for htmx to scroll to.
    assert response.status_code == 204
    assert f'#barrier-{barrier.id}"' in response.headers["HX-Location"]


def test_a_refused_boosted_form_keeps_the_address_of_its_page(auth, accounts, resident):
    add_goal(resident, accounts)
    (goal,) = rows(auth.app, Goal)
    response = resident.post(
        url(accounts, f"goals/{goal.id}/steps"),
        data={"text": "", "idempotency_key": key(2)},
        headers={"HX-Request": "true", "HX-Boosted": "true"},
    )
    assert response.status_code == 422
    assert response.headers["HX-Push-Url"] == "false"
    assert "Write the step first." in page_text(response)
