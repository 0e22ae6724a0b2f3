from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ..forms import OnceForm
from ..validators import PlainText, normalize_newlines

MESSAGE_MAX = 4000


class MessageForm(OnceForm):
    body = TextAreaField(
        _l("Message"),
        filters=[normalize_newlines],
        validators=[
            DataRequired(message=_l("Write a few words first.")),
            Length(max=MESSAGE_MAX, message=_l("A message can be at most 4,000 characters.")),
            PlainText(),
        ],
    )
