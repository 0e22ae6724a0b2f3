from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from .. import passwords
from ..i18n import LANGUAGES, normalize_digits
from ..validators import ChoiceField, check_new_password, check_new_pin, choices, strip


def check_pin_format(form, field):
    pin = normalize_digits(field.data or "")
    if not passwords.is_pin(pin):
        raise ValidationError(_l("A PIN is 4 to 8 digits."))
    field.data = pin


class PinForm(FlaskForm):
    """A paired phone knows who it belongs to: the PIN is all it asks."""

    pin = PasswordField(_l("PIN"), validators=[DataRequired(message=_l("Write your PIN.")), check_pin_format])

    @property
    def secret(self) -> str:
        return self.pin.data


class ResidentSignInForm(PinForm):
    """On the community-house tablet a resident also says who they are."""

    username = StringField(
        _l("Username"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Write your username.")),
            Length(max=40, message=_l("That username is too long.")),
        ],
    )


class NewPinForm(FlaskForm):
    new = PasswordField(_l("New PIN"), validators=[DataRequired(message=_l("Write a new PIN.")), check_new_pin])
    repeat = PasswordField(
        _l("New PIN again"),
        filters=[lambda value: normalize_digits(value or "")],
        validators=[EqualTo("new", message=_l("The two new PINs are not the same."))],
    )


class StaffSignInForm(FlaskForm):
    username = StringField(
        _l("Username"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Write your username.")),
            Length(max=40, message=_l("That username is too long.")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=_l("Write your password.")),
            Length(max=200, message=_l("That password is too long.")),
        ],
    )

    @property
    def secret(self) -> str:
        return self.password.data


# The current secret is checked by the view, through the same lockout as signing in.
class ChangePinForm(NewPinForm):
    wrong_current_message = _l("That is not your current PIN.")
    current = PasswordField(
        _l("Your PIN now"),
        validators=[DataRequired(message=_l("Write your PIN."))],
        filters=[lambda value: normalize_digits(value or "")],
    )


class ChangePasswordForm(FlaskForm):
    wrong_current_message = _l("That is not your current password.")
    current = PasswordField(_l("Your password now"), validators=[DataRequired(message=_l("Write your password."))])
    new = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(message=_l("Write a new password.")),
            check_new_password,
            Length(max=200, message=_l("That password is too long.")),
        ],
    )
    repeat = PasswordField(
        _l("New password again"), validators=[EqualTo("new", message=_l("The two new passwords are not the same."))]
    )


class LanguageForm(FlaskForm):
    """The language the account reads and writes in: the app's screens, and what the advisor sees."""

    locale = ChoiceField(
        _l("My language"), choices=choices((language.code, language.endonym) for language in LANGUAGES)
    )
