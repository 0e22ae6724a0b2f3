"""Dates and times in the reader's language and Copenhagen time: who reads (Reader), Babel's patterns
corrected where they read wrong to our readers, and the formats the pages use (when, day_and_time …)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache, lru_cache

from babel import Locale, dates
from babel.dates import DateTimePattern
from flask import g
from flask_babel import get_locale, get_translations

from .i18n import N_
from .models import COPENHAGEN


@dataclass(frozen=True)
class Reader:
    """Who reads this page: the locale their dates are written in, their translations, and today's date in
    Copenhagen."""

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
DAY_AND_TIME = N_("%(weekday)s %(date)s, %(time)s")


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


# The fields of a pattern that read only the calendar day, and only the hour and minute: what such a pattern
# writes depends on the day (or the hour and minute) alone, so it is written once per locale and day.
DAY_FIELDS = frozenset("GyYuUQqMLlwWdDFgEec")
CLOCK_FIELDS = frozenset("HhKkma")


def _fields(pattern: DateTimePattern) -> frozenset[str]:
    return frozenset(value[0] for kind, value in dates.tokenize_pattern(pattern.pattern) if kind == "field")


@lru_cache(maxsize=4096)
def _day_text(locale: Locale, skeleton: str, day: date) -> str:
    return _pattern(locale, skeleton).apply(day, locale)


@lru_cache(maxsize=8192)
def _clock_text(locale: Locale, hour: int, minute: int) -> str:
    return _short_time(locale).apply(datetime(2000, 1, 1, hour, minute), locale)


@lru_cache(maxsize=256)
def _by_day(locale: Locale, skeleton: str) -> bool:
    return _fields(_pattern(locale, skeleton)) <= DAY_FIELDS


@lru_cache(maxsize=16)
def _by_clock(locale: Locale) -> bool:
    return _fields(_short_time(locale)) <= CLOCK_FIELDS


def _formatted(value, skeleton: str, locale: Locale | None = None) -> str:
    """A moment (in Copenhagen time) or a calendar day, by a skeleton, in the reader's language."""
    locale = locale or reader().locale
    if isinstance(value, datetime):
        value = value.astimezone(COPENHAGEN)
    if _by_day(locale, skeleton):
        return _day_text(locale, skeleton, value.date() if isinstance(value, datetime) else value)
    return _pattern(locale, skeleton).apply(value, locale)


def _time(moment: datetime, locale: Locale | None = None) -> str:
    locale = locale or reader().locale
    moment = moment.astimezone(COPENHAGEN)
    if _by_clock(locale):
        return _clock_text(locale, moment.hour, moment.minute)
    return _short_time(locale).apply(moment, locale)


def clock(moment: datetime) -> str:
    """A moment's time of day ("14:05"), Copenhagen time, as the reader writes times."""
    return _time(moment)


def format_time(hour: int, minute: int) -> str:
    """A time of day on its own (a phrase's "at 10:00"), as the reader writes times."""
    locale = reader().locale
    if _by_clock(locale):
        return _clock_text(locale, hour, minute)
    return _short_time(locale).apply(datetime(2000, 1, 1, hour, minute), locale)


def local_date(moment: datetime):
    return moment.astimezone(COPENHAGEN).date()


def when(moment: datetime | None, now: datetime | None = None) -> str:
    """'today at 14:05', 'yesterday at 09:30' or 'Tue 3 Mar, 10:00', in the reader's language and Copenhagen time."""
    if moment is None:
        return ""
    person = reader()
    local = moment.astimezone(COPENHAGEN)
    time = _time(local, person.locale)
    days = ((local_date(now) if now else person.today) - local.date()).days
    if days == 0:
        return person.gettext(TODAY, time=time)
    if days == 1:
        return person.gettext(YESTERDAY, time=time)
    day = _formatted(local, "MMMEd" if abs(days) < 180 else "yMMMd", person.locale)
    return _date_and_time(person.locale).replace("{1}", day).replace("{0}", time)


def day_and_time(moment: datetime | None) -> str:
    """'Tuesday 3 March, 10:00' in the reader's language, Copenhagen time."""
    if moment is None:
        return ""
    person = reader()
    local = moment.astimezone(COPENHAGEN)
    return person.gettext(
        DAY_AND_TIME,
        weekday=_formatted(local, "EEEE", person.locale),
        date=_formatted(local, "MMMMd", person.locale),
        time=_time(local, person.locale),
    )


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
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat(timespec="seconds")
