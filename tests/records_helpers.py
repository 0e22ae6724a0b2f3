"""What the record tests share: the languages, form keys, times as a form sends them, addresses."""

from __future__ import annotations

import re
from html import unescape

from webapp.advisor.services import caseload
from webapp.auth.services import set_locale
from webapp.models import COPENHAGEN, Entry, User

from .factories import rows, run

LANGUAGES = ["da", "ar", "fa_AF", "en"]


def key(n: int) -> str:
    return f"{n:032x}"


def speaking(app, user, locale):
    run(app, set_locale, user=rows(app, User, User.id == user.id)[0], locale=locale)


def local(moment) -> str:
    return moment.astimezone(COPENHAGEN).strftime("%Y-%m-%dT%H:%M")


def url(accounts, path):
    return f"/residents/{accounts.resident1.id}/{path}"


def add_goal(client, accounts, **data):
    return client.post(url(accounts, "goals"), data={"kind": "job", "idempotency_key": key(1), **data})


def reasons_of(app, advisor, resident) -> list[str]:
    with app.test_request_context():
        rows_ = run(app, caseload, advisor=advisor)
    return next(row.reasons for row in rows_ if row.resident_id == resident.id)


def entries(app, kind) -> list[Entry]:
    return rows(app, Entry, Entry.kind == kind)


def said_in_timeline(client) -> str:
    """The text of the resident's timeline entries, as they read it on their home page (the client is theirs)."""
    html = client.get("/me/").get_data(as_text=True)
    html = html[html.index('<ol id="entries"') :]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def landing(client, response) -> tuple[str, str]:
    """Where the redirect lands (#fragment) and the notice shown inside that item, as a person sees it.

    After every action the answer is in view: the redirect lands at the item that changed (a fragment id) and
    the page shows a notice in words beside it, focused so it is read out. Without JavaScript this is all there
    is; with htmx the same address is followed (test_htmx.py)."""
    assert response.status_code == 303, response.status_code
    path, _, anchor = response.headers["Location"].partition("#")
    assert anchor, response.headers["Location"]
    html = client.get(path).get_data(as_text=True)
    start = html.index(f'id="{anchor}"')
    notice = re.search(r'<p class="notice" role="status" tabindex="-1" autofocus>.*?</p>', html[start:], re.S)
    assert notice, f"no focused notice after #{anchor}"
    assert html.index(notice.group(0), start) < _end_of_item(html, start), f"the notice is not inside #{anchor}"
    return anchor, unescape(re.sub(r"<[^>]+>", "", notice.group(0))).strip()


def _end_of_item(html: str, start: int) -> int:
    tag = re.match(r"<(\w+)", html[html.rindex("<", 0, start) :]).group(1)
    return html.index(f"</{tag}>", start)
