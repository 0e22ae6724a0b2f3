"""Dates and times as people type them where the browser shows no picker (or JavaScript is off):
ISO as the pickers send it, or day.month.year, in Western, Arabic-Indic or Persian digits."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from .i18n import normalize_digits
from .models import COPENHAGEN

# Left-to-right isolates around a machine-format example inside a sentence: in Arabic or Dari text
# "2027-03-02 10:00" would otherwise be reordered into "10:00 02-03-2027".
LTR_EXAMPLE = "\u2066{}\u2069"


def ltr_example(text: str) -> str:
    return LTR_EXAMPLE.format(text)


def parse_day(text: str | None) -> date | None:
    """2026-12-02 (what a date field sends), or typed as 2.12.2026 or 2/12/2026, in any digits."""
    text = normalize_digits(text or "").strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})", text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return None


def parse_time(text: str | None) -> time | None:
    """10:00 (what a time field sends), or typed as 10.00 or 10, in any digits."""
    match = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?(?::\d{2})?", normalize_digits(text or "").strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    return time(hour, minute) if hour < 24 and minute < 60 else None


def parse_local_moment(text: str | None) -> datetime | None:
    """'2027-03-02T10:00' (what datetime-local sends), or a typed day and time ('2.3.2027 10.00'), in Copenhagen
    time."""
    parts = re.split(r"[T\s]+", normalize_digits(text or "").strip())
    if len(parts) != 2:
        return None
    day, clock = parse_day(parts[0]), parse_time(parts[1])
    if day is None or clock is None:
        return None
    return datetime.combine(day, clock, tzinfo=COPENHAGEN)


def parse_month(text: str | None) -> date | None:
    """2027-03 (what a month field sends), or typed as 3.2027 or 03/2027, in any digits."""
    text = normalize_digits(text or "").strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text) or re.fullmatch(r"(\d{1,2})[./-](\d{4})", text)
    if not match:
        return None
    first, second = (int(part) for part in match.groups())
    year, month = (first, second) if first > 12 else (second, first)
    try:
        return date(year, month, 1)
    except ValueError:
        return None
