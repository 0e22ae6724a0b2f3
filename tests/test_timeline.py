from __future__ import annotations

import re
from datetime import timedelta

import pytest

from webapp.models import Entry, utcnow

from .conftest import page_text
from .factories import rows, write
from .records_helpers import key, landing

KEY = "0123456789abcdef0123456789abcdef"
HTMX = {"HX-Request": "true"}


def post(client, resident, body, key=KEY, headers=None, **extra):
    return client.post(
        f"/residents/{resident.id}/entries", data={"body": body, "idempotency_key": key, **extra}, headers=headers or {}
    )


def test_resident_message_reaches_advisor_and_reply_reaches_resident(auth, accounts):
    resident = auth.client_for("resident1")
    advisor = auth.client_for("advisor1")
    assert post(resident, accounts.resident1, "مرحبا، أحتاج مساعدة في السيرة الذاتية").status_code == 303
    assert "أحتاج مساعدة" in page_text(advisor.get(f"/advisor/residents/{accounts.resident1.id}"))
    assert post(advisor, accounts.resident1, "Selvfølgelig! Vi ses torsdag.").status_code == 303
    assert "Vi ses torsdag" in page_text(resident.get("/me/"))


def test_messages_are_shown_with_dir_auto(auth, accounts):
    write(auth.app, accounts.resident1, accounts.advisor1, "Hej Fatima")
    html = auth.client_for("resident1").get("/me/").get_data(as_text=True)
    assert re.search(r'<p class="entry__body" dir="auto" id="entry-text-\d+">Hej Fatima</p>', html)


def test_newest_entries_come_first(auth, accounts):
    for n in range(3):
        write(auth.app, accounts.resident1, accounts.resident1, f"message number {n}")
    text = page_text(auth.client_for("resident1").get("/me/"))
    assert text.index("message number 2") < text.index("message number 1") < text.index("message number 0")


def test_resident_sees_when_advisor_has_seen_their_entry(auth, accounts):
    resident = auth.client_for("resident1")
    post(resident, accounts.resident1, "Er du der?")
    page = page_text(resident.get("/me/"))
    assert "Sent" in page and "Seen by your advisor" not in page
    auth.client_for("advisor1").get(f"/advisor/residents/{accounts.resident1.id}")
    assert "Seen by your advisor" in page_text(resident.get("/me/"))


def test_opening_the_timeline_is_audit_logged(auth, accounts):
    from webapp.models import AuditEvent

    auth.client_for("advisor1").get(f"/advisor/residents/{accounts.resident1.id}")
    (event,) = rows(auth.app, AuditEvent, AuditEvent.action == "file_opened")
    assert (event.actor_id, event.subject_id) == (accounts.advisor1.id, accounts.resident1.id)


