"""What every template can use: dates in the reader's language, icons."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import cache, lru_cache

import phonenumbers
from babel import Locale, dates
from babel.dates import DateTimePattern
from flask import Flask, g
from flask_babel import get_locale, get_translations, gettext
from flask_login import current_user
from jinja2 import pass_context
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from .assets import static_url
from .i18n import N_
from .models import COPENHAGEN, utcnow
from . import devices
from .outcomes import situations
from .records import catalog


@dataclass(frozen=True)
class Reader:
    """Who reads this page: the locale their dates are written in, their translations, and today's date in Copenhagen."""
    locale: Locale  # for dates; it may be a regional variant of the catalog's language (see DATE_LOCALES)
    translations: object
    today: date

    def gettext(self, text: str, **variables) -> str:
        return self.translations.ugettext(text) % variables


def reader() -> Reader:
    """Looked up once per request: a caseload of 120 residents formats hundreds of dates."""
    if "reader" not in g:
        g.reader = Reader(date_locale(get_locale()), get_translations(), datetime.now(COPENHAGEN).date())
    return g.reader


# Our Arabic readers come mostly from Syria and Iraq and say آذار, not مارس: their dates use the
# Levantine month names of Babel's ar_SY, while the words on the page stay in the `ar` catalog.
# Readers of English live in Denmark: day before month and the 24-hour clock, as British English writes them.
DATE_LOCALES = {"ar": "ar_SY", "en": "en_GB"}

# Where Babel's pattern for a skeleton reads wrong to our readers. Dari (fa_AF) puts the month first
# ("نومبر 23"), but Afghans write day, month, year; ar_SY abbreviates months to the Egyptian names
# (مارس). Both get the full month name, which is short in either language. In running text a Dane
# writes the weekday out: "mandag den 2. marts".
PATTERNS = {
    "fa_AF": {"MMMEd": "E d MMMM", "yMMMd": "d MMMM y", "MMMMd": "d MMMM"},
    "ar_SY": {"MMMEd": "E، d MMMM", "yMMMd": "d MMMM y"},
    "da": {"MMMMEEEEd": "EEEE 'den' d. MMMM"},
}

# The time of day, where Babel's short time reads wrong to our readers. ar_SY writes "5:30 م", but the
# same appointment reaches them as "kl. 17.30" in a Danish letter, and "م" also stands for ميلادي.
SHORT_TIMES = {"ar_SY": "HH:mm"}

# A day and a time together ("{1}" the day, "{0}" the time), where Babel's short form leaves out a word.
DATES_AND_TIMES = {"da": "{1} kl. {0}"}

# The weekday's name in full where a skeleton asks for it (EEEE): Babel's skeleton matching gives the
# abbreviation ("man.", "Mon") when the locale has no pattern of that exact width.
WIDE_WEEKDAY = {"E": 4, "c": 4, "e": 4}


@cache
def date_locale(locale: Locale) -> Locale:
    """The locale dates are written in for readers of `locale`."""
    code = str(locale)
    return Locale.parse(DATE_LOCALES[code]) if code in DATE_LOCALES else locale


# Lower case: `when` is mostly said inside a sentence ("Signed in today at 14:55", "since yesterday at 9:30").
TODAY = N_("today at %(time)s")
YESTERDAY = N_("yesterday at %(time)s")


@lru_cache(maxsize=256)
def _pattern(locale: Locale, skeleton: str) -> DateTimePattern:
    """What Babel's format_skeleton looks up on every call, once per locale and skeleton."""
    override = PATTERNS.get(str(locale), {}).get(skeleton)
    if override:
        return dates.parse_pattern(override)
    known = locale.datetime_skeletons
    pattern = dates.parse_pattern(known[skeleton if skeleton in known else dates.match_skeleton(skeleton, known)])
    return dates.parse_pattern(_widen_weekday(pattern.pattern)) if "EEEE" in skeleton else pattern


def _widen_weekday(pattern: str) -> str:
    """The pattern with its weekday written out: "E d. MMMM" becomes "EEEE d. MMMM"."""
    tokens = []
    for kind, value in dates.tokenize_pattern(pattern):
        # E, EE and EEE are all the abbreviation; c and e are numbers below 3 letters.
        if kind == "field" and value[0] in WIDE_WEEKDAY and (value[0] == "E" or value[1] == 3):
            value = (value[0], WIDE_WEEKDAY[value[0]])
        tokens.append((kind, value))
    return dates.untokenize_pattern(tokens)


@lru_cache(maxsize=16)
def _short_time(locale: Locale) -> DateTimePattern:
    return dates.parse_pattern(SHORT_TIMES.get(str(locale)) or dates.get_time_format("short", locale=locale))


@lru_cache(maxsize=16)
def _date_and_time(locale: Locale) -> str:
    return DATES_AND_TIMES.get(str(locale)) or str(dates.get_datetime_format("short", locale=locale))


def _formatted(value, skeleton: str, locale: Locale | None = None) -> str:
    """A moment (in Copenhagen time) or a calendar day, by a skeleton, in the reader's language."""
    locale = locale or reader().locale
    if isinstance(value, datetime):
        value = value.astimezone(COPENHAGEN)
    return _pattern(locale, skeleton).apply(value, locale)


def _time(moment: datetime, locale: Locale | None = None) -> str:
    locale = locale or reader().locale
    return _short_time(locale).apply(moment.astimezone(COPENHAGEN), locale)


def clock(moment: datetime) -> str:
    """A moment's time of day ("14:05"), Copenhagen time, as the reader writes times."""
    return _time(moment)


