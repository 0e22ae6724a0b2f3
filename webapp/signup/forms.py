from __future__ import annotations

import phonenumbers
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..auth.forms import NewPinForm
from ..i18n import LANGUAGES, normalize_digits
from ..validators import ChoiceField, PersonName, RadioChoice, choices, strip

CONTACT_CHOICES = {
    "call": _l("Call me"),
    "sms": _l("Send me an SMS"),
    "house": _l("Talk to me in the community house"),
}


class LanguageForm(FlaskForm):
    locale = RadioChoice(
        _l("Which language do you read best?"),
        choices=choices((language.code, language.endonym) for language in LANGUAGES),
        message=_l("Please choose a language."),
    )


def check_phone(form, field):
    """Optional. A Danish number is +45 and 8 digits; any other country's in E.164 (+ and the number)."""
    text = normalize_digits(field.data or "").replace(" ", "").replace("-", "")
    if not text:
        field.data = ""
        return
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else "DK")
    except phonenumbers.NumberParseException:
        raise ValidationError(_l("Please write the number as 8 digits, or with + and the country code.")) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_l("That does not look like a phone number. Please check it."))
    field.data = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class AboutForm(FlaskForm):
    name = StringField(
        _l("The name you want to be called"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Please write a name.")),
            Length(max=80, message=_l("A name can be at most 80 characters.")),
            PersonName(),
        ],
    )
    phone = StringField(
        _l("Mobile number (if you want)"),
        filters=[strip],
        validators=[Optional(), Length(max=30, message=_l("That number is too long.")), check_phone],
    )
    area_id = ChoiceField(_l("Where do you live?"), coerce=int, validate_choice=True)
    contact = RadioChoice(_l("How should your advisor contact you?"), choices=choices(CONTACT_CHOICES.items()))

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.area_id.choices = choices((area.id, area.name) for area in areas)
        if not areas:  # no areas kept yet: the question is left out
            del self.area_id


class PinForm(NewPinForm):
    """The resident chooses a PIN on the tablet; the helper looks away."""
