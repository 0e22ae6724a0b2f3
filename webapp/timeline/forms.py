from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from ..validators import PlainText, normalize_newlines

MESSAGE_MAX = 4000


class MessageForm(FlaskForm):
    body = TextAreaField(
        _l("Message"),
        filters=[normalize_newlines],
        validators=[
            DataRequired(message=_l("Write a few words first.")),
            Length(max=MESSAGE_MAX, message=_l("A message can be at most 4,000 characters.")),
            PlainText(),
        ],
    )
    # A fresh key per rendered form: the same form sent twice makes one entry.
    idempotency_key = HiddenField(validators=[Regexp(r"^[0-9a-f]{32}$", message=_l("Please try again."))])

    @classmethod
    def fresh(cls) -> "MessageForm":
        form = cls(formdata=None)
        form.idempotency_key.data = uuid.uuid4().hex
        return form
