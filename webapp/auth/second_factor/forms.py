from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ...validators import strip


class CodeForm(FlaskForm):
    """Six digits from the authenticator app, or (to sign in) one of the recovery codes."""

    code = StringField(
        _l("Code"),
        filters=[strip],
        validators=[DataRequired(message=_l("Write the code.")), Length(max=20, message=_l("That code is too long."))],
    )
