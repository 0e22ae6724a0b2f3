"""How phrases and voice messages read in a template: each phrase in the reader's own language, with
its date, time and place formatted for them."""

from __future__ import annotations

import uuid
from datetime import date

from flask import Flask
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from .. import i18n
from ..dates import format_time, reader, weekday_day
from . import phrases

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
    return _translated(phrase.text) % {name: PLACEHOLDER for name in phrase.params}


def urgent_text(key: str | None) -> str:
    phrase = phrases.PHRASES.get(key or "")
    return str(_translated(phrase.text)) if phrase else ""


def duration(seconds: float | None) -> str:
    """1:05 — minutes and seconds, as a player shows them."""
    whole = round(seconds or 0)
    return f"{whole // 60}:{whole % 60:02d}"


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        phrase_text=phrase_text,
        phrase_preview=phrase_preview,
        unreadable_for=i18n.unreadable_for,
        text_language=i18n.text_language,
        voice_refusals=VOICE_REFUSALS,
        new_key=lambda: uuid.uuid4().hex,
    )
    app.jinja_env.filters.update(duration=duration)
