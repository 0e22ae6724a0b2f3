"""Field checks shared by the forms. Each answers in the reader's language."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from . import passwords
from .i18n import normalize_digits

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")


def normalize_newlines(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(char) == "Cc" and char != "\n" for char in text)


class PlainText:
    """No control characters other than newlines; no bidi overrides where text names someone."""

    def __init__(self, *, allow_newlines: bool = True, allow_bidi_controls: bool = True):
        self.allow_newlines = allow_newlines
        self.allow_bidi_controls = allow_bidi_controls

    def __call__(self, form, field):
        text = field.data or ""
        if has_control_characters(text) or (not self.allow_newlines and "\n" in text):
            raise ValidationError(_l("Please remove the hidden control characters from the text."))
        if not self.allow_bidi_controls and BIDI_CONTROLS.search(text):
            raise ValidationError(_l("Please remove the hidden direction characters from the text."))


def _is_arabic_letter(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff" and unicodedata.category(char).startswith("L")


def has_invisible_characters(text: str) -> bool:
    """Zero-width and other format characters, line separators and lone direction marks.

    They let one name look like another. The zero-width non-joiner is part of Persian and Dari
    spelling (e.g. علی‌رضا), so it is kept between two Arabic-script letters and nowhere else.
    """
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if category in ("Zl", "Zp"):
            return True
        if category == "Cf":
            between_letters = (
                0 < index < len(text) - 1 and _is_arabic_letter(text[index - 1]) and _is_arabic_letter(text[index + 1])
            )
            if not (char == "\u200c" and between_letters):
                return True
    return False


class PersonName:
    """A name others will see: no control, direction or invisible characters."""

    def __call__(self, form, field):
        text = field.data or ""
        if has_control_characters(text) or "\n" in text:
            raise ValidationError(_l("Please remove the hidden control characters from the text."))
        if BIDI_CONTROLS.search(text):
            raise ValidationError(_l("Please remove the hidden direction characters from the text."))
        if has_invisible_characters(text):
            raise ValidationError(_l("Please remove the invisible characters from the name."))


def check_username(form, field):
    field.data = (field.data or "").strip().lower()
    if BIDI_CONTROLS.search(field.data) or not USERNAME.match(field.data):
        raise ValidationError(_l("Use 3 to 40 small letters (a–z), digits, dots, dashes or underscores."))


def check_new_pin(form, field):
    pin = normalize_digits(field.data or "")
    if not passwords.is_pin(pin):
        raise ValidationError(_l("A PIN is 4 to 8 digits."))
    if passwords.is_common_pin(pin):
        raise ValidationError(_l("That PIN is too easy to guess. Please choose another."))
    field.data = pin


def check_new_password(form, field):
    if len(field.data or "") < passwords.PASSWORD_MIN:
        raise ValidationError(_l("A password has at least 12 characters."))


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class ChoiceField(SelectField):
    """A select whose refusal is in the reader's language (WTForms' own is English only)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(str(NOT_A_CHOICE)) from None

    def pre_validate(self, form):
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(NOT_A_CHOICE)


NOT_A_CHOICE = _l("Please choose one of the options.")


class RadioChoice(RadioField):
    """Radio buttons whose refusal is in the reader's language."""

    def __init__(self, *args, message=NOT_A_CHOICE, **kwargs):
        super().__init__(*args, **kwargs)
        self.message = message

    def pre_validate(self, form):
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(self.message)


def strip(value):
    return value.strip() if isinstance(value, str) else value
