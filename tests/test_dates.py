"""Dates in each reader's language: Copenhagen time, the order their language writes, their month names."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from babel import Locale
from flask_babel import force_locale, get_locale

from webapp.dates import clock, day_and_time, day_month, format_time, month_year, weekday_day, when
from webapp.timeline import phrases
from webapp.timeline.display import phrase_text

# Monday 23 November 2026, 14:55 in Copenhagen.
MONDAY = datetime(2026, 11, 23, 13, 55, tzinfo=UTC)
# Monday 2 March 2026, 17:30 in Copenhagen: an afternoon, so a 12-hour clock would show.
MARCH = datetime(2026, 3, 2, 16, 30, tzinfo=UTC)
FORMATS = ["when", "when-far-off", "day_and_time", "day_month", "weekday_day", "month_year"]
RLM = "\u200f"  # Babel's Dari date-and-time pattern puts a right-to-left mark after the comma


def written(app, locale, format_, *args):
    with app.test_request_context(), force_locale(locale):
        return format_(*args)


@pytest.mark.parametrize(
    ("format_", "args", "expected"),
    [
        (when, (MONDAY, MONDAY + timedelta(days=10)), f"دوشنبه 23 نومبر،{RLM} 14:55"),
        (when, (MONDAY, MONDAY + timedelta(days=200)), f"23 نومبر 2026،{RLM} 14:55"),
        (day_and_time, (MONDAY,), "دوشنبه 23 نومبر، ساعت 14:55"),
        (day_month, (MONDAY,), "23 نومبر"),
        (weekday_day, (date(2026, 11, 23),), "دوشنبه 23 نومبر"),
        (month_year, (date(2026, 11, 1),), "نومبر 2026"),
    ],
    ids=FORMATS,
)
def test_dari_dates_read_day_month_year(app, format_, args, expected):
    assert written(app, "fa_AF", format_, *args) == expected


@pytest.mark.parametrize(
    ("format_", "args", "expected"),
    [
        (when, (MARCH, MARCH + timedelta(days=3)), "الاثنين، 2 آذار، 17:30"),
        (when, (MARCH, MARCH + timedelta(days=200)), "2 آذار 2026، 17:30"),
        (day_and_time, (MARCH,), "الاثنين 2 آذار، الساعة 17:30"),
        (day_month, (MONDAY,), "23 تشرين الثاني"),
        (weekday_day, (date(2026, 3, 2),), "الاثنين، 2 آذار"),
        (month_year, (date(2026, 1, 1),), "كانون الثاني 2026"),
    ],
    ids=FORMATS,
)
def test_arabic_dates_use_levantine_month_names_and_the_24_hour_clock(app, format_, args, expected):
    assert written(app, "ar", format_, *args) == expected


def test_arabic_dates_keep_the_arabic_catalog(app):
    with app.test_request_context(), force_locale("ar"):
        assert when(MARCH, now=MARCH) == "اليوم الساعة 17:30"
        assert str(get_locale()) == "ar"


@pytest.mark.parametrize("locale", ["ar", "fa_AF", "da", "en"])
def test_every_time_of_day_is_on_the_24_hour_clock(app, locale):
    """The same appointment reaches the reader as "kl. 17.30" in a Danish letter or SMS."""
    separator = "." if locale == "da" else ":"
    with app.test_request_context(), force_locale(locale):
        assert format_time(17, 30) == f"17{separator}30"
        assert clock(MARCH) == f"17{separator}30"
        assert f"17{separator}30" in day_and_time(MARCH)


@pytest.mark.parametrize(
    ("format_", "args", "expected"),
    [
        (when, (MONDAY, MONDAY + timedelta(days=10)), "man. 23. nov. kl. 14.55"),
        (when, (MONDAY, MONDAY), "i dag kl. 14.55"),
        (when, (MONDAY, MONDAY + timedelta(days=1)), "i går kl. 14.55"),
        (day_and_time, (MARCH,), "mandag den 2. marts kl. 17.30"),
        (weekday_day, (date(2026, 3, 2),), "mandag den 2. marts"),
    ],
    ids=["when", "today", "yesterday", "day_and_time", "weekday_day"],
)
def test_danish_writes_the_weekday_out_and_today_in_lower_case(app, format_, args, expected):
    """Inside a sentence: "Logget ind i dag kl. 14.55", "Aflys aftalen mandag den 2. marts kl. 17.30?"."""
    assert written(app, "da", format_, *args) == expected


def test_danish_dates_inside_phrases_read_as_running_text(app):
    come_on = phrases.PHRASES["come_on"]
    with app.test_request_context(), force_locale("da"):
        said = str(phrase_text(phrases.stored(come_on, on=date(2026, 3, 2), at=time(17, 30))))
    assert said == "Kan du komme i beboerhuset mandag den 2. marts kl. 17.30?"


@pytest.mark.parametrize(
    ("format_", "args", "expected"),
    [
        (when, (MONDAY, MONDAY + timedelta(days=10)), "Mon 23 Nov, 14:55"),
        (when, (MONDAY, MONDAY), "today at 14:55"),
        (when, (MONDAY, MONDAY + timedelta(days=200)), "23 Nov 2026, 14:55"),
        (day_and_time, (MARCH,), "Monday 2 March, 17:30"),
        (weekday_day, (date(2026, 3, 2),), "Monday 2 March"),
    ],
    ids=["when", "today", "when-far-off", "day_and_time", "weekday_day"],
)
def test_english_readers_in_denmark_read_day_month_and_the_24_hour_clock(app, format_, args, expected):
    assert written(app, "en", format_, *args) == expected


def test_dari_says_today_inside_a_sentence(app):
    assert written(app, "fa_AF", when, MONDAY, MONDAY) == "امروز ساعت 14:55"


# Around midnight in Copenhagen, seen on Monday 23 November 2026 at 14:55 (NOW): the day each moment falls on
# decides "today", "yesterday" or the weekday; the night summer time ends writes 02:30 twice.
NOW = datetime(2026, 11, 23, 13, 55, tzinfo=UTC)
MIDNIGHT = datetime(2026, 11, 22, 23, 0, tzinfo=UTC)  # Monday 00:00 in Copenhagen
AROUND_MIDNIGHT = [
    MIDNIGHT,
    MIDNIGHT - timedelta(seconds=1),
    MIDNIGHT - timedelta(days=1),
    MIDNIGHT - timedelta(days=1, seconds=1),
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
]
SAID_AROUND_MIDNIGHT = {
    "da": ["i dag kl. 00.00", "i går kl. 23.59", "i går kl. 00.00", "lør. 21. nov. kl. 23.59"]
    + ["søn. 25. okt. kl. 02.30"] * 2,
    "ar": ["اليوم الساعة 00:00", "أمس الساعة 23:59", "أمس الساعة 00:00", "السبت، 21 تشرين الثاني، 23:59"]
    + ["الأحد، 25 تشرين الأول، 02:30"] * 2,
    "fa_AF": ["امروز ساعت 0:00", "دیروز ساعت 23:59", "دیروز ساعت 0:00", f"شنبه 21 نومبر،{RLM} 23:59"]
    + [f"یکشنبه 25 اکتوبر،{RLM} 2:30"] * 2,
    "en": ["today at 00:00", "yesterday at 23:59", "yesterday at 00:00", "Sat 21 Nov, 23:59"]
    + ["Sun 25 Oct, 02:30"] * 2,
}


@pytest.mark.parametrize("locale", ["da", "ar", "fa_AF", "en"])
def test_today_and_yesterday_turn_at_midnight_in_copenhagen(app, locale):
    with app.test_request_context(), force_locale(locale):
        said = [when(moment, now=NOW) for moment in AROUND_MIDNIGHT]
        assert [when(moment, now=NOW) for moment in AROUND_MIDNIGHT] == said  # the second time, from what is kept
    assert said == SAID_AROUND_MIDNIGHT[locale]


@pytest.mark.parametrize("locale", ["da", "ar", "fa_AF", "en"])
def test_times_and_days_written_once_read_as_babel_writes_them(app, locale):
    """Times are written once per locale and minute, days once per locale and day: the same as Babel writes
    them each time, at every minute of a day and on every day of two years, in the readers' languages
    (for dates the regional locale of DATE_LOCALES)."""
    from webapp import dates

    language = dates.date_locale(Locale.parse(locale))
    clock_pattern = dates._short_time(language)
    with app.test_request_context(), force_locale(locale):
        for minute in range(24 * 60):
            moment = datetime(2026, 11, 23, minute // 60, minute % 60, tzinfo=UTC)
            assert dates.clock(moment) == clock_pattern.apply(moment.astimezone(dates.COPENHAGEN), language)
        for skeleton in ("MMMEd", "yMMMd", "EEEE", "MMMMd", "MMMMEEEEd", "yMMMM", "yMMMMd"):
            pattern = dates._pattern(language, skeleton)
            for day in (date(2026, 1, 1) + timedelta(days=n) for n in range(731)):
                assert dates._formatted(day, skeleton) == pattern.apply(day, language)
