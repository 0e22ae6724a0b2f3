"""What every template can use: the filters and globals registered here, and the per-render gettext."""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, g
from flask_babel import get_translations
from flask_login import current_user
from markupsafe import Markup

from . import dates, devices
from .advisor.caseload_rows import caseload_rows_html
from .contact_ways import CONTACT_PREFERENCES, phone
from .icons import icon
from .models import utcnow
from .outcomes import situations
from .records import catalog


def focus_here() -> Markup:
    """` autofocus` for the first element of this response that asks: the first field a refused form
    got wrong, or the notice beside what just changed. Browsers honour it on load, htmx after a swap."""
    if g.get("focus_given"):
        return Markup("")
    g.focus_given = True
    return Markup(" autofocus")


def bdi(text: str | None) -> Markup:
    """Isolate a name people wrote inside a translated sentence, whatever its script."""
    return Markup("<bdi>{}</bdi>").format(text or "")


@lru_cache(maxsize=4096)
def _translated(translations, string: str) -> Markup:
    """A string without variables as the reader reads it, escaped and formatted as Jinja's new-style gettext
    does ("%%" becomes "%"): looked up once per language, not at each of the hundred uses on a page."""
    text = Markup(translations.ugettext(string))
    return text % {} if "%" in text else text


class Macros:
    """The macros of one template, made once and called as `partials.notice_at(...)` without an import.

    `{% from ... import %}` in a partial that is rendered for every entry or row costs at every entry: Jinja
    compares the page's globals with the module's each time, and `with context` builds the module again.
    This module is made from the globals alone, so its macros use globals (csrf_token, icon, request, `_`)
    and their arguments, never a variable of the page."""

    def __init__(self, app: Flask, name: str):
        self._env, self._name = app.jinja_env, name

    def __getattr__(self, macro: str):
        # Through get_template, so a template changed while the app runs in debug mode is read again.
        return getattr(self._env.get_template(self._name).module, macro)


def per_render() -> dict:
    """Looked up once per page instead of at every use: the signed-in user, and the translations
    behind `_()`, `gettext` and `{% trans %}` (as Jinja's new-style gettext: escaped, then formatted).

    They are plain functions, not `pass_context` ones: every template that translates is HTML, so always
    escaped, and `_` is given directly rather than through Jinja's alias that looks `gettext` up at each call."""
    translations = get_translations()

    def translated(string, **variables):
        if not variables:
            return _translated(translations, string)
        return Markup(translations.ugettext(string)) % variables

    def translated_plural(singular, plural, num, **variables):
        variables.setdefault("num", num)
        return Markup(translations.ungettext(singular, plural, num)) % variables

    return {
        "current_user": current_user._get_current_object(),
        "gettext": translated,
        "_": translated,
        "ngettext": translated_plural,
    }


def init_app(app: Flask) -> None:
    app.context_processor(per_render)
    app.jinja_env.filters.update(
        when=dates.when,
        day_and_time=dates.day_and_time,
        day_month=dates.day_month,
        weekday_day=dates.weekday_day,
        month_year=dates.month_year,
        long_date=dates.long_date,
        long_moment=dates.long_moment,
        iso=dates.iso,
        html_moment=dates.html_moment,
        local_input=dates.local_input,
        moment_from_iso=dates.moment_from_iso,
        month_from_iso=dates.month_from_iso,
        long_date_from_iso=dates.long_date_from_iso,
        bdi=bdi,
        phone=phone,
    )
    app.jinja_env.globals.update(
        partials=Macros(app, "_partials.html"),
        situation_words=Macros(app, "records/_situation_words.html"),
        caseload_rows_html=caseload_rows_html,
        icon=icon,
        focus_here=focus_here,
        utcnow=utcnow,
        catalog=catalog,
        device_label=devices.label,
        phone_name=devices.phone_name,
        contact_labels=CONTACT_PREFERENCES,
        situation_label=situations.label,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
