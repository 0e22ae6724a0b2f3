"""Page builders take the viewer as a parameter and return (template, context): a test or the CLI can build a
page with no request, for whoever it names."""

from __future__ import annotations

import pytest
from flask import has_request_context

from webapp.auth import device_sessions
from webapp.models import User
from webapp.pages import records as record_pages
from webapp.pages import timeline as timeline_pages
from webapp.records import barriers

from .factories import run


def one(app, user: User) -> User:
    return run(app, lambda db: db.get(User, user.id))


@pytest.mark.parametrize(
    ("viewer", "may_add", "may_change_status"),
    [
        ("resident1", True, True),
        ("advisor1", False, True),  # their advisor: a barrier is the resident's to name, and both may mark it solved
    ],
)
def test_the_barriers_page_is_built_for_the_viewer_it_is_given_without_a_request(
    app, accounts, viewer, may_add, may_change_status
):
    resident = one(app, accounts.resident1)
    added = run(app, barriers.add, resident=resident, key="transport", words=None, idempotency_key="b" * 32).barrier

    def build(db):
        assert not has_request_context()
        return record_pages.barriers_page(db, one(app, getattr(accounts, viewer)), resident)

    template, context = run(app, build)
    assert template == "records/barriers.html"
    assert context["resident"].id == resident.id
    assert [barrier.id for barrier in context["barrier_list"]] == [added.id]
    assert context["may"]("add_barrier") is may_add
    assert context["may"]("barrier_status", added) is may_change_status


def test_the_residents_home_is_built_without_a_request(app, accounts):
    resident = one(app, accounts.resident1)

    def build(db):
        assert not has_request_context()
        # The message box names the sign-in it was shown in: the viewer is a resident signed in somewhere.
        device_sessions.start_device_session(db, user=resident)
        return timeline_pages.resident_home(db, resident, thanks=True)

    template, context = run(app, build)
    assert template == "resident/home.html"
    assert context["thanks"] is True and context["replaced"] is False
    assert context["may_write"] is True  # the resident writes in their own timeline
    assert context["reader_locale"] is None  # a resident's message box has no other reader's language to show
    assert context["sign_in_ticket"]
