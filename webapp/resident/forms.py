from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional

from ..signup.forms import CONTACT_CHOICES, check_phone
from ..validators import RadioChoice, choices, strip


class ContactForm(FlaskForm):
    """The resident corrects how their advisor reaches them."""

    phone = StringField(
        _l("Mobile number (if you want)"),
        filters=[strip],
        validators=[Optional(), Length(max=30, message=_l("That number is too long.")), check_phone],
    )
    contact = RadioChoice(_l("How should your advisor contact you?"), choices=choices(CONTACT_CHOICES.items()))