def format_time(hour: int, minute: int) -> str:
    """A time of day on its own (a phrase's "at 10:00"), as the reader writes times."""
    locale = reader().locale
    return _short_time(locale).apply(datetime(2000, 1, 1, hour, minute), locale)


def local_date(moment: datetime):
    return moment.astimezone(COPENHAGEN).date()


def when(moment: datetime | None, now: datetime | None = None) -> str:
    """'today at 14:05', 'yesterday at 09:30' or 'Tue 3 Mar, 10:00', in the reader's language and Copenhagen time."""
    if moment is None:
        return ""
    person = reader()
    time = _time(moment, person.locale)
    days = ((local_date(now) if now else person.today) - local_date(moment)).days
    if days == 0:
        return person.gettext(TODAY, time=time)
    if days == 1:
        return person.gettext(YESTERDAY, time=time)
    day = _formatted(moment, "MMMEd" if abs(days) < 180 else "yMMMd", person.locale)
    return _date_and_time(person.locale).replace("{1}", day).replace("{0}", time)


def day_and_time(moment: datetime | None) -> str:
    """'Tuesday 3 March, 10:00' in the reader's language, Copenhagen time."""
    if moment is None:
        return ""
    return gettext("%(weekday)s %(date)s, %(time)s", weekday=_formatted(moment, "EEEE"),
                   date=_formatted(moment, "MMMMd"), time=_time(moment))


def day_month(moment: datetime | None) -> str:
    """'3 March' in the reader's language, Copenhagen time."""
    return _formatted(moment, "MMMMd") if moment else ""


def weekday_day(day) -> str:
    """'Tuesday 3 March' in the reader's language, for a calendar day."""
    return _formatted(day, "MMMMEEEEd") if day else ""


def long_date(day) -> str:
    """'3 March 2025' in the reader's language: a day (or a moment's day, in Copenhagen) read years later."""
    return _formatted(day, "yMMMd") if day else ""


def long_moment(moment: datetime | None) -> str:
    """'3 March 2025, 10:00' in the reader's language and Copenhagen time: a moment read years later."""
    if moment is None:
        return ""
    locale = reader().locale
    return _date_and_time(locale).replace("{1}", long_date(moment)).replace("{0}", _time(moment, locale))


def full_date(day) -> str:
    """'6 December 2026' in the reader's language, the month written out (a day, or a moment's day in Copenhagen)."""
    return _formatted(day, "yMMMMd") if day else ""


def month_year(day) -> str:
    return _formatted(day, "yMMMM") if day else ""


def local_input(moment: datetime | None) -> str:
    """The value a datetime-local field shows: Copenhagen time, to the minute."""
    return moment.astimezone(COPENHAGEN).strftime("%Y-%m-%dT%H:%M") if moment else ""


def moment_from_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def month_from_iso(text: str | None) -> str:
    return month_year(date.fromisoformat(text)) if text else ""


def long_date_from_iso(text: str | None) -> str:
    """'1 March 2027' from the '2027-03-01' an entry keeps."""
    return long_date(date.fromisoformat(text)) if text else ""


def iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


def html_moment(moment: datetime | None) -> str:
    """For `<time datetime>`: whole seconds with the offset. HTML allows at most three digits of a second,
    and `iso` keeps six (the poller needs them)."""
    if not moment:
        return ""
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).isoformat(timespec="seconds")


# How a resident prefers to be contacted, as their advisor reads it.
CONTACT_PREFERENCES = {
    "call": _l("a phone call"),
    "sms": _l("an SMS"),
    "house": _l("a talk in the community house"),
}


def phone(number: str | None) -> str:
    """+4512345678 as +45 12 34 56 78."""
    if not number:
        return ""
    try:
        return phonenumbers.format_number(phonenumbers.parse(number), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return number


def icon(name: str, label: str | None = None) -> Markup:
    href = _icon_href(static_url(SPRITE), name)
    classes = "icon icon--flip" if name in POINTING else "icon"
    if label:
        return Markup('<svg class="{}" role="img" aria-label="{}"><use href="{}"></use></svg>').format(classes, label, href)
    return _unlabelled_icon(href, classes)


SPRITE = "vendor/lucide/sprite.svg"  # Lucide's icons and our own check-in faces (scripts/vendor_frontend.sh)
# Icons that point along the line of text: right to left, they point the other way (app.css).
POINTING = frozenset({"log-out", "send", "undo-2"})


@lru_cache(maxsize=512)
def _icon_href(sprite: str, name: str) -> Markup:
    return escape(sprite) + "#" + escape(name)


@lru_cache(maxsize=512)
def _unlabelled_icon(href: Markup, classes: str) -> Markup:
    return Markup('<svg class="{}" aria-hidden="true" focusable="false"><use href="{}"></use></svg>').format(classes, href)


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
    app.jinja_env.filters.update(when=when, iso=iso, html_moment=html_moment, bdi=bdi, day_and_time=day_and_time, month_year=month_year, weekday_day=weekday_day,
                                  local_input=local_input, moment_from_iso=moment_from_iso, day_month=day_month, phone=phone,
                                  month_from_iso=month_from_iso, long_date=long_date, long_moment=long_moment,
                                  long_date_from_iso=long_date_from_iso)
    app.jinja_env.globals.update(icon=icon, focus_here=focus_here, utcnow=utcnow, catalog=catalog,
                                  device_label=devices.label, phone_name=devices.phone_name, contact_labels=CONTACT_PREFERENCES,
                                  situation_label=situations.label)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
