"""Form pieces shared by every area."""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import Regexp


class OnceForm(FlaskForm):
    """A form that makes something: a fresh key per render, so sending it twice makes it once."""

    # Without an id: a page holds many such forms, and an id may be used once (nothing looks it up).
    idempotency_key = HiddenField(
        validators=[Regexp(r"^[0-9a-f]{32}$", message=_l("Please try again."))], render_kw={"id": False}
    )

    @classmethod
    def fresh(cls, **data):
        form = cls(formdata=None, **data)
        form.idempotency_key.data = uuid.uuid4().hex
        return form
