"""The export's page: everything about the resident as one printable HTML file, in the resident's language,
written entry by entry from templates/export/."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from babel.lists import format_list
from babel.units import format_unit
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..i18n import language
from ..models import Appointment, Barrier, CheckIn, Entry, EntryKind, Goal
from ..outcomes import situations
from ..roles import ROLE_LABELS
from ..signup.forms import CONTACT_CHOICES
from ..templating import per_render
from ..timeline import kinds
from .services import Export, Summary

# How much of each kind there is, named as on "My data".
HELD = (
    (_l("Entries in your timeline"), "entries"),
    (_l("Messages"), "messages"),
    (_l("Voice messages"), "voice"),
    (_l("Days you said how you are"), "checkins"),
    (_l("Barriers"), "barriers"),
    (_l("Goals"), "goals"),
    (_l("Appointments"), "appointments"),
    (_l("Asked to be contacted"), "contact_requests"),
    (_l("Situations"), "situations"),
    (_l("Times you waited for an answer"), "answer_times"),
)
# A wait, in its two largest parts ("2 days and 3 hours", "20 minutes"): seconds only under a minute.
WAIT_UNITS = (("duration-day", 86400), ("duration-hour", 3600), ("duration-minute", 60))


# In the app these play, or are read aloud; the copy says them plainly (templates/export/kinds/).
PLAIN = (EntryKind.MESSAGE, EntryKind.PHRASE, EntryKind.VOICE)
# The copy is the resident's, whoever downloads it: these say "your" where the app says it to the reader.
TO_THE_RESIDENT = (EntryKind.SITUATION, EntryKind.FOLLOW_UP)


def _kind_template(kind: str) -> str:
    return f"export/kinds/{kind}.html" if kind in PLAIN + TO_THE_RESIDENT else kinds.partial(kind)


def _no_icon(*_args, **_kwargs) -> Markup:
    # The app's icons live in a file beside its pages; the copy stands alone, so it is words only.
    return Markup("")


def waited(seconds: int) -> str:
    """How long a wait was, in the reader's language, with the words and plurals of Babel's own data."""
    locale = get_locale()
    if seconds < 60:
        return format_unit(max(seconds, 0), "duration-second", length="long", locale=locale)
    parts, rest = [], seconds
    for unit, size in WAIT_UNITS:
        amount, rest = divmod(rest, size)
        if amount or parts:
            parts.append((unit, amount))
    said = [format_unit(amount, unit, length="long", locale=locale) for unit, amount in parts[:2] if amount]
    return format_list(said, locale=locale)


def _context(export: Export, summary: Summary, voice_file: Callable[[Entry], str | None]) -> dict:
    """Call with the resident's locale forced: `per_render` takes the translations of the moment."""
    return {
        **per_render(),
        "kind_template": _kind_template,
        "resident": export.resident,
        "language": language(export.resident.locale),
        "made_at": export.made_at,
        "summary": summary,
        "held": HELD,
        "contact_choices": CONTACT_CHOICES,
        "role_labels": ROLE_LABELS,
        "voice_file": voice_file,
        "icon": _no_icon,
        "situation_label": situations.label,
        "waited": waited,
    }


def html(export: Export, summary: Summary, voice_file: Callable[[Entry], str | None]) -> Iterator[str]:
    """The page, a piece at a time: records and entries are read as the template reaches them."""
    template = current_app.jinja_env.get_template("export/document.html")
    return template.generate(
        **_context(export, summary, voice_file),
        checkins=export.records(CheckIn),
        barriers=export.records(Barrier),
        goals=export.records(Goal),
        appointments=export.records(Appointment),
        contact_requests=export.contact_requests(),
        situations=export.situations(),
        answer_times=export.answer_times(),
        entries=export.entries(),
    )


def entry_text(export: Export, summary: Summary, voice_file: Callable[[Entry], str | None]) -> Callable[[Entry], str]:
    """What an entry says, as plain text: the same words the page shows for it."""
    said = (
        current_app.jinja_env.get_template("export/_entry.html").make_module(_context(export, summary, voice_file)).said
    )
    return lambda entry: Markup(said(entry)).striptags()
