"""How a resident can be reached, as staff read it: the way they prefer, and their number written in groups."""

from __future__ import annotations

import phonenumbers
from flask_babel import lazy_gettext as _l

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
