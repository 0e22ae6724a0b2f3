"""What every template can use: dates in the reader's language, icons, versioned static files."""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

import phonenumbers
from babel import dates
from flask import Flask, current_app, url_for
from flask_babel import get_locale, get_timezone, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from .models import utcnow
from . import devices
from .records import catalog


def local_date(moment: datetime):
    return moment.astimezone(get_timezone()).date()


def when(moment: datetime | None, now: datetime | None = None) -> str:
    """'Today, 14:05', 'Yesterday, 09:30' or 'Tue 3 Mar, 10:00', in the reader's language and Copenhagen time."""
    if moment is None:
        return ""
    zone, locale = get_timezone(), get_locale()
    time = dates.format_time(moment, "short", tzinfo=zone, locale=locale)
    now = now or datetime.now(moment.tzinfo)
    days = (local_date(now) - local_date(moment)).days
    if days == 0:
        return gettext("Today, %(time)s", time=time)
    if days == 1:
        return gettext("Yesterday, %(time)s", time=time)
    day = dates.format_skeleton("MMMEd" if abs(days) < 180 else "yMMMd", moment, tzinfo=zone, locale=locale)
    return dates.get_datetime_format("short", locale=locale).replace("{1}", day).replace("{0}", time)


def day_and_time(moment: datetime | None) -> str:
    """'Tuesday 3 March, 10:00' in the reader's language, Copenhagen time."""
    if moment is None:
        return ""
    zone, locale = get_timezone(), get_locale()
    return gettext(
        "%(weekday)s %(date)s, %(time)s",
        weekday=dates.format_datetime(moment, "EEEE", tzinfo=zone, locale=locale),
        date=dates.format_skeleton("MMMMd", moment, tzinfo=zone, locale=locale),
        time=dates.format_time(moment, "short", tzinfo=zone, locale=locale),
    )


def day_month(moment: datetime | None) -> str:
    """'3 March' in the reader's language, Copenhagen time."""
    if moment is None:
        return ""
    return dates.format_skeleton("MMMMd", moment, tzinfo=get_timezone(), locale=get_locale())


def weekday_day(day) -> str:
    """'Tuesday 3 March' in the reader's language, for a calendar day."""
    return dates.format_skeleton("MMMMEEEEd", day, locale=get_locale()) if day else ""


def month_year(day) -> str:
    return dates.format_skeleton("yMMMM", day, locale=get_locale()) if day else ""


def local_input(moment: datetime | None) -> str:
    """The value a datetime-local field shows: Copenhagen time, to the minute."""
    return moment.astimezone(get_timezone()).strftime("%Y-%m-%dT%H:%M") if moment else ""


def moment_from_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def month_from_iso(text: str | None) -> str:
    return month_year(date.fromisoformat(text)) if text else ""


def iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


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


@cache
def _file_version(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def static_url(filename: str) -> str:
    """A static address that changes with the file's content, so it can be cached for long."""
    version = _file_version(str(Path(current_app.static_folder) / filename))
    return url_for("static", filename=filename, v=version)


def icon(name: str, label: str | None = None) -> Markup:
    href = escape(static_url("vendor/lucide/sprite.svg")) + "#" + escape(name)
    if label:
        return Markup('<svg class="icon" role="img" aria-label="{}"><use href="{}"></use></svg>').format(label, Markup(href))
    return Markup('<svg class="icon" aria-hidden="true" focusable="false"><use href="{}"></use></svg>').format(Markup(href))


def bdi(text: str | None) -> Markup:
    """Isolate a name people wrote inside a translated sentence, whatever its script."""
    return Markup("<bdi>{}</bdi>").format(text or "")


def init_app(app: Flask) -> None:
    app.config.setdefault("SEND_FILE_MAX_AGE_DEFAULT", timedelta(days=365))
    app.jinja_env.filters.update(when=when, iso=iso, bdi=bdi, day_and_time=day_and_time, month_year=month_year, weekday_day=weekday_day,
                                  local_input=local_input, moment_from_iso=moment_from_iso, day_month=day_month, phone=phone,
                                  month_from_iso=month_from_iso)
    app.jinja_env.globals.update(icon=icon, static_url=static_url, utcnow=utcnow, catalog=catalog,
                                  device_label=devices.label, contact_labels=CONTACT_PREFERENCES)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
