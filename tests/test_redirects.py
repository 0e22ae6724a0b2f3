"""Where the app sends a browser next (redirects.py): only to its own pages, however the target is dressed up.

The app's URL map refuses most hostile targets on its own, so `local_target` is tested here against a small app
whose catch-all `/<path:...>` rule answers every path, so the browser-style cleaning and the checks after it carry
the load; and against a small app of a few pages for what the URL map decides.
"""

from __future__ import annotations

import pytest
from flask import Flask

from webapp.redirects import browser_form, local_target

from .factories import RESIDENT_PIN, pair_client


@pytest.fixture(scope="module")
def open_site() -> Flask:
    """Every path is a page."""
    app = Flask(__name__)
    app.add_url_rule("/<path:rest>", "anything", lambda rest: "")
    return app


@pytest.fixture(scope="module")
def site() -> Flask:
    app = Flask(__name__)
    app.add_url_rule("/timeline/", "timeline", lambda: "")
    app.add_url_rule("/logout", "logout", lambda: "", methods=["POST"])
    app.add_url_rule("/pages/<path:rest>", "pages", lambda rest: "")
    return app


@pytest.mark.parametrize(
    ("target", "cleaned"),
    [
        ("/timeline/", "/timeline/"),
        ("/time\tline/", "/timeline/"),  # tabs and line breaks go, wherever they are
        ("/time\nli\rne/", "/timeline/"),
        (" \x00\x1f/timeline/\x1f\x00 ", "/timeline/"),  # C0 controls and spaces trimmed at both ends
        ("\x1f/time line/", "/time line/"),  # ...but a space inside stays
        ("/pages/why!", "/pages/why!"),  # "!" (0x21) is the first character kept
        ("/\\evil.example", "//evil.example"),  # a backslash is a slash
        ("\\\\evil.example", "//evil.example"),
        ("/\t/evil.example", "//evil.example"),
    ],
)
def test_a_target_is_cleaned_as_a_browser_cleans_a_location(target, cleaned):
    assert browser_form(target) == cleaned


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",  # another host, scheme-relative
        "///evil.example/x",  # the same, with one slash more
        "/\\evil.example/x",  # a backslash is a slash to a browser
        "\\/evil.example/x",
        "/\t/evil.example/x",  # a tab is dropped, leaving //
        "/\r\n/evil.example/x",
        " //evil.example/x",  # a leading space is trimmed, leaving //
        "\x00//evil.example/x",
        "https://evil.example/x",  # another scheme
        "https:evil.example",
        "javascript:alert(1)",
        "pages/relative",  # not a path from the root
        "/%2F/evil.example",  # a path that decodes to //
        "/pages/%00",  # a control character, once decoded
        "/pages/a%0d%0aX:%20y",
        "/pages/%7f",
        "",
        None,
    ],
)
def test_a_target_off_the_site_is_no_target_even_where_a_catch_all_rule_would_match(open_site, target):
    with open_site.test_request_context():
        assert local_target(target) is None


@pytest.mark.parametrize(
    ("target", "kept"),
    [
        ("/pages/help?lang=da#top", "/pages/help?lang=da"),  # the query stays, the fragment goes
        ("  /pages/help\t?x=1", "/pages/help?x=1"),
        ("/pages/%C3%B8", "/pages/%C3%B8"),  # returned as given, not decoded
        ("/pages/why!", "/pages/why!"),
        ("/timeline", "/timeline"),  # a page of ours without its trailing slash
    ],
)
def test_a_page_of_the_app_is_kept_cleaned(site, target, kept):
    with site.test_request_context():
        assert local_target(target) == kept


@pytest.mark.parametrize("target", ["/nowhere", "/timeline/extra"])
def test_a_path_the_app_does_not_answer_is_no_target(site, target):
    with site.test_request_context():
        assert local_target(target) is None


def test_a_target_that_only_answers_post_is_no_target(site):
    with site.test_request_context():
        assert local_target("/logout") is None


def test_sign_in_with_next_naming_a_post_only_page_lands_on_the_home_page(app, accounts, client):
    pair_client(app, client, "resident1")
    response = client.post("/login", query_string={"next": "/logout"}, data={"pin": RESIDENT_PIN})
    assert response.status_code == 303
    assert response.headers["Location"] == "/me/"
