"""The timeline's poll when nothing is new, answered before Flask-Login, the ORM and the page's headers.

An open timeline asks every few seconds whether anything changed (static/js/app.js), and nearly always nothing
has: at national scale most requests are this poll. Here it costs one statement, in autocommit
(`db.autocommit_engine`): the sign-in's device session with its person, the resident asked about, and the three
marks `services.anything_new` compares. When that row says the sign-in is live, the reader may read this
timeline and nothing is new, the answer is a bare 204.

Anything else goes on, unchanged, to the view (`views.updates`) and the checks before it, which decide as they
always have: something new, a refusal (401 with HX-Redirect, 404), a sign-in on the community-house tablet, a
staff sign-in still waiting for its second factor, a resident asked to agree to the consent again, `?lang=`, a
parameter the view refuses, a database that does not answer. No refusal or redirect is made here.

The poll is passive: it never notes the sign-in's use (`last_seen_at`), so it does not keep an idle staff
sign-in alive; the view's path does not either.

Only the request id and security.py's refusals (an address too long, a NUL) run before this. Each check that
runs after it for every request is either asked here too or sends the poll on: tests/test_poll.py names each
one, so a new one has to be placed.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, Response, request, session
from sqlalchemy import Integer, bindparam, select
from sqlalchemy.exc import SQLAlchemyError

from .. import policy
from ..auth import device_sessions
from ..auth.second_factor import signing_in
from ..db import autocommit_engine, from_row
from ..htmx import wants_fragment
from ..models import DeviceSession, User, utcnow
from ..params import bounded_int, moment
from ..signup import consent
from . import services

ENDPOINT = "timeline.updates"
# Where Flask-Login keeps the device session's token (auth/session.py: User.get_id).
TOKEN_KEY = "_user_id"

# What the checks below read of the reader and of the resident: any other attribute raises (db.from_row).
READER = ("id", "role", "active", "consent_version")
RESIDENT = ("id", "role", "advisor_id")
_sessions, _readers = DeviceSession.__table__, User.__table__
_residents = _readers.alias("resident")
_resident_id = bindparam("resident_id", type_=Integer)
QUESTION = (
    select(
        *device_sessions.SIGN_IN,
        *(_readers.c[name] for name in READER),
        *(_residents.c[name] for name in RESIDENT),
        *services.latest_marks(_resident_id),
    )
    .select_from(
        _sessions.join(_readers, _readers.c.id == _sessions.c.user_id).outerjoin(
            _residents, _residents.c.id == _resident_id
        )
    )
    .where(_sessions.c.token_hash == bindparam("token_hash"))
)
_READER_AT = len(device_sessions.SIGN_IN)
_RESIDENT_AT = _READER_AT + len(READER)
_MARKS_AT = _RESIDENT_AT + len(RESIDENT)


class NothingNew(Response):
    """A 204 has no body, so none of a page's headers (security.py, htmx.py, compression) govern anything.
    Sent are the request id (the access log's, gunicorn_conf.py), no-store (a stored 204 would hide what comes
    next) and a cookie if anything ever set one (tests/test_poll.py checks that nothing does)."""

    SENT = frozenset({"x-request-id", "cache-control", "set-cookie"})

    def __init__(self) -> None:
        super().__init__(status=204)

    def get_wsgi_headers(self, environ):
        headers = super().get_wsgi_headers(environ)
        return headers.__class__([(name, value) for name, value in headers if name.lower() in self.SENT])


def answer_nothing_new() -> Response | None:
    """The bare 204, or None to go on to the view."""
    if request.endpoint != ENDPOINT or request.method not in ("GET", "HEAD") or not wants_fragment():
        return None
    token = session.get(TOKEN_KEY)
    question = _question()
    if not isinstance(token, str) or question is None or "lang" in request.args:
        return None
    resident_id, after, since = question
    try:
        with autocommit_engine().connect() as connection:
            row = connection.execute(
                QUESTION, {"resident_id": resident_id, "token_hash": device_sessions.token_hash(token)}
            ).first()
    except SQLAlchemyError:
        # The view's path asks again on a connection its pool has pinged, and answers for the database.
        return None
    if row is None or not _may_read(row, token):
        return None
    if services.is_news(*row[_MARKS_AT:], after=after, seen_since=since):
        return None
    return NothingNew()


def _question() -> tuple[int, int, datetime | None] | None:
    """The resident, `after` and `since` as the view reads them; None for anything it would refuse."""
    text = request.args.get("after")
    after = bounded_int(text) if text else 0
    try:
        since = moment(request.args.get("since"))
    except ValueError:
        return None
    return None if after is None else (request.view_args["resident_id"], after, since)


def _may_read(row, token: str) -> bool:
    """The view's checks, on the row: the sign-in (auth/session.py), the gates of every request
    (second_factor/views.py, resident/views.py), and the policy's. Only a "yes" to each is answered here."""
    record = device_sessions.SignIn(*row[:_READER_AT])
    reader = device_sessions.signed_in(record, from_row(User, READER, row[_READER_AT:_RESIDENT_AT]), token, utcnow())
    if reader is None or reader.on_shared_device:  # the tablet's few sign-ins keep its own rules (auth/tablet.py)
        return False
    if signing_in.required(reader) and not signing_in.confirmed(reader):
        return False
    if reader.is_resident and not consent.is_current(reader):
        return False
    found = row[_RESIDENT_AT]  # the resident's id: none if the outer join found nobody
    resident = from_row(User, RESIDENT, row[_RESIDENT_AT:_MARKS_AT]) if found is not None else None
    return policy.may_see_timeline(reader, resident)


def init_app(app: Flask) -> None:
    """Before the checks that load the signed-in person or take the request's connection (db.py)."""
    app.before_request(answer_nothing_new)
