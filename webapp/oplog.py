"""What operators read about the app at work: one JSON object per line on stderr, for sign-ins, pairing,
erasure, backups and every server error.

A person is their numeric id, never a name, username, PIN, password, message text or phone number: callers
pass ids, counts and short codes only. Each line carries the request id that the response's X-Request-Id
header carries too, so the "reference for the staff" on an error page leads to its line.
"""

from __future__ import annotations

import logging
import sys

from flask import Flask, g, has_request_context
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.orm import Session

logger = logging.getLogger("sammen.events")

# Audited actions that the operators' log tells as well, under these names, once their transaction is
# committed. The line takes the audit row's ids and its numbers and yes/no values, never its text.
AUDITED = {
    "pairing_link_made": "pairing.link_made",
    "phone_paired": "pairing.link_used",
    "pin_reset": "pairing.pin_reset",
    "tablet_registered": "pairing.tablet_registered",
    "device_removed": "device.removed",
    "account_locked": "account.locked",
    "account_unlocked": "account.unlocked",
}
PENDING = "oplog_pending"


def event(name: str, **fields: object) -> None:
    """`name` is a dotted kind such as "signin.failed"; fields are ids, counts and short codes."""
    logger.info(name, extra={"event": name, **fields})
    from . import metrics  # here, not above: see create_app

    metrics.count_event(name, fields)


def audited(session: Session, action: str, *, actor_id: int | None, subject_id: int | None, detail: dict) -> None:
    """The event for an audit row, told when the caller's transaction commits (never for a rolled-back one)."""
    if action not in AUDITED:
        return
    fields = {key: value for key, value in detail.items() if _plain(value)}
    if actor_id is None and not has_request_context():
        fields["via"] = "cli"
    session.info.setdefault(PENDING, []).append(
        (AUDITED[action], {"actor_id": actor_id, "user_id": subject_id, **fields})
    )


def _plain(value: object) -> bool:
    """Numbers and yes/no: ids and counts. Text may be a name, so it stays in the audit log only."""
    if isinstance(value, list):
        return all(isinstance(item, int) for item in value)
    return isinstance(value, (int, bool))


def _tell_committed(session: Session) -> None:
    for name, fields in session.info.pop(PENDING, []):
        event(name, **fields)


def _forget_rolled_back(session: Session) -> None:
    session.info.pop(PENDING, None)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id") if has_request_context() else None
        return True


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a line is written: gunicorn's, or a test's capture."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def json_handler() -> logging.Handler:
    """On the handler, the filter reaches the lines of the loggers below the app's too (webapp.*)."""
    handler = StderrHandler()
    handler.setFormatter(
        JsonFormatter(
            "%(levelname)s %(name)s %(message)s", timestamp=True, rename_fields={"levelname": "level", "name": "logger"}
        )
    )
    handler.addFilter(RequestIdFilter())
    return handler


def init_app(app: Flask) -> None:
    """JSON lines for the app's own logger and for the events; set anew by each app, never added twice."""
    for each in (app.logger, logger):
        each.handlers[:] = [json_handler()]
    logger.setLevel(logging.INFO)
    if not sqlalchemy_event.contains(Session, "after_commit", _tell_committed):
        sqlalchemy_event.listen(Session, "after_commit", _tell_committed)
        sqlalchemy_event.listen(Session, "after_rollback", _forget_rolled_back)
