"""Dates in each reader's language: Copenhagen time, the order their language writes, their month names."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale, get_locale

from webapp.templating import day_and_time, day_month, month_year, weekday_day, when

# Monday 23 November 2026, 14:55 in Copenhagen.
MONDAY = datetime(2026, 11, 23, 13, 55, tzinfo=UTC)
# Monday 2 March 2026, 10:00 in Copenhagen.
MARCH = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
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
        (when, (MARCH, MARCH + timedelta(days=3)), "الاثنين، 2 آذار، 10:00 ص"),
        (when, (MARCH, MARCH + timedelta(days=200)), "2 آذار 2026، 10:00 ص"),
        (day_and_time, (MARCH,), "الاثنين 2 آذار، الساعة 10:00 ص"),
        (day_month, (MONDAY,), "23 تشرين الثاني"),
        (weekday_day, (date(2026, 3, 2),), "الاثنين، 2 آذار"),
        (month_year, (date(2026, 1, 1),), "كانون الثاني 2026"),
    ],
    ids=FORMATS,
)
def test_arabic_dates_use_levantine_month_names(app, format_, args, expected):
    assert written(app, "ar", format_, *args) == expected


def test_arabic_dates_keep_the_arabic_catalog(app):
    with app.test_request_context(), force_locale("ar"):
        assert when(MARCH, now=MARCH) == "اليوم، 10:00 ص"
        assert str(get_locale()) == "ar"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("da", "man. 23. nov. 14.55"), ("en", "Mon, Nov 23, 2:55\u202fPM")],
)
def test_other_languages_keep_babels_dates(app, locale, expected):
    assert written(app, locale, when, MONDAY, MONDAY + timedelta(days=10)) == expected
