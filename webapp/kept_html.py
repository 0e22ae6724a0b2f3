"""HTML already written, kept by everything it was made of: the timeline's entries and the caseload's rows,
which are written once and read many times, and whose writing was most of a page's time."""

from __future__ import annotations

from contextlib import suppress
from typing import NamedTuple

from flask import current_app, get_flashed_messages, request
from flask_babel import get_locale

KEPT_PIECES = 4096  # about 1 KB each, per worker and kind of piece


class KeptHTML:
    """Pieces of HTML already written, by everything each was made of, newest use last. An entry or a caseload
    row is written once and read many times (every open of the page), and writing them is most of a page's
    time. Kept per app, in memory: nothing is shared between workers or kept over a restart.

    A key holds everything the piece shows: its caller builds it from the piece's view, and `kept_html` adds
    the reader's language and the app's address. A piece that holds something of this request alone
    (a CSRF token, a once-key, a notice) is never kept: its caller renders it itself."""

    def __init__(self, size: int = KEPT_PIECES):
        self.size, self.items = size, {}

    def get_or_render(self, key, template, **context) -> str:
        html = self.items.pop(key, None)
        if html is None:
            html = template.render(**context)
            if len(self.items) >= self.size:
                # Another thread may change it meanwhile: then the next write evicts.
                with suppress(RuntimeError, StopIteration):
                    self.items.pop(next(iter(self.items)), None)
        self.items[key] = html
        return html


class KeptForRequest(NamedTuple):
    """A `KeptHTML` as this request reads it: in the reader's language, at the app's address."""

    store: KeptHTML
    scope: tuple

    def get_or_render(self, key, template, **context) -> str:
        return self.store.get_or_render((self.scope, key), template, **context)


def kept_html(kind: str) -> KeptForRequest | None:
    """The pieces of one kind kept by this app; None while templates are read again on change (debug)."""
    app = current_app
    if app.jinja_env.auto_reload:
        return None
    store = app.extensions.setdefault("kept_html", {}).setdefault(kind, KeptHTML())
    return KeptForRequest(store, (str(get_locale()), request.script_root))


def flashed_at() -> set[str]:
    """The anchors this response has a notice beside (flash(..., "at:<anchor>"))."""
    return {category[3:] for category, _message in get_flashed_messages(with_categories=True) if category[:3] == "at:"}
