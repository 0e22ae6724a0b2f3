"""Dates typed by hand, where a browser shows no picker or JavaScript is off: any digits, the usual orders."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from webapp.models import COPENHAGEN, Appointment, Goal, utcnow
from webapp.typed_dates import parse_day, parse_local_moment, parse_month, parse_time

from .factories import rows
from .records_helpers import key, url

ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@pytest.mark.parametrize(
    "text",
    [
        "2027-03-02T10:00",
        "2027-03-02 10:00",
        "2.3.2027 10.00",
        "02/03/2027 10:00",
        "٢/٣/٢٠٢٧ ١٠:٠٠",
        "۲.۳.۲۰۲۷ ۱۰.۰۰",
        "2027-03-02T10:00:00",
    ],
)
def test_a_typed_day_and_time_is_read_in_copenhagen_time(text):
    assert parse_local_moment(text) == datetime(2027, 3, 2, 10, 0, tzinfo=COPENHAGEN)


@pytest.mark.parametrize(
    "text", ["", "next tuesday", "2027-03-02", "31.2.2027 10:00", "2.3.2027 25:00", "10:00 2.3.2027"]
)
def test_what_is_not_a_day_and_time_is_refused(text):
    assert parse_local_moment(text) is None


@pytest.mark.parametrize("text", ["2027-03", "3.2027", "03/2027", "٢٠٢٧-٠٣", "۳.۲۰۲۷"])
def test_a_typed_month_is_read_in_either_order_and_any_digits(text):
    assert parse_month(text) == date(2027, 3, 1)


@pytest.mark.parametrize("text", ["marts", "13.2027", "2027-13", "2027"])
def test_what_is_not_a_month_is_refused(text):
    assert parse_month(text) is None


def test_days_and_times_of_phrases_take_the_same_digits():
    assert parse_day("۲/۳/۲۰۲۷") == date(2027, 3, 2)
    assert parse_time("١٠.٣٠") == time(10, 30)


def test_an_appointment_typed_in_persian_digits_is_saved(auth, accounts, resident):
    when = (utcnow() + timedelta(days=10)).astimezone(COPENHAGEN).replace(hour=9, minute=30)
    typed = f"{when.day}.{when.month}.{when.year} 9.30".translate(PERSIAN)
    response = resident.post(
        url(accounts, "appointments"),
        data={
            "starts_at": typed,
            "place": "Lægehuset",
            "with_whom": "doctor",
            "interpreter": "",
            "idempotency_key": key(1),
        },
    )
    assert response.status_code == 303
    [saved] = rows(auth.app, Appointment)
    assert saved.starts_at.astimezone(COPENHAGEN).replace(tzinfo=None) == when.replace(
        tzinfo=None, second=0, microsecond=0
    )


def test_a_goal_month_typed_in_arabic_digits_is_saved(auth, accounts, resident):
    next_year = utcnow().year + 1
    response = resident.post(
        url(accounts, "goals"),
        data={
            "kind": "job",
            "words": "",
            "hours": "",
            "month": f"3.{next_year}".translate(ARABIC),
            "idempotency_key": key(1),
        },
    )
    assert response.status_code == 303
    [goal] = rows(auth.app, Goal)
    assert goal.target_month == date(next_year, 3, 1)
