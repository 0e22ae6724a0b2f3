"""Numbers from the address and from forms, kept within what the database can hold.

PostgreSQL's `integer` ends at 2^31 - 1 and SQLite's at 2^63 - 1; a larger id or cursor sent
by hand must be a "not found" or a "bad request", never a database error.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


def bounded_int(text: str | None) -> int | None:
    """A whole number from 0 to MAX_ID written in ASCII digits, else None."""
    if not text or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def int_param(values, name: str, default: int | None = None) -> int | None:
    """`?before=`, `after=` and the like: missing gives the default, anything but a fitting number is a 400."""
    text = values.get(name)
    if text is None or text == "":
        return default
    number = bounded_int(text)
    if number is None:
        abort(400)
    return number


def moment(text: str | None) -> datetime | None:
    """`?since=`: an ISO moment with its offset, as the page sent it, in UTC; None if none was sent.
    ValueError for anything else: no offset, not a moment, or one before year 1 once in UTC."""
    if not text:
        return None
    found = datetime.fromisoformat(text)
    if found.tzinfo is None:
        raise ValueError("a moment without its offset")
    try:
        return found.astimezone(UTC)
    except OverflowError as error:
        raise ValueError("a moment before year 1") from error


class IdConverter(IntegerConverter):
    """`<int:…>` in a route: an id past what the database holds matches no route (404)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 (werkzeug's name)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
