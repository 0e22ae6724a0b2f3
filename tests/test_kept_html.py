"""Entries and caseload rows are written once and then kept (kept_html.py): what is kept is never another
reader's, never out of date, and never holds what belongs to one request alone."""

from __future__ import annotations

import re

import pytest
from jinja2.environment import Template

from webapp.models import User

from .conftest import page_text
from .factories import set_values, write
from .records_helpers import key


@pytest.fixture
def written(monkeypatch):
    """The names of the templates rendered on their own (an entry or a row written, not taken from what is kept)."""
    names = []
    render = Template.render

    def counted(self, *args, **kwargs):
        names.append(self.name)
        return render(self, *args, **kwargs)

    monkeypatch.setattr(Template, "render", counted)
    return names


def entry_html(html: str, entry_id: int) -> str:
    return re.search(rf'<li id="entry-{entry_id}".*?</li>', html, re.S).group(0)


def test_an_entry_is_written_once_and_then_kept(auth, accounts, resident, written):
    entries = [write(auth.app, accounts.resident1, accounts.resident1, f"Besked {n}") for n in range(5)]
    first = resident.get("/me/").get_data(as_text=True)
    assert written.count("timeline/_entry.html") == 5
    again = resident.get("/me/").get_data(as_text=True)
    assert written.count("timeline/_entry.html") == 5
    assert [entry_html(again, entry.id) for entry in entries] == [entry_html(first, entry.id) for entry in entries]


def test_an_entry_kept_for_the_advisor_is_not_the_residents(auth, accounts, resident):
    entry = write(auth.app, accounts.resident1, accounts.resident1, "Hvornår ses vi?")
    advisor_sees = auth.client_for("advisor1").get(f"/advisor/residents/{accounts.resident1.id}")
    resident_sees = entry_html(resident.get("/me/").get_data(as_text=True), entry.id)
    assert "entry--theirs" in entry_html(advisor_sees.get_data(as_text=True), entry.id)
    assert "entry--mine" in resident_sees and "Seen by your advisor" in resident_sees


def test_a_kept_entry_shows_the_authors_new_name(auth, accounts, resident):
    entry = write(auth.app, accounts.resident1, accounts.advisor1, "Vi ses torsdag.")
    assert "Mette" in entry_html(resident.get("/me/").get_data(as_text=True), entry.id)
    set_values(auth.app, User, User.id == accounts.advisor1.id, display_name="Mette Sørensen")
    assert "Mette Sørensen" in entry_html(resident.get("/me/").get_data(as_text=True), entry.id)


def test_a_kept_entry_follows_the_readers_language(auth, accounts, resident):
    entry = write(auth.app, accounts.resident1, accounts.resident1, "Er du der?")
    assert "Sent" in entry_html(resident.get("/me/").get_data(as_text=True), entry.id)
    set_values(auth.app, User, User.id == accounts.resident1.id, locale="da")
    assert "Sendt" in entry_html(resident.get("/me/").get_data(as_text=True), entry.id)


def test_the_notice_beside_a_sent_message_is_shown_once_and_never_kept(auth, accounts, resident):
    response = resident.post(
        f"/residents/{accounts.resident1.id}/entries",
        data={"body": "Jeg kommer lidt senere.", "idempotency_key": key(1)},
    )
    landed = resident.get(response.headers["Location"]).get_data(as_text=True)
    entry_id = int(response.headers["Location"].rsplit("entry-", 1)[1])
    assert 'class="notice"' in entry_html(landed, entry_id)
    assert 'class="notice"' not in entry_html(resident.get("/me/").get_data(as_text=True), entry_id)


def test_the_ask_for_a_phrase_form_gets_this_requests_token_and_a_new_once_key(auth, accounts, resident):
    """The form under a message the resident cannot read is kept with stand-ins for what is this request's alone."""
    from webapp.timeline.display import CSRF_SLOT, KEY_SLOT

    entries = [write(auth.app, accounts.resident1, accounts.advisor1, f"Hej Fatima, vi ses kl. {n}.") for n in (9, 10)]
    set_values(auth.app, User, User.id == accounts.resident1.id, locale="ar")
    keys = []
    for _ in range(2):
        html = resident.get("/me/").get_data(as_text=True)
        forms = [entry_html(html, entry.id) for entry in entries]
        keys += [re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', form)[1] for form in forms]
        # This request's token, as the page's other forms have it.
        page_token = re.search(r'id="message-form".*?name="csrf_token" value="([^"]+)"', html, re.S)[1]
        assert [re.search(r'name="csrf_token" value="([^"]+)"', form)[1] for form in forms] == [page_token] * 2
        assert CSRF_SLOT not in html and KEY_SLOT not in html
    assert len(set(keys)) == 4


def test_a_caseload_row_is_kept_until_the_resident_changes(auth, accounts, written):
    advisor = auth.client_for("advisor1")
    advisor.get("/advisor/")
    rows_written = written.count("advisor/_caseload_row.html")
    assert rows_written == 2  # resident1 and resident2
    advisor.get("/advisor/")
    assert written.count("advisor/_caseload_row.html") == rows_written
    write(auth.app, accounts.resident1, accounts.resident1, "Kan du ringe til mig?")
    text = page_text(advisor.get("/advisor/"))
    assert "1 entry waits for an answer" in text
    assert written.count("advisor/_caseload_row.html") == rows_written + 1