def test_poll_brings_the_advisors_reply_and_the_seen_mark(auth, accounts):
    resident = auth.client_for("resident1")
    mine = write(auth.app, accounts.resident1, accounts.resident1, "Hello?")
    since = (utcnow() - timedelta(seconds=1)).isoformat()
    auth.client_for("advisor1").get(f"/advisor/residents/{accounts.resident1.id}")
    reply = write(auth.app, accounts.resident1, accounts.advisor1, "Hej, jeg er her")
    response = resident.get(
        f"/residents/{accounts.resident1.id}/updates", query_string={"after": mine.id, "since": since}, headers=HTMX
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="entry-{reply.id}"' in html and "Hej, jeg er her" in html
    assert 'hx-swap-oob="afterbegin:#entries"' in html
    assert re.search(rf'id="seen-{mine.id}" class="seen seen--yes" hx-swap-oob="true"', html)
    assert f'name="after" value="{reply.id}"' in html


def test_poll_with_nothing_new_is_answered_with_no_content_and_no_cookie(auth, accounts):
    entry = write(auth.app, accounts.resident1, accounts.resident1, "Hello")
    resident = auth.client_for("resident1")
    since = utcnow().isoformat()
    response = resident.get(
        f"/residents/{accounts.resident1.id}/updates", query_string={"after": entry.id, "since": since}, headers=HTMX
    )
    assert response.status_code == 204  # htmx leaves the page and its poller as they are
    assert response.get_data() == b""
    assert "Set-Cookie" not in response.headers
    # Something new: the same question now gets the entry and a poller that knows it.
    reply = write(auth.app, accounts.resident1, accounts.advisor1, "Hej")
    response = resident.get(
        f"/residents/{accounts.resident1.id}/updates", query_string={"after": entry.id, "since": since}, headers=HTMX
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="entry-{reply.id}"' in html and f"after={reply.id}" in html


def test_poll_brings_a_seen_mark_even_when_no_entry_is_new(auth, accounts):
    resident = auth.client_for("resident1")
    mine = write(auth.app, accounts.resident1, accounts.resident1, "Er du der?")
    since = utcnow().isoformat()
    url = f"/residents/{accounts.resident1.id}/updates"
    assert resident.get(url, query_string={"after": mine.id, "since": since}, headers=HTMX).status_code == 204
    auth.client_for("advisor1").get(f"/advisor/residents/{accounts.resident1.id}")
    html = resident.get(url, query_string={"after": mine.id, "since": since}, headers=HTMX).get_data(as_text=True)
    assert re.search(rf'id="seen-{mine.id}" class="seen seen--yes" hx-swap-oob="true"', html)
    assert "entry-" not in html


def test_posting_with_htmx_returns_a_fresh_form_and_the_new_entry(auth, accounts):
    resident = auth.client_for("resident1")
    response = post(resident, accounts.resident1, "Jeg kommer i morgen", headers=HTMX, after="0")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.startswith('<form id="message-form"')
    assert KEY not in html.split("</form>")[0]  # a new key for the next message
    assert "Jeg kommer i morgen" in html.split("</form>")[1]
    assert 'id="timeline-poll"' in html and 'hx-swap-oob="true"' in html


def test_double_tap_creates_one_entry(auth, accounts):
    resident = auth.client_for("resident1")
    post(resident, accounts.resident1, "Once only")
    post(resident, accounts.resident1, "Once only")
    post(resident, accounts.resident1, "Once only", headers=HTMX)
    assert len(rows(auth.app, Entry, Entry.body == "Once only")) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write a few words first, or choose a phrase."),
        ("   \n ", "Write a few words first, or choose a phrase."),
        ("x" * 4001, "at most 4,000 characters"),
        ("bad \x07 bell", "hidden control characters"),
    ],
)
def test_bad_message_is_refused_next_to_the_field_and_text_kept(auth, accounts, body, message):
    resident = auth.client_for("resident1")
    response = post(resident, accounts.resident1, body)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in page_text(response)
    assert 'aria-invalid="true"' in html
    if body.strip():
        assert body.replace("\x07", "&#7;") in html or body in html
    assert rows(auth.app, Entry) == []


def test_bad_message_with_htmx_swaps_only_the_form(auth, accounts):
    resident = auth.client_for("resident1")
    response = post(resident, accounts.resident1, "x" * 4001, headers=HTMX)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith("<form") and "<html" not in html
    assert "x" * 4001 in html


def test_message_of_4000_characters_with_newlines_is_accepted(auth, accounts):
    body = ("line\r\n" * 800)[:4000]
    assert post(auth.client_for("resident1"), accounts.resident1, body).status_code == 303
    (entry,) = rows(auth.app, Entry)
    assert "\r" not in entry.body and entry.body.count("\n") > 600


def test_failed_send_note_is_in_the_page_and_translated(auth, accounts):
    client = auth.client_for("resident1")
    client.get("/me/?lang=ar")
    html = client.get("/me/").get_data(as_text=True)
    assert "data-send-error" in html
    assert re.search(r'class="send-error" role="alert" hidden', html)
    assert "Not sent — try again." not in html


