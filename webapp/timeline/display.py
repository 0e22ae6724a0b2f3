"""How entries read in a template: each entry worked out once for its reader (`entry_views`), each phrase
in the reader's own language, with its date, time and place formatted for them."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from .. import i18n
from ..dates import format_time, html_moment, reader, weekday_day, when
from ..kept_html import flashed_at, kept_html
from ..models import Entry, EntryKind, User
from . import kinds, phrases

PLACEHOLDER = "…"

# Why a recording was not kept (timeline/voice.py), said next to the file field.
VOICE_REFUSALS = {
    "empty": _l("The recording is empty. Record again, or choose another recording."),
    "too_large": _l("The recording is too large. A voice message can be at most 2 minutes."),
    "too_long": _l("The recording is longer than 2 minutes. Please record a shorter one."),
    "not_audio": _l(
        "This file is not a recording the app can play. Record here, or choose a recording from your phone."
    ),
    "damaged": _l("This recording is damaged or not complete. Please record it again."),
}


def _translated(english: str) -> Markup:
    return Markup(escape(reader().translations.ugettext(english)))


def phrase_text(data: dict) -> Markup:
    """A stored phrase as this reader reads it."""
    english = phrases.text_of(data.get("phrase", ""), data.get("version", 1))
    if english is None:  # a phrase from a newer version of the app than this one
        return escape(reader().gettext("(a phrase this version of the app does not know)"))
    params = data.get("params") or {}
    values = {}
    if phrases.DATE in params:
        values[phrases.DATE] = weekday_day(date.fromisoformat(params[phrases.DATE]))
    if phrases.TIME in params:
        hour, minute = (int(part) for part in params[phrases.TIME].split(":"))
        values[phrases.TIME] = format_time(hour, minute)
    if phrases.PLACE in params:
        values[phrases.PLACE] = Markup('<bdi dir="auto">{}</bdi>').format(params[phrases.PLACE])
    return _translated(english) % values


def phrase_preview(phrase: phrases.Phrase) -> Markup:
    """A phrase in the phrase book: what it says, with "…" where its date, time or place go."""
    return _preview(reader().translations, phrase)


@lru_cache(maxsize=1024)
def _preview(translations, phrase: phrases.Phrase) -> Markup:
    # The book is the same on every page in a language: about fifty phrases, written once.
    return Markup(escape(translations.ugettext(phrase.text))) % {name: PLACEHOLDER for name in phrase.params}


def urgent_text(key: str | None) -> str:
    phrase = phrases.PHRASES.get(key or "")
    return str(_translated(phrase.text)) if phrase else ""


@dataclass(slots=True)
class EntryView:
    """One entry as one reader sees it: what `timeline/_entry.html` and the kinds' partials write out, worked out
    in one pass over the page's entries, so the templates format and look up nothing per entry."""

    id: int
    kind: str
    partial: str  # templates/timeline/kinds/<kind>.html
    resident_id: int
    author: str  # the writer's name, as they gave it
    mine: bool  # written by the reader
    body: str | None
    data: dict
    when: str  # "today at 14:05", in the reader's language and Copenhagen time
    moment: str  # for <time datetime>
    seen: bool | None  # the resident's own entry seen by their advisor; None where that is not shown
    heard: bool | None  # the reader's own voice message played by the other side; None where not shown
    unreadable: bool  # words to the resident in a script their language does not use
    language: str | None  # the tag a message is read aloud in
    phrase: Markup | None  # a phrase in the reader's language
    to_resident: bool  # the reader is the resident ("your situation")

    def key(self) -> tuple:
        """Everything the entry's HTML is made of, besides the reader's language (see `entries_html`)."""
        return (
            self.id,
            self.kind,
            self.resident_id,
            self.author,
            self.mine,
            self.body,
            repr(self.data),
            self.when,
            self.moment,
            self.seen,
            self.heard,
            self.language,
            self.phrase,
            self.to_resident,
        )


def entry_views(entries: Iterable[Entry], viewer: User) -> list[EntryView]:
    """The entries as `viewer` reads them (each with its author loaded)."""
    to_resident = viewer.is_resident
    views = []
    for entry in entries:
        kind, body, author = entry.kind, entry.body, entry.author
        by_resident = entry.author_id == entry.resident_id
        mine = entry.author_id == viewer.id
        views.append(
            EntryView(
                id=entry.id,
                kind=kind,
                partial=kinds.partial(kind),
                resident_id=entry.resident_id,
                author=author.display_name,
                mine=mine,
                body=body,
                data=entry.data or {},
                when=when(entry.created_at),
                moment=html_moment(entry.created_at),
                seen=entry.seen_at is not None if by_resident and to_resident else None,
                heard=entry.heard_at is not None if kind == EntryKind.VOICE and mine else None,
                unreadable=to_resident and not by_resident and i18n.unreadable_for(body, viewer.locale),
                language=i18n.text_language(body, author.locale, viewer.locale) if kind == EntryKind.MESSAGE else None,
                phrase=phrase_text(entry.data or {}) if kind == EntryKind.PHRASE else None,
                to_resident=to_resident,
            )
        )
    return views


# Stand-ins, while an entry's HTML is kept, for what the "ask for a phrase" form under it holds of one request
# alone: the CSRF token and the once-key. Random, so no words anyone writes can be taken for them.
_SLOT = secrets.token_hex(8)
CSRF_SLOT, KEY_SLOT = f"csrf-{_SLOT}", f"once-{_SLOT}"


def entries_html(entries: Iterable[Entry], viewer: User) -> Markup:
    """The entries as `viewer` reads them, each written by templates/timeline/_entry.html.

    An entry's HTML is kept (kept_html.py) by its view (`EntryView.key`: every word, date, mark and flag it
    shows), the reader's language and the app's address, so a reader gets kept HTML only where writing it again
    would give the same bytes: a changed mark, name or day makes another key. The "ask for a phrase" form under
    a message the resident cannot read is kept with stand-ins for this request's CSRF token and once-key, put
    in at each use. Not kept: an entry with a notice beside it (a flash for this request), and nothing while
    templates are read again on change (debug)."""
    template = current_app.jinja_env.get_template("timeline/_entry.html")
    kept = kept_html("entries")
    noticed = flashed_at()
    parts = []
    for view in entry_views(entries, viewer):
        if kept is None or f"entry-{view.id}" in noticed:
            parts.append(template.render(entry=view))
        elif view.unreadable:
            html = kept.get_or_render(
                view.key(), template, entry=view, csrf_token=CSRF_SLOT.__str__, new_key=KEY_SLOT.__str__
            )
            parts.append(html.replace(CSRF_SLOT, generate_csrf()).replace(KEY_SLOT, uuid.uuid4().hex))
        else:
            parts.append(kept.get_or_render(view.key(), template, entry=view))
    return Markup("".join(parts))


def duration(seconds: float | None) -> str:
    """1:05 — minutes and seconds, as a player shows them."""
    whole = round(seconds or 0)
    return f"{whole // 60}:{whole % 60:02d}"


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        phrase_text=phrase_text,
        entries_html=entries_html,
        phrase_preview=phrase_preview,
        unreadable_for=i18n.unreadable_for,
        text_language=i18n.text_language,
        voice_refusals=VOICE_REFUSALS,
        new_key=lambda: uuid.uuid4().hex,
    )
    app.jinja_env.filters.update(duration=duration)
