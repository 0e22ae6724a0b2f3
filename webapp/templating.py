"""What every template can use: the filters and globals registered here, and the per-render gettext."""

from __future__ import annotations

from flask import Flask, g
from flask_babel import get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from . import dates, devices
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


def per_render() -> dict:
    """Looked up once per page instead of at every use: the signed-in user, and the translations
    behind `_()`, `gettext` and `{% trans %}` (as Jinja's new-style gettext: escaped, then formatted)."""
    translations = get_translations()

    @pass_context
    def translated(context, string, **variables):
        text = translations.ugettext(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    @pass_context
    def translated_plural(context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = translations.ungettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return {"current_user": current_user._get_current_object(), "gettext": translated, "ngettext": translated_plural}


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