def test_timeline_pages_with_a_cursor(auth, accounts):
    for n in range(75):
        write(auth.app, accounts.resident1, accounts.resident1, f"entry {n:02d}.")
    resident = auth.client_for("resident1")
    first = page_text(resident.get("/me/"))
    assert "entry 74." in first and "entry 45." in first and "entry 44." not in first
    html = resident.get("/me/").get_data(as_text=True)
    older_url = re.search(r'hx-get="(/residents/\d+/entries\?before=\d+)"', html).group(1)
    second = resident.get(older_url, headers=HTMX)
    second_text = page_text(second)
    assert "entry 44." in second_text and "entry 15." in second_text and "entry 45." not in second_text
    assert "<html" not in second.get_data(as_text=True)
    third_url = re.search(r'hx-get="(/residents/\d+/entries\?before=\d+)"', second.get_data(as_text=True)).group(1)
    third = resident.get(third_url)  # without JavaScript: a whole page
    assert "<html" in third.get_data(as_text=True)
    assert "entry 00." in page_text(third) and "entries?before" not in third.get_data(as_text=True)


def test_resident_without_advisor_is_told_so(auth, accounts):
    from sqlalchemy import update

    from webapp.models import User

    from .factories import run

    run(
        auth.app,
        lambda s: (s.execute(update(User).where(User.id == accounts.resident1.id).values(advisor_id=None)), s.commit()),
    )
    client = auth.client_for("resident1")
    assert "You do not have a personal job advisor yet" in page_text(client.get("/me/"))


def test_advisor_poll_marks_new_resident_entries_seen(auth, accounts):
    advisor = auth.client_for("advisor1")
    advisor.get(f"/advisor/residents/{accounts.resident1.id}")
    entry = write(auth.app, accounts.resident1, accounts.resident1, "Are you there?")
    assert rows(auth.app, Entry, Entry.id == entry.id)[0].seen_at is None
    advisor.get(f"/residents/{accounts.resident1.id}/updates", query_string={"after": entry.id - 1}, headers=HTMX)
    assert rows(auth.app, Entry, Entry.id == entry.id)[0].seen_at is not None


def test_residents_own_poll_does_not_mark_anything_seen(auth, accounts):
    entry = write(auth.app, accounts.resident1, accounts.resident1, "Hello")
    auth.client_for("resident1").get(
        f"/residents/{accounts.resident1.id}/updates", query_string={"after": 0}, headers=HTMX
    )
    assert rows(auth.app, Entry, Entry.id == entry.id)[0].seen_at is None


@pytest.mark.parametrize(
    "headers",
    [{}, {"HX-Request": "true", "HX-Boosted": "true"}, {"HX-Request": "true", "HX-History-Restore-Request": "true"}],
)
def test_boosted_and_history_restore_requests_get_the_whole_page(auth, accounts, headers):
    write(auth.app, accounts.resident1, accounts.advisor1, "Hej Fatima")
    response = auth.client_for("resident1").get(
        f"/residents/{accounts.resident1.id}/entries", query_string={"before": 2**31 - 1}, headers=headers
    )
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith("<!doctype html>") and "</html>" in html
    assert "Hej Fatima" in html
    assert {"HX-Request", "HX-Boosted", "HX-History-Restore-Request"} <= set(response.vary)


def test_an_htmx_swap_gets_only_its_part_and_says_it_varies(auth, accounts):
    write(auth.app, accounts.resident1, accounts.advisor1, "Hej Fatima")
    response = auth.client_for("resident1").get(
        f"/residents/{accounts.resident1.id}/entries", query_string={"before": 2**31 - 1}, headers=HTMX
    )
    html = response.get_data(as_text=True)
    assert "<html" not in html and "Hej Fatima" in html
    assert "HX-Request" in response.vary


def test_every_kind_of_entry_has_its_data_and_its_partial():
    from pathlib import Path

    from webapp.models import EntryKind
    from webapp.timeline import kinds

    templates = Path(__file__).resolve().parent.parent / "webapp" / "templates"
    assert set(kinds.BUILDERS) == set(EntryKind)
    assert [kind for kind in EntryKind if not (templates / kinds.partial(kind)).is_file()] == []


def test_a_message_sent_without_javascript_lands_at_it_saying_sent(auth, accounts, resident):
    response = resident.post(
        f"/residents/{accounts.resident1.id}/entries",
        data={"body": "Jeg kommer lidt senere.", "idempotency_key": key(1)},
    )
    (entry,) = rows(auth.app, Entry)
    assert landing(resident, response) == (f"entry-{entry.id}", "Sent")
